import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { draftFragment, replaceBlocks } from '../draft/yjs';
import { buildFixture } from './fixtures/build';
import { brief, h, image, input, link, p } from './fixtures/helpers';
import { bandOf, SCORER_VERSION, scoreDraft } from './score';

describe('the content score', () => {
  it('scores an empty document 0, without throwing, with every check explaining itself', () => {
    const result = scoreDraft(input([], { brief: brief({ outline: [{ h2: 'Intro', coverage: '' }] }) }));
    expect(result).toMatchObject({ version: SCORER_VERSION, score: 0, band: 'low', words: 0 });
    expect(result.checks.filter((c) => c.light === 'green' && c.category !== 'placement')).toEqual([]);
    for (const c of result.checks) expect(c.message).not.toBe('');
  });

  it('scores a draft with only an image or a rule without throwing', () => {
    expect(scoreDraft(input([image(''), { type: 'horizontalRule' }])).score).toBe(0);
    expect(scoreDraft(input([p()])).score).toBe(0);
  });

  it('uses Surfer’s bands', () => {
    expect([0, 32, 33, 66, 67, 100].map(bandOf)).toEqual(['low', 'low', 'medium', 'medium', 'high', 'high']);
  });

  it('scores the Yjs fragment the editor binds exactly like its blocks', () => {
    const { input: fixture } = buildFixture(7, 'en', 1200);
    const doc = new Y.Doc();
    replaceBlocks(draftFragment(doc), fixture.draft);
    expect(scoreDraft({ ...fixture, draft: draftFragment(doc) })).toEqual(scoreDraft(fixture));
  });

  it('gives every category its points and a total that is their share', () => {
    const result = scoreDraft(buildFixture(11, 'en', 900).input);
    const earned = Object.values(result.categories).reduce((n, c) => n + c.points, 0);
    const possible = Object.values(result.categories).reduce((n, c) => n + c.max, 0);
    expect(result.score).toBe(Math.round((100 * earned) / possible));
    for (const c of result.checks) expect(c.points).toBeLessThanOrEqual(c.max);
  });

  it('addresses places inside lists and tables by their block path', () => {
    const list = {
      type: 'bulletList' as const,
      content: [
        { type: 'listItem' as const, content: [p('Fine.')] },
        { type: 'listItem' as const, content: [p(link('broken', '/gone'))] },
      ],
    };
    const result = scoreDraft(
      input([p('Sourdough bread.'), h(2, 'Steps'), list], { links: { siteOrigin: null, brokenHrefs: ['/gone'] } }),
    );
    expect(result.checks.find((c) => c.id === 'links.broken')?.where).toEqual({ block: [2, 1, 0], from: 0, to: 6 });
  });

  it('raises the score as the draft improves toward its brief', () => {
    const outline = [{ h2: 'Feeding the starter', coverage: 'flour water' }];
    const thin = input([p('Some words about baking.')], { brief: brief({ outline }) });
    const better = input(
      [
        p('Sourdough bread starts with a starter. ', link('Read our flour guide', '/guides/flour'), '.'),
        h(2, 'Feeding the starter for sourdough bread'),
        p('Feed it flour and water daily.'),
      ],
      { brief: brief({ outline }) },
    );
    expect(scoreDraft(better).score).toBeGreaterThan(scoreDraft(thin).score + 20);
  });

  it('counts a hard break as one position, like ProseMirror, and merges a link split by bold', () => {
    const draft = [
      p('Sourdough bread.'),
      p('Intro.', { type: 'hardBreak' }, 'Sourdough bread ', link('flour ', '/gone'), {
        type: 'text',
        text: 'guide',
        marks: [{ type: 'link', attrs: { href: '/gone' } }, { type: 'bold' }],
      }),
    ];
    const result = scoreDraft(input(draft, { links: { siteOrigin: null, brokenHrefs: ['/gone'] } }));
    expect(result.checks.find((c) => c.id === 'links.broken')?.places).toEqual([{ block: [1], from: 23, to: 34 }]);
    const keyword = result.checks.find((c) => c.id === 'terms.overuse');
    expect(keyword?.message).toBe('No term is overused');
  });
});
