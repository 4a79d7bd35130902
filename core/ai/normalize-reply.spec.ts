import { describe, expect, it } from 'vitest';
import { CONTENT_STRUCTURES, CONTENT_TYPES } from '../domain/enums';
import {
  asEnum,
  asInt,
  asList,
  asNumber,
  listIn,
  normalizeClusterReply,
  normalizeContentReply,
  normalizeIdeasReply,
  normalizeImagePromptsReply,
} from './normalize-reply';
import { cap, plainText } from './plain-text';

describe('field coercers', () => {
  it.each([
    [1200, 1200],
    ['1200', 1200],
    ['1,200', 1200],
    ['12,500', 12500],
    ['1.2k', 1200],
    ['1.5K', 1500],
    ['2k words', 2000],
    ['1500 words', 1500],
    ['~1,500', 1500],
    ['about 800', 800],
    ['1000-1500', undefined],
    ['lots', undefined],
    ['1,20', undefined],
    [null, undefined],
  ])('asNumber(%j) = %j', (v, n) => {
    expect(asNumber(v)).toBe(n);
  });

  it('asInt refuses fractions', () => {
    expect(asInt('2.0')).toBe(2);
    expect(asInt('2.5')).toBeUndefined();
  });

  it.each([
    [
      ['a', 'b'],
      ['a', 'b'],
    ],
    ['a, b; c\nd', ['a', 'b', 'c', 'd']],
    ['["a","b"]', ['a', 'b']],
    [
      [1, 'b', null, { keyword: 'c' }],
      ['1', 'b', 'c'],
    ],
    ['', []],
    [42, ['42']],
  ])('asList(%j)', (v, list) => {
    expect(asList(v, 300)).toEqual(list);
  });

  it.each([
    ['Blog Post', CONTENT_TYPES, 'post'],
    ['post', CONTENT_TYPES, 'post'],
    ['PAGE', CONTENT_TYPES, 'page'],
    ['Product page', CONTENT_TYPES, undefined], // names two values: not guessed
    ['podcast', CONTENT_TYPES, undefined],
    ['How To', CONTENT_STRUCTURES, 'how-to'],
    ['how_to', CONTENT_STRUCTURES, 'how-to'],
    ['Listicles', CONTENT_STRUCTURES, 'listicle'],
    ['Comparison article', CONTENT_STRUCTURES, undefined],
    ['Product Review', CONTENT_STRUCTURES, 'review'],
    [3, CONTENT_STRUCTURES, undefined],
  ] as const)('asEnum(%j)', (v, values, out) => {
    expect(asEnum(v, values)).toBe(out);
  });
});

describe('plainText', () => {
  it.each([
    ['<b>Raised</b> beds', 'Raised beds'],
    ['Raised <script>alert(1)</script>beds', 'Raised beds'],
    ['&lt;i&gt;Soil&lt;/i&gt; &amp; compost', 'Soil & compost'],
    ['**Bold** title', 'Bold title'],
    ['## Heading', 'Heading'],
    ['Line\nbreak\ttab\u0000nul\u0085', 'Line break tab nul'],
    ['zero\u200Bwidth\u00A0nbsp\u202Ertl', 'zerowidth nbsprtl'],
    ['3 < 5 and a<b', '3 < 5 and a<b'],
    ['  spaced   out  ', 'spaced out'],
  ])('plainText(%j) = %j', (v, out) => {
    expect(plainText(v, 200)).toBe(out);
  });

  it('caps at a word boundary near the end, never splitting a character', () => {
    expect(plainText('alpha beta gamma delta', 20)).toBe('alpha beta gamma');
    expect(cap('abcdefghij', 5)).toBe('abcde');
    expect(cap('🌱🌱🌱', 2)).toBe('🌱🌱');
  });
});

describe('shapes', () => {
  const isCluster = (o: Record<string, unknown>) => 'keywords' in o;
  const c = { name: 'A', keywords: ['a'] };
  it.each([
    ['the field', { clusters: [c] }],
    ['a top-level array', [c]],
    ['the object inside an array', [{ clusters: [c] }]],
    ['one wrapper object', { result: { clusters: [c] } }],
    ['the field as a JSON string', { clusters: JSON.stringify([c]) }],
    ['the only array, under another name', { groups: [c], note: 'x' }],
    ['one item where a list was asked', c],
    ['one item as the field', { clusters: c }],
  ])('finds the list in %s', (_n, value) => {
    expect(listIn(value, 'clusters', isCluster)).toEqual([c]);
  });

  it('finds no list where there is none', () => {
    expect(listIn({ result: 'ok' }, 'clusters', isCluster)).toBeNull();
    expect(listIn({ a: [c], b: [c] }, 'clusters', isCluster)).toBeNull();
  });
});

describe('normalizeClusterReply', () => {
  it('coerces fields, makes names plain and drops the unusable cluster, counting it', () => {
    const r = normalizeClusterReply({
      clusters: [
        { name: '<b>Raised beds</b>', description: 42, keywords: 'raised bed, cedar raised bed' },
        { name: '', keywords: ['x'] },
        { name: 'No keywords' },
        { cluster_name: 7, keywords: [12] },
      ],
    });
    expect(r).toEqual({
      ok: true,
      dropped: 2,
      value: {
        clusters: [
          { name: 'Raised beds', description: '42', keywords: ['raised bed', 'cedar raised bed'] },
          { name: '7', description: '', keywords: ['12'] },
        ],
      },
    });
  });

  it('keeps keyword text as the model wrote it (it is only matched, never stored)', () => {
    const r = normalizeClusterReply([{ name: 'A', keywords: ['Ｒaised\u200B Bed'] }]);
    expect(r.ok && r.value.clusters[0]!.keywords).toEqual(['Ｒaised\u200B Bed']);
  });

  it('caps a long name', () => {
    const r = normalizeClusterReply([{ name: 'word '.repeat(60), keywords: ['a'] }]);
    expect(r.ok && r.value.clusters[0]!.name.length).toBeLessThanOrEqual(120);
  });

  it.each([
    [{ result: 'ok' }, 'no clusters in the reply'],
    [{ clusters: [] }, 'no clusters in the reply'],
    [{ clusters: [{ name: 'A' }] }, 'no usable clusters in the reply (1 dropped; the first: keywords is missing)'],
  ])('fails %j', (value, reason) => {
    expect(normalizeClusterReply(value)).toEqual({ ok: false, reason });
  });
});

describe('normalizeIdeasReply', () => {
  const idea = {
    title: 'Raised bed guide',
    content_type: 'Blog Post',
    content_structure: 'How To',
    estimated_word_count: '1,200',
    outline: [{ h2: 'Why', coverage: 'x' }],
  };
  it('coerces enum labels, numbers, outlines and lists; fills defaults', () => {
    const r = normalizeIdeasReply({
      ideas: [
        idea,
        {
          title: '<i>Soil</i>',
          estimated_word_count: '1.5k',
          outline: ['Intro', '<b>Mix</b>'],
          target_keywords: 'soil, compost',
        },
        { title: 'Podcast', content_type: 'podcast', estimated_word_count: 900, outline: ['x'] },
        { title: 'No outline', estimated_word_count: 900 },
      ],
    });
    expect(r).toEqual({
      ok: true,
      dropped: 2,
      value: {
        ideas: [
          {
            title: 'Raised bed guide',
            description: '',
            content_type: 'post',
            content_structure: 'how-to',
            target_keywords: [],
            estimated_word_count: 1200,
            outline: [{ h2: 'Why', coverage: 'x' }],
          },
          {
            title: 'Soil',
            description: '',
            content_type: 'post',
            content_structure: 'article',
            target_keywords: ['soil', 'compost'],
            estimated_word_count: 1500,
            outline: [
              { h2: 'Intro', coverage: '' },
              { h2: 'Mix', coverage: '' },
            ],
          },
        ],
      },
    });
  });

  it('fails with a sentence when no idea is usable', () => {
    expect(normalizeIdeasReply({ ideas: [{ title: 'x', estimated_word_count: 'lots', outline: ['a'] }] })).toEqual({
      ok: false,
      reason:
        'no usable ideas in the reply (1 dropped; the first: estimated_word_count is invalid ' +
        '(Invalid input: expected number, received NaN))',
    });
    expect(normalizeIdeasReply({})).toEqual({ ok: false, reason: 'no ideas in the reply' });
  });
});

describe('normalizeContentReply', () => {
  const article = {
    title: '<h1>Raised beds</h1>',
    meta_title: 'Raised beds\n| Guide',
    meta_description: '<p>All about beds</p>',
    primary_keyword: 'raised bed',
    tags: 'beds, garden',
    sections: [{ h2: '<em>Why</em>', html: '<p>Because.</p>' }],
  };

  it('makes the plain fields plain and keeps the body HTML for the sanitizer', () => {
    expect(normalizeContentReply({ article })).toEqual({
      ok: true,
      dropped: 0,
      value: {
        title: 'Raised beds',
        meta_title: 'Raised beds | Guide',
        meta_description: 'All about beds',
        primary_keyword: 'raised bed',
        secondary_keywords: [],
        tags: ['beds', 'garden'],
        categories: [],
        sections: [{ h2: 'Why', html: '<p>Because.</p>' }],
      },
    });
  });

  it('fails an article with a section it cannot read, and a reply without an article', () => {
    expect(normalizeContentReply({ ...article, sections: [{ h2: 'Why', html: '<p>x</p>' }, { h2: 'Empty' }] })).toEqual(
      { ok: false, reason: 'section 2 of the article could not be read' },
    );
    expect(normalizeContentReply({ result: 'ok' })).toEqual({ ok: false, reason: 'no article in the reply' });
  });
});

describe('normalizeImagePromptsReply', () => {
  it('accepts a featured prompt as text, numbers as strings, and drops an unusable in-article prompt', () => {
    expect(
      normalizeImagePromptsReply({
        featured: 'A <b>cedar</b> raised bed',
        in_article: [
          { prompt: 'Soil mix', alt: 'Soil\u0007', after_section: '2' },
          { prompt: '', after_section: 1 },
          { prompt: 'Tools', after_section: 'last' },
        ],
      }),
    ).toEqual({
      ok: true,
      dropped: 2,
      value: {
        featured: { prompt: 'A cedar raised bed', alt: '' },
        in_article: [{ prompt: 'Soil mix', alt: 'Soil', after_section: 2 }],
      },
    });
  });

  it('fails without a featured prompt', () => {
    expect(normalizeImagePromptsReply({ in_article: [] })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^no featured image prompt in the reply/),
    });
    expect(normalizeImagePromptsReply('x')).toEqual({ ok: false, reason: 'no image prompts in the reply' });
  });
});
