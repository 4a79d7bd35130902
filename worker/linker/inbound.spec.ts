import { describe, expect, it } from 'vitest';
import { closestArticles, type PageFacts } from './inbound';

const page = (id: number, terms: [string, number][], o: Partial<PageFacts> = {}): PageFacts => ({
  id,
  ref_id: id * 10,
  kind: 'content',
  status: 'published',
  terms: terms.map(([term, weight]) => ({ term, weight })),
  ...o,
});

describe('closestArticles', () => {
  const target = page(1, [
    ['rye', 1],
    ['bread', 0.5],
  ]);

  it('ranks live articles by shared term weight, never the target, a draft, another kind or no overlap', () => {
    const pages = [
      target,
      page(2, [['bread', 1]]),
      page(3, [
        ['rye', 0.8],
        ['bread', 0.8],
      ]),
      page(4, [['rye', 1]], { status: 'draft' }),
      page(5, [['rye', 1]], { kind: 'wordpress' }),
      page(6, [['cake', 1]]),
      page(7, [['rye', 0.2]], { status: 'scheduled' }),
    ];
    expect(closestArticles(target, pages).map((p) => p.id)).toEqual([3, 2, 7]);
  });

  it('keeps the best `limit`, ties by page id', () => {
    const pages = Array.from({ length: 30 }, (_, i) => page(i + 2, [['rye', 0.5]]));
    expect(closestArticles(target, pages, 20).map((p) => p.id)).toEqual(pages.slice(0, 20).map((p) => p.id));
  });
});
