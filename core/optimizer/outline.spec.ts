import { describe, expect, it } from 'vitest';
import { brief, h, input, p } from './fixtures/helpers';
import { scoreDraft } from './score';

const outline = [
  { h2: 'Feeding the starter', coverage: 'flour and water ratio, feeding schedule' },
  { h2: 'Shaping the loaf', coverage: 'surface tension, folds' },
];
const sections = (result: ReturnType<typeof scoreDraft>) => result.checks.filter((c) => c.id === 'outline.section');

describe('outline coverage', () => {
  it('costs points for a missing section and names it', () => {
    const draft = [
      p('Sourdough bread at home.'),
      h(2, 'How to feed your starter'),
      p('Feed it flour and water on a schedule, same ratio.'),
    ];
    const result = scoreDraft(input(draft, { brief: brief({ outline }) }));
    const [feeding, shaping] = sections(result);
    expect(feeding).toMatchObject({ subject: 'Feeding the starter', light: 'green', points: 10 });
    expect(shaping).toMatchObject({ subject: 'Shaping the loaf', light: 'red', points: 0, where: null });
    expect(shaping?.message).toContain('Shaping the loaf');
    expect(result.categories.outline).toEqual({ points: 10, max: 20 });
  });

  it('matches headings on stems ("Shaping a loaf" is "Shaping the loaf")', () => {
    const draft = [h(2, 'Shaping a loaf'), p('Build surface tension with a few folds.')];
    expect(sections(scoreDraft(input(draft, { brief: brief({ outline }) })))[1]?.light).toBe('green');
  });

  it('gives partial points to a section whose text skips its note, pointing at its heading', () => {
    const draft = [
      h(2, 'Shaping the loaf'),
      p('It is fun.'),
      h(2, 'Other'),
      p('Tension and folds are discussed elsewhere.'),
    ];
    const shaping = sections(scoreDraft(input(draft, { brief: brief({ outline }) })))[1];
    expect(shaping).toMatchObject({ light: 'amber', where: { block: [0], from: 0, to: 16 } });
    expect(shaping?.points).toBeGreaterThan(0);
    expect(shaping?.points).toBeLessThan(10);
  });

  it('uses each heading for one section only', () => {
    const twice = [
      { h2: 'Shaping the loaf', coverage: '' },
      { h2: 'Shaping the loaf', coverage: '' },
    ];
    const result = scoreDraft(input([h(2, 'Shaping the loaf'), p('Text.')], { brief: brief({ outline: twice }) }));
    expect(sections(result).map((c) => c.light)).toEqual(['green', 'red']);
  });

  it('leaves the outline out of the score when the brief has none', () => {
    const result = scoreDraft(input([p('Sourdough bread.')]));
    expect(sections(result)).toEqual([]);
    expect(result.categories.outline).toEqual({ points: 0, max: 0 });
  });
});
