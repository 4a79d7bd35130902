/** generate_site_structure and generate_page_content: realistic, varied, deterministic replies. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type OpenAI from 'openai';
import { pageContent } from './functions/page-content.ts';
import { siteStructure } from './functions/site-structure.ts';
import { startDevModelServer, type DevModelServer } from './server.ts';
import { client, fnRequest, repair } from './test-helpers.ts';

type Page = {
  title: string;
  slug: string;
  type: string;
  cluster_id: number | string | null;
  parent_slug: string | null;
};
type Structure = { pages: Page[]; taxonomies: { name: string; slug: string; taxonomy_type: string }[] };
type Block = Record<string, unknown> & { type: string };

const clusters = [
  { id: 11, name: 'Raised Beds', role: 'hub', keywords: [{ keyword: 'raised bed garden', volume: 900 }] },
  { id: 12, name: 'Composting', role: 'hub', keywords: [{ keyword: 'how to compost', volume: 700 }] },
  { id: 13, name: 'Compost Tea', role: 'supporting', keywords: [{ keyword: 'compost tea recipe', volume: 90 }] },
];
const structureInput = (over: Record<string, unknown> = {}) => ({
  site: { name: 'Green Thumb', description: 'Vegetable gardening for beginners.' },
  blueprint: { type: 'blog' },
  clusters,
  existing_pages: [],
  ...over,
});

describe('generate_site_structure', () => {
  test('home, the site type pages, one pillar per hub cluster, categories for hub and supporting clusters', () => {
    const out = siteStructure(structureInput()) as Structure;
    assert.equal(out.pages.filter((p) => p.type === 'home').length, 1);
    assert.deepEqual(
      out.pages.filter((p) => p.cluster_id !== null).map((p) => Number(p.cluster_id)),
      [11, 12],
    );
    assert.ok(out.pages.some((p) => p.type === 'contact'));
    assert.ok(
      out.pages.some((p) => typeof p.cluster_id === 'string'),
      'one id written as a string',
    );
    assert.deepEqual(
      out.taxonomies.filter((t) => t.taxonomy_type === 'blog_category').map((t) => t.slug),
      ['raised-beds', 'composting', 'compost-tea'],
    );
    assert.deepEqual(siteStructure(structureInput()), out, 'deterministic');
  });

  test('varies by site and type; company pillars sit under the services page', () => {
    const company = siteStructure(structureInput({ blueprint: { type: 'company' } })) as Structure;
    const pillars = company.pages.filter((p) => p.cluster_id !== null);
    assert.ok(pillars.every((p) => p.type === 'services' && p.parent_slug?.replace(/\//g, '') === 'services'));
    const titles = new Set(
      ['A', 'B', 'C', 'D', 'E', 'F'].map(
        (n) => (siteStructure(structureInput({ site: { name: n } })) as Structure).pages[1]!.title,
      ),
    );
    assert.ok(titles.size > 1, 'titles vary between sites');
  });

  test('the omit marker makes it forget a cluster; existing slugs are left alone', () => {
    const out = siteStructure(
      structureInput({
        site: { name: 'Green Thumb', description: 'Beds and bins. [omit cluster: Composting]' },
        existing_pages: [{ slug: 'about' }],
      }),
    ) as Structure;
    assert.ok(!out.pages.some((p) => Number(p.cluster_id) === 12));
    assert.ok(!out.pages.some((p) => p.slug === 'about'));
  });
});

describe('generate_page_content', () => {
  const page = {
    type: 'custom',
    title: 'Raised Beds',
    meta_description: '',
    cluster: {
      id: 11,
      name: 'Raised Beds',
      keywords: [{ keyword: 'raised bed garden', volume: 900 }, 'cedar raised bed'],
    },
  };

  test('a pillar page: hero, sections with its keywords, the cluster list, an FAQ and a call to action', () => {
    const out = pageContent({ site: { name: 'Green Thumb' }, page }) as { blocks: Block[] };
    const types = out.blocks.map((b) => b.type);
    assert.equal(types[0], 'hero');
    assert.ok(types.filter((t) => t === 'rich_text').length >= 2);
    assert.deepEqual(types.slice(-3), ['post_list', 'faq', 'cta']);
    assert.equal(out.blocks.find((b) => b.type === 'post_list')!.cluster_id, 11);
    const html = out.blocks.map((b) => String(b.html ?? b.content ?? '')).join(' ');
    assert.match(html, /raised bed garden/);
    assert.ok(
      out.blocks.some((b) => b.type === 'rich_text' && 'content' in b),
      'one section untidy',
    );
    assert.deepEqual(pageContent({ site: { name: 'Green Thumb' }, page }), out, 'deterministic');
  });

  test('a contact page gets a contact block and no FAQ', () => {
    const out = pageContent({ site: { name: 'Green Thumb' }, page: { type: 'contact', title: 'Contact' } }) as {
      blocks: Block[];
    };
    assert.ok(out.blocks.some((b) => b.type === 'contact' && /@greenthumb\.example$/.test(String(b.email))));
    assert.ok(!out.blocks.some((b) => b.type === 'faq'));
  });
});

describe('site functions over HTTP', () => {
  let srv: DevModelServer;
  let ai: OpenAI;
  before(async () => {
    srv = await startDevModelServer({ streamDelayMs: 1 });
    ai = client(srv.url);
  });
  after(() => srv.close());

  test('chosen by the schema name; repairable faults wrap them, fatal ones break them', async () => {
    for (const [name, input] of [
      ['generate_site_structure', structureInput()],
      ['generate_page_content', { site: { name: 'Green Thumb' }, page: { type: 'about', title: 'About' } }],
    ] as const) {
      const plain = await ai.chat.completions.create(fnRequest(name, input));
      const value = repair(plain.choices[0]!.message.content!);
      assert.ok(value && typeof value === 'object');
      for (const fault of ['fenced', 'prose', 'trailing_comma', 'comments']) {
        const r = await ai.chat.completions.create(fnRequest(name, input), { headers: { 'x-dev-model-fault': fault } });
        assert.deepEqual(repair(r.choices[0]!.message.content!), value, fault);
      }
      const cut = await ai.chat.completions.create(fnRequest(name, input), {
        headers: { 'x-dev-model-fault': 'truncated' },
      });
      assert.equal(cut.choices[0]!.finish_reason, 'length');
      const wrong = await ai.chat.completions.create(fnRequest(name, input), {
        headers: { 'x-dev-model-fault': 'wrong_shape' },
      });
      assert.deepEqual(JSON.parse(wrong.choices[0]!.message.content!), { result: 'ok' });
    }
  });
});
