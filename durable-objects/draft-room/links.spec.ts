import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { draftToHtml, draftFragment, htmlToDraft, seedMeta } from '../../core/draft';
import { EDITOR_BRIEF_FORMAT, type RoomBrief } from '../../core/draft-score';
import { type InventoryPage, prominentTerms } from '../../core/linker';
import { htmlToBlocks } from '../../core/draft/from-html';
import { encodeRange } from '../../core/draft/locate';
import { applyLinkToDoc, type SourcePage, suggestFromDoc } from './links';

const doc = (html: string) => {
  const d = new Y.Doc();
  seedMeta(d, {
    title: 'Baking at home',
    slug: 'baking-at-home',
    meta_title: '',
    meta_description: '',
    primary_keyword: 'baking at home',
    secondary_keywords: [],
    tags: [],
  });
  htmlToDraft(draftFragment(d), html);
  return d;
};

const page = (id: string, url: string, title: string, status = 'published'): InventoryPage => ({
  id,
  url,
  title,
  primaryKeyword: title.toLowerCase(),
  clusterId: null,
  isHub: false,
  status,
  publishedAt: 1,
  scheduledAt: null,
  inboundCount: 1,
  terms: prominentTerms(htmlToBlocks(`<p>${title}. ${title} guide.</p>`), {
    title,
    primaryKeyword: title.toLowerCase(),
    secondaryKeywords: [],
    language: 'en',
  }),
});

const brief = (inventory: InventoryPage[]): RoomBrief => ({
  siteId: 1,
  inventory,
  editor: {
    format: EDITOR_BRIEF_FORMAT,
    content_id: 9,
    language: 'en',
    brief: { outline: [], targetKeywords: [], clusterKeywords: [], wordRange: null, inventory: null },
    site_origin: 'https://bakery.example',
    pages: inventory,
  },
});

const HTML = '<h2>Rye bread at home</h2><p>Bake rye bread with a sourdough starter every week.</p>';
const INVENTORY = [
  page('1', '/rye-bread/', 'Rye bread'),
  page('2', '/sourdough-starter/', 'Sourdough starter', 'scheduled'),
  page('9', '/baking-at-home/', 'Baking at home'),
];
const source = (status: string): SourcePage => ({
  id: 9,
  url: '/baking-at-home/',
  clusterId: null,
  status,
  scheduledAt: null,
});

describe('the room’s suggestions', () => {
  it('a draft links to published and scheduled pages, never itself, never from a heading', () => {
    const found = suggestFromDoc(doc(HTML), brief(INVENTORY), source('draft'), {});
    expect(found.source_page_id).toBe(9);
    expect(found.suggestions.map((s) => [s.target_page_id, s.anchor_text, s.anchor.path]).sort()).toEqual([
      [1, 'rye bread', [1]],
      [2, 'sourdough starter', [1]],
    ]);
    expect(found.candidates).toBeNull();
  });

  it('a published article links only to pages already live; onlyTargets narrows to the pages named', () => {
    const live = suggestFromDoc(doc(HTML), brief(INVENTORY), source('published'), {});
    expect(live.suggestions.map((s) => s.target_page_id)).toEqual([1]);
    const only = suggestFromDoc(doc(HTML), brief(INVENTORY), source('draft'), { onlyTargets: ['2'], candidates: true });
    expect(only.suggestions.map((s) => s.target_page_id)).toEqual([2]);
    expect(only.candidates?.offered.every((s) => s.target_page_id === 2)).toBe(true);
  });
});

describe('applying a suggestion', () => {
  it('lands once (a second apply finds it there), and a second link to the same page is refused', () => {
    const d = doc(`${HTML}<p>More rye bread tips.</p>`);
    const [first] = suggestFromDoc(d, brief(INVENTORY), source('draft'), { onlyTargets: ['1'] }).suggestions;
    const link = { range: first!.range, expectedText: first!.anchor_text, href: first!.target_url };
    expect(applyLinkToDoc(d, link, 'en', 'https://bakery.example')).toBe('applied');
    expect(applyLinkToDoc(d, link, 'en', 'https://bakery.example')).toBe('applied');
    expect(draftToHtml(draftFragment(d)).match(/href="\/rye-bread\/"/g)).toHaveLength(1);
    // The same page suggested again at other words (made before the first was accepted): one link per target.
    const later = (draftFragment(d).get(2) as Y.XmlElement).get(0) as Y.XmlText;
    const at = later.toString().indexOf('rye bread');
    const range = encodeRange({
      start: Y.createRelativePositionFromTypeIndex(later, at),
      end: Y.createRelativePositionFromTypeIndex(later, at + 'rye bread'.length, -1),
    });
    const before = new Y.Doc();
    Y.applyUpdate(before, Y.encodeStateAsUpdate(d));
    expect(applyLinkToDoc(d, { ...link, range }, 'en', 'https://bakery.example')).toBe('stale');
    // Those words alone were linkable: it is the link already there that refuses them.
    const unlinked = draftFragment(before).get(1) as Y.XmlElement;
    (unlinked.get(0) as Y.XmlText).format(0, 200, { link: null });
    expect(applyLinkToDoc(before, { ...link, range }, 'en', 'https://bakery.example')).toBe('applied');
    expect(applyLinkToDoc(d, { ...link, range: 'not a range' }, 'en', null)).toBe('stale');
  });
});
