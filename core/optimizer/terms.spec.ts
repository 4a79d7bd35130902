import { describe, expect, it } from 'vitest';
import { brief, input, meta, p } from './fixtures/helpers';
import { termKey } from './language';
import { scoreDraft } from './score';
import { expectedRange } from './terms';

const sentence = 'Sourdough bread needs a starter culture and bread flour.';

describe('terms', () => {
  it('lists the brief’s keywords by importance: primary, target, secondary, then cluster by volume', () => {
    const result = scoreDraft(
      input([p(sentence)], {
        meta: meta({ secondaryKeywords: ['rye flour'] }),
        brief: brief({
          targetKeywords: ['starter culture'],
          clusterKeywords: [
            { keyword: 'baking stone', volume: 100 },
            { keyword: 'bread flour', volume: 5000 },
            { keyword: 'sourdough bread', volume: 9000 },
          ],
        }),
      }),
    );
    expect(result.terms.map((t) => [t.term, t.source])).toEqual([
      ['sourdough bread', 'primary'],
      ['starter culture', 'target'],
      ['rye flour', 'secondary'],
      ['bread flour', 'cluster'],
      ['baking stone', 'cluster'],
    ]);
    expect(result.terms.find((t) => t.term === 'bread flour')?.count).toBe(1);
  });

  it('lowers a term used on most of the site’s own pages (site inventory TF-IDF)', () => {
    const cluster = [
      { keyword: 'bread flour', volume: 1000 },
      { keyword: 'baking stone', volume: 1000 },
    ];
    const inventory = { pages: 100, documentFrequency: { [termKey('bread flour', 'en')]: 90 } };
    const result = scoreDraft(input([p(sentence)], { brief: brief({ clusterKeywords: cluster, inventory }) }));
    const importance = (term: string) => result.terms.find((t) => t.term === term)?.importance ?? 0;
    expect(importance('bread flour')).toBeLessThan(importance('baking stone'));
  });

  it('scales the expected count with the draft’s length', () => {
    expect(expectedRange(300, 1, 2)).toEqual({ min: 1, max: 3 });
    expect(expectedRange(3000, 1, 2).min).toBeGreaterThan(expectedRange(1000, 1, 2).min);
  });

  it('names the missing terms and flags overuse at the extra occurrences', () => {
    const stuffed = Array.from({ length: 8 }, () => 'Sourdough bread is great.').join(' ');
    const result = scoreDraft(input([p(stuffed)], { brief: brief({ targetKeywords: ['proofing basket'] }) }));
    expect(result.checks.find((c) => c.id === 'terms.coverage')?.message).toBe('Use “proofing basket”');
    const overuse = result.checks.find((c) => c.id === 'terms.overuse');
    expect(overuse?.light).toBe('amber');
    expect(overuse?.where).toEqual({ block: [0], from: 78, to: 93 });
  });
});
