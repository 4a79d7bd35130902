import { describe, expect, it } from 'vitest';
import type { DraftBlock } from '../draft/schema';
import { h, link, p } from '../optimizer/fixtures/helpers';
import { linkCap, suggestLinks } from './suggest';
import type { InventoryPage, LinkSource } from './types';

const ORIGIN = 'https://bakery.example';
const page = (id: string, overrides: Partial<InventoryPage> = {}): InventoryPage => ({
  id,
  url: `${ORIGIN}/blog/${id}`,
  title: 'Rye bread for beginners',
  primaryKeyword: 'rye bread',
  clusterId: 'bread',
  isHub: false,
  status: 'published',
  publishedAt: Date.UTC(2026, 0, 1),
  scheduledAt: null,
  inboundCount: 3,
  terms: [
    { term: 'rye', weight: 1 },
    { term: 'bread', weight: 0.8 },
  ],
  ...overrides,
});
const source = (blocks: DraftBlock[], overrides: Partial<LinkSource> = {}): LinkSource => ({
  id: 'src',
  url: `${ORIGIN}/blog/src`,
  clusterId: 'bread',
  blocks,
  meta: { title: 'Sourdough starter', primaryKeyword: 'sourdough starter', secondaryKeywords: [], language: 'en' },
  ...overrides,
});
const suggest = (blocks: DraftBlock[], inventory: InventoryPage[], overrides: Partial<LinkSource> = {}) =>
  suggestLinks({ source: source(blocks, overrides), inventory, settings: { siteOrigin: ORIGIN } });

const text = 'Feed the sourdough starter before you bake rye bread at home.';

describe('suggestLinks', () => {
  it('links a published page by its keyword where the text already says it', () => {
    const [s, ...rest] = suggest([p(text)], [page('rye')]);
    expect(rest).toEqual([]);
    expect(s).toMatchObject({ targetId: 'rye', url: `${ORIGIN}/blog/rye`, anchor: { path: [0], text: 'rye bread' } });
    expect(text.slice(s?.anchor.from, s?.anchor.to)).toBe('rye bread');
    expect(s?.reason).toContain('its keyword “rye bread”');
  });

  it('matches stemmed words and runs of title words', () => {
    expect(suggest([p('Two rye breads cooled on the rack.')], [page('rye')])[0]?.anchor.text).toBe('rye breads');
    const titled = page('rye', { primaryKeyword: 'dark loaf' });
    expect(suggest([p('This bread for beginners works.')], [titled])[0]?.anchor.text).toBe('bread for beginners');
  });

  it('links only to published or scheduled pages that are live by the source’s publish time', () => {
    const at = Date.UTC(2026, 5, 1);
    const inventory = [
      page('draft', { status: 'draft' }),
      page('later', { status: 'scheduled', scheduledAt: at + 1 }),
      page('sooner', { status: 'scheduled', scheduledAt: at - 1, primaryKeyword: 'bake' }),
    ];
    expect(suggest([p(text)], inventory, { publishedAt: at }).map((s) => s.targetId)).toEqual(['sooner']);
    expect(
      suggest([p(text)], inventory)
        .map((s) => s.targetId)
        .sort(),
    ).toEqual(['later', 'sooner']);
  });

  it('never links the source to itself, by id or by URL', () => {
    const inventory = [page('src'), page('copy', { url: '/blog/src/' })];
    expect(suggest([p(text)], inventory)).toEqual([]);
  });

  it('never anchors in a heading, an existing link or code, nor on the source’s own keyword', () => {
    const code: DraftBlock = { type: 'codeBlock', content: [{ type: 'text', text: 'rye bread' }] };
    const inline = p('Say ', { type: 'text', text: 'rye bread', marks: [{ type: 'code' }] }, ' twice.');
    const linked = p('See ', link('rye bread', 'https://elsewhere.example/rye'), '.');
    expect(suggest([h(2, 'Rye bread'), code, inline, linked], [page('rye')])).toEqual([]);
    const own = page('starter', { primaryKeyword: 'sourdough starter', title: 'Sourdough starter' });
    expect(suggest([p(text)], [own])).toEqual([]);
  });

  it('suggests one link per target, none to a page the draft already links to', () => {
    const twice = suggest([p(text), p('More rye bread.')], [page('rye')]);
    expect(twice.map((s) => s.targetId)).toEqual(['rye']);
    expect(suggest([p(text, link('here', '/blog/rye/'))], [page('rye')])).toEqual([]);
  });

  it('ranks the same cluster, hubs and orphans first', () => {
    const plain = page('a', { clusterId: 'other' });
    const same = page('b');
    const hub = page('c', { clusterId: 'other', isHub: true });
    const orphan = page('d', { clusterId: 'other', inboundCount: 0 });
    const anchors = ['rye bread', 'sourdough loaf', 'bread flour', 'spelt rolls'];
    const inventory = [plain, same, hub, orphan].map((x, i) => ({ ...x, primaryKeyword: anchors[i] as string }));
    const blocks = [p(`Rye bread, sourdough loaf, bread flour and spelt rolls. ${'Word '.repeat(1100)}`)];
    expect(suggest(blocks, inventory).map((s) => s.targetId)).toEqual(['b', 'd', 'c', 'a']);
  });

  it('caps links at one per ~250 words, 2 to 10, under the site’s own ceiling', () => {
    expect([0, 300, 750, 1500, 5000].map((w) => linkCap(w))).toEqual([2, 2, 3, 6, 10]);
    expect(linkCap(5000, 4)).toBe(4);
    expect(linkCap(300, 0)).toBe(0);
    const many = Array.from({ length: 5 }, (_, i) =>
      page(`p${i}`, { primaryKeyword: `rye${i}`, terms: [{ term: `rye${i}`, weight: 1 }] }),
    );
    const blocks = [p(many.map((x) => x.primaryKeyword).join(' and '))];
    expect(suggest(blocks, many)).toHaveLength(2);
  });
});
