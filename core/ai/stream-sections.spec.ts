import { describe, expect, it } from 'vitest';
import { SectionStream } from './stream-sections';

const reply = JSON.stringify({
  title: 'Raised Beds',
  meta_title: 'Raised beds { guide }',
  sections: [
    { h2: 'Why raised beds', html: '<p>Warmer soil, "fewer" weeds.</p>' },
    { h2: 'Build one', html: '<ul><li>Cedar {boards}</li></ul>' },
  ],
  tags: ['garden'],
});

describe('SectionStream', () => {
  it('hands out each section once it is complete, however the reply is chunked', () => {
    for (const size of [1, 3, 7, 50, reply.length]) {
      const stream = new SectionStream();
      const seen = [];
      for (let i = 0; i < reply.length; i += size) seen.push(...stream.push(reply.slice(i, i + size)));
      expect(seen).toEqual([
        { index: 0, h2: 'Why raised beds', html: '<p>Warmer soil, "fewer" weeds.</p>' },
        { index: 1, h2: 'Build one', html: '<ul><li>Cedar {boards}</li></ul>' },
      ]);
    }
  });

  it('hands out nothing before the sections array and nothing partial', () => {
    const stream = new SectionStream();
    expect(stream.push('{"title":"x","sections":[{"h2":"A","html":"<p>par')).toEqual([]);
    expect(stream.push('tial</p>"}')).toEqual([{ index: 0, h2: 'A', html: '<p>partial</p>' }]);
  });
});
