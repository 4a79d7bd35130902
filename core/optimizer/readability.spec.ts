import { describe, expect, it } from 'vitest';
import { input, meta, p } from './fixtures/helpers';
import { scoreDraft } from './score';

const checkOf = (result: ReturnType<typeof scoreDraft>, id: string) => result.checks.find((c) => c.id === id);
const words = (n: number) => Array.from({ length: n }, (_, i) => (i === 0 ? 'Bakers' : 'dough')).join(' ');

describe('readability', () => {
  it('flags a 40-word sentence with its range in its paragraph', () => {
    const short = 'Flour is key. ';
    const long = `${words(40)}.`;
    const result = scoreDraft(input([p('Sourdough bread is simple.'), p(short + long)]));
    const check = checkOf(result, 'readability.long-sentences');
    expect(check?.where).toEqual({ block: [1], from: short.length, to: short.length + long.length });
    expect(check?.message).toBe('1 of 3 sentences have more than 20 words');
  });

  it('gives English text a Flesch reading ease', () => {
    const result = scoreDraft(input([p('The cat sat on the mat. The dog ran to the park. We all had fun.')]));
    expect(checkOf(result, 'readability.flesch')).toMatchObject({ light: 'green' });
    expect(checkOf(result, 'readability.flesch')?.message).toMatch(/^Flesch reading ease \d/);
  });

  it('gives German text no Flesch check but still the others', () => {
    const german = 'Das Brot wird im Ofen gebacken. Der Teig ruht über Nacht. Wir formen den Laib am Morgen.';
    const result = scoreDraft(input([p(german)], { meta: meta({ language: 'de', primaryKeyword: 'Brot' }) }));
    const ids = result.checks.map((c) => c.id);
    expect(ids).not.toContain('readability.flesch');
    expect(ids).toEqual(
      expect.arrayContaining([
        'readability.long-sentences',
        'readability.passive',
        'readability.sentence-starts',
        'placement.intro',
      ]),
    );
    expect(checkOf(result, 'readability.passive')?.where).toEqual({ block: [0], from: 0, to: 31 });
    expect(result.categories.readability.max).toBe(7);
  });

  it('flags passive sentences in English', () => {
    const result = scoreDraft(input([p('The bread was quickly baked by Anna. She ate it. We loved it. It sold out.')]));
    expect(checkOf(result, 'readability.passive')).toMatchObject({
      light: 'red',
      where: { block: [0], from: 0, to: 36 },
    });
  });

  it('flags three sentences in a row starting with the same word', () => {
    const text = 'The flour matters. The water matters. The salt matters. Time helps.';
    const check = checkOf(scoreDraft(input([p(text)])), 'readability.sentence-starts');
    expect(check?.light).toBe('amber');
    expect(check?.places).toEqual([0, 19, 38].map((from) => ({ block: [0], from, to: from + 3 })));
  });

  it('flags paragraphs over 150 words', () => {
    const wall = `${words(160)}.`;
    const check = checkOf(scoreDraft(input([p('Sourdough bread.'), p(wall)])), 'readability.long-paragraphs');
    expect(check).toMatchObject({ light: 'amber', where: { block: [1], from: 0, to: wall.length } });
  });

  it('flags French passive sentences, and skips language-specific checks for other languages', () => {
    const french = 'La pâte est façonnée le matin. Nous cuisons le pain. Le four chauffe.';
    const fr = scoreDraft(input([p(french)], { meta: meta({ language: 'fr-FR', primaryKeyword: 'pain' }) }));
    expect(fr.checks.find((c) => c.id === 'readability.passive')?.where).toEqual({ block: [0], from: 0, to: 30 });

    const spanish = scoreDraft(input([p('El pan se hornea por la mañana.')], { meta: meta({ language: 'es' }) }));
    const ids = spanish.checks.map((c) => c.id);
    expect(ids).not.toContain('readability.flesch');
    expect(ids).not.toContain('readability.passive');
    expect(ids).toContain('readability.long-sentences');
  });
});
