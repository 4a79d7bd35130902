import { describe, expect, it } from 'vitest';
import { h, input, meta, p } from './fixtures/helpers';
import { scoreDraft } from './score';

const checkOf = (result: ReturnType<typeof scoreDraft>, id: string) => result.checks.find((c) => c.id === id);

describe('keyword placement', () => {
  const intro = p('Sourdough bread needs only flour, water and salt.');

  it('turns the H2 check green when the primary keyword is typed into an H2', () => {
    const before = scoreDraft(input([intro, h(2, 'Choosing a flour'), p('Strong flour works best.')]));
    expect(checkOf(before, 'placement.h2')?.light).toBe('red');
    expect(checkOf(before, 'placement.h2')?.where).toEqual({ block: [1], from: 0, to: 16 });

    const after = scoreDraft(
      input([intro, h(2, 'Choosing a flour for sourdough bread'), p('Strong flour works best.')]),
    );
    expect(checkOf(after, 'placement.h2')).toMatchObject({ light: 'green', points: 3, where: null });
    expect(after.score).toBeGreaterThan(before.score);
  });

  it('matches the keyword on stems, ignoring stopwords and case', () => {
    const result = scoreDraft(input([p('We bake Sourdough Breads every morning.'), h(2, 'The bread of sourdough')]));
    expect(checkOf(result, 'placement.intro')?.light).toBe('green');
    expect(checkOf(result, 'placement.h2')?.light).toBe('red'); // word order matters: a phrase, not a bag
  });

  it('asks for the keyword in 30–75% of the H2s, not all of them', () => {
    const h2s = (n: number, withKeyword: number) =>
      Array.from({ length: n }, (_, i) => h(2, i < withKeyword ? `Sourdough bread step ${i}` : `Step ${i}`));
    const share = (n: number, k: number) => checkOf(scoreDraft(input([intro, ...h2s(n, k)])), 'placement.h2-share');
    expect(share(4, 1)?.light).toBe('amber'); // 25%
    expect(share(4, 2)?.light).toBe('green'); // 50%
    expect(share(4, 3)?.light).toBe('green'); // 75%
    expect(share(4, 4)).toMatchObject({
      light: 'amber',
      places: expect.arrayContaining([{ block: [1], from: 0, to: 22 }]),
    });
  });

  it('checks the title, slug and meta fields from the draft meta', () => {
    const result = scoreDraft(
      input([intro], { meta: meta({ title: 'Baking at home', slug: 'sourdough-bread', metaDescription: '' }) }),
    );
    expect(checkOf(result, 'placement.title')?.light).toBe('red');
    expect(checkOf(result, 'placement.slug')?.light).toBe('green');
    expect(checkOf(result, 'placement.meta-description')?.message).toBe(
      'Write the meta description, with “sourdough bread” in it',
    );
  });

  it('asks for a primary keyword when there is none', () => {
    const result = scoreDraft(input([intro], { meta: meta({ primaryKeyword: '' }) }));
    const placement = result.checks.filter((c) => c.category === 'placement');
    expect(placement.every((c) => c.points === 0 && c.message === 'Set a primary keyword')).toBe(true);
  });
});
