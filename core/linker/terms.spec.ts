import { describe, expect, it } from 'vitest';
import { h, p } from '../optimizer/fixtures/helpers';
import { termKey } from '../optimizer/language';
import { prominentTerms } from './terms';

const meta = { title: 'Rye bread', primaryKeyword: 'rye bread', secondaryKeywords: [], language: 'en' };

describe('prominentTerms', () => {
  it('weighs the title, keywords and headings above body text, stems words and drops stopwords', () => {
    const terms = prominentTerms([h(2, 'Baking stones'), p('The oven and the oven again.')], meta);
    const weight = (t: string) => terms.find((x) => x.term === t)?.weight ?? 0;
    expect(terms[0]).toEqual({ term: termKey('rye bread', 'en'), weight: 1 });
    expect(weight('rye')).toBeGreaterThan(weight('stone'));
    expect(weight('stone')).toBeGreaterThan(weight('oven'));
    expect(weight('oven')).toBeGreaterThan(0);
    expect(terms.map((t) => t.term)).not.toContain('the');
    expect(terms.map((t) => t.term)).not.toContain('stones');
  });

  it('keeps the top N, most prominent first, the same every time', () => {
    const blocks = [p('alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu')];
    const terms = prominentTerms(blocks, meta, 5);
    expect(terms).toHaveLength(5);
    expect(terms.map((t) => t.weight)).toEqual([...terms.map((t) => t.weight)].sort((a, b) => b - a));
    expect(prominentTerms(blocks, meta, 5)).toEqual(terms);
  });

  it('leaves code out', () => {
    const terms = prominentTerms([{ type: 'codeBlock', content: [{ type: 'text', text: 'console log' }] }], meta);
    expect(terms.map((t) => t.term)).not.toContain('consol');
  });
});
