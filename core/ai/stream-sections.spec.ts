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

describe('SectionStream section names', () => {
  it('reads heading/content and title/body like the final parse does', () => {
    const stream = new SectionStream();
    expect(stream.push('{"sections":[{"heading":"A","content":"## x"},{"title":"B","body":"<p>b</p>"}]}')).toEqual([
      { index: 0, h2: 'A', html: '## x' },
      { index: 1, h2: 'B', html: '<p>b</p>' },
    ]);
  });
});

describe('SectionStream on a Markdown document', () => {
  it('hands out the lead and each section once the next H2 has arrived, the title and code samples not', () => {
    const md = '# Beds\n\nA lead.\n\n## Why\n\nThey drain.\n\n```\n## not a heading\n```\n## How\n\n- Build\n';
    for (const size of [1, 5, md.length]) {
      const stream = new SectionStream();
      const seen = [];
      for (let i = 0; i < md.length; i += size) seen.push(...stream.push(md.slice(i, i + size)));
      expect(seen).toEqual([
        { index: 0, h2: '', html: '\nA lead.\n' },
        { index: 1, h2: 'Why', html: '\nThey drain.\n\n```\n## not a heading\n```' },
      ]);
    }
  });

  it('a JSON reply after prose is still read as JSON', () => {
    expect(new SectionStream().push('Here: {"sections":[{"h2":"A","html":"x"}]}')).toEqual([
      { index: 0, h2: 'A', html: 'x' },
    ]);
  });
});
