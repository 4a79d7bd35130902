import { env } from 'cloudflare:workers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { draftRoomOf } from '../../durable-objects/draft-room/client';
import { linkToPublishedArticle } from '../../worker/linker/on-publish';
import { call, signup, type Session } from '../helpers/api';
import { expectError, populateAccount, shardBinding, type AccountFx } from '../helpers/fixtures';
import { waitForJob } from '../helpers/jobs';
import { openDraft, type DraftClient } from '../helpers/yjs-socket';

/**
 * Issue 11, scope item 5 on the server: link suggestions from the draft room's live document to
 * live pages of the site only, accepted into the shared draft (or stale), batch linking as a job,
 * the AI pass kept within the candidates, the link report and the settings; the tenancy matrix.
 */
let fx: AccountFx;
let stranger: Session;
const open: DraftClient[] = [];
const L = '/api/v1/linker';
const db = () => shardBinding(fx.shard);

type Suggestion = {
  id: number;
  content_id: number;
  target_page_id: number;
  target_url: string;
  anchor_text: string;
  range: string;
  status: string;
  origin: string;
};

async function createContent(title: string, siteId = fx.granted.id, sectorId = fx.granted.sectorId) {
  const res = await call('POST', '/api/v1/writer/content/', {
    token: fx.members.owner.token,
    body: { site_id: siteId, sector_id: sectorId, title },
  });
  if (res.status !== 201) throw new Error(`content failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.data.id as number;
}

/** An article of the site: its slug and keyword, its status (published ones are link targets), its body. */
async function article(
  title: string,
  o: { slug: string; keyword: string; status?: string; html: string; clusterId?: number },
): Promise<number> {
  const id = await createContent(title);
  const patched = await call('PATCH', `/api/v1/writer/content/${id}/`, {
    token: fx.members.editor.token,
    body: { slug: o.slug, primary_keyword: o.keyword },
  });
  if (patched.status !== 200) throw new Error(`patch failed: ${JSON.stringify(patched.body)}`);
  await db()
    .prepare('UPDATE content SET status = ?, published_at = ?, cluster_id = ? WHERE account_id = ? AND id = ?')
    .bind(
      o.status ?? 'draft',
      o.status === 'published' ? Date.now() - 86_400_000 : null,
      o.clusterId ?? null,
      fx.accountId,
      id,
    )
    .run();
  await draftRoomOf(env, fx.accountId, id).replaceWithHtml(o.html);
  await draftRoomOf(env, fx.accountId, id).analyze();
  return id;
}

const pageOf = async (contentId: number) =>
  (await db()
    .prepare("SELECT id, url, inbound_count FROM site_pages WHERE account_id = ? AND kind = 'content' AND ref_id = ?")
    .bind(fx.accountId, contentId)
    .first<{ id: number; url: string; inbound_count: number }>())!;

type Page = Awaited<ReturnType<typeof pageOf>>;
const pagesOf = async (...ids: number[]) => (await Promise.all(ids.map(pageOf))) as [Page, Page, Page, Page];

async function processJob(contentIds: number[], body: Record<string, unknown> = {}) {
  const res = await call('POST', `${L}/process/`, {
    token: fx.members.editor.token,
    body: { content_ids: contentIds, ...body },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return waitForJob(fx.members.editor, res.body.data.task_id);
}

const suggestionsOf = async (contentId: number, s = fx.members.viewer) => {
  const res = await call('GET', `${L}/suggestions/?content_id=${contentId}`, { token: s.token });
  expect(res.status).toBe(200);
  return res.body.data as Suggestion[];
};

const accept = (id: number, s = fx.members.editor) =>
  call('POST', `${L}/suggestions/${id}/accept/`, { token: s.token });

async function connect(contentId: number) {
  const client = await openDraft(contentId, fx.members.editor.token);
  open.push(client);
  await client.synced;
  return client;
}

/** Waits until the room's document holds `text` (an editor's change reached it). */
async function roomHolds(contentId: number, text: string) {
  const deadline = Date.now() + 10_000;
  while (!(await draftRoomOf(env, fx.accountId, contentId).snapshotHtml()).html.includes(text)) {
    if (Date.now() > deadline) throw new Error(`the room never held ${text}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The paragraph text node of a client's copy that holds `words`. */
function textHolding(client: DraftClient, words: string): Y.XmlText {
  for (const node of client.fragment.createTreeWalker(() => true))
    if (node instanceof Y.XmlText && node.toString().includes(words)) return node;
  throw new Error(`no text holds ${words}`);
}

let starter: number;
let rye: number;
let flour: number;
let source: number;
const SOURCE_HTML = `
<p>Baking at home starts with a lively sourdough starter and patience.</p>
<h2>Rye bread basics</h2>
<p>A dense rye bread needs less kneading than wheat loaves do.</p>
<p>Some bakers mix whole wheat flour into every dough they make.</p>
<p>${'Bread rewards practice, and every loaf teaches something new about dough. '.repeat(20)}</p>`;

beforeAll(async () => {
  fx = await populateAccount(await signup('linker'), 'linker');
  stranger = await signup('linker-stranger');
  starter = await article('Sourdough starter', {
    slug: 'sourdough-starter',
    keyword: 'sourdough starter',
    status: 'published',
    html: '<p>A sourdough starter is flour and water fermenting. Feed the sourdough starter daily.</p>',
  });
  rye = await article('Rye bread', {
    slug: 'rye-bread',
    keyword: 'rye bread',
    status: 'published',
    html: '<p>Rye bread is dense and dark. Bake rye bread with a rye sourdough.</p>',
  });
  flour = await article('Whole wheat flour', {
    slug: 'whole-wheat-flour',
    keyword: 'whole wheat flour',
    html: '<p>Whole wheat flour keeps the bran. Whole wheat flour absorbs more water.</p>',
  });
  source = await article('Baking at home', { slug: 'baking-at-home', keyword: 'baking at home', html: SOURCE_HTML });
});

afterAll(() => {
  for (const c of open) c.close();
});

describe('suggestions from the live draft', () => {
  it('the job stores suggestions only to live pages, never itself, on words of the draft', async () => {
    const job = await processJob([source]);
    expect(job).toMatchObject({ status: 'succeeded', progress: 100, credits_charged: 0 });
    expect(job.result).toMatchObject({ articles: 1 });
    const found = await suggestionsOf(source);
    const [starterPage, ryePage, flourPage, sourcePage] = await pagesOf(starter, rye, flour, source);
    expect(found.map((s) => s.target_page_id).sort()).toEqual([starterPage.id, ryePage.id].sort());
    expect(found.some((s) => s.target_page_id === flourPage.id || s.target_page_id === sourcePage.id)).toBe(false);
    const text = SOURCE_HTML.replace(/<h2>[^<]*<\/h2>/g, '');
    for (const s of found) {
      expect(s.status).toBe('pending');
      expect(text.toLowerCase()).toContain(s.anchor_text.toLowerCase());
    }
    // The heading "Rye bread basics" is never an anchor: the paragraph's words are.
    expect(found.find((s) => s.target_page_id === ryePage.id)?.anchor_text.toLowerCase()).toBe('rye bread');
  });

  it('accept lands on the right words while a co-editor types in the paragraph; twice is one link', async () => {
    const client = await connect(source);
    const s = (await suggestionsOf(source)).find((x) => x.target_url === '/sourdough-starter/')!;
    // The other editor types at the start of the anchor's paragraph before the accept arrives.
    textHolding(client, 'lively sourdough starter').insert(0, 'Honestly, ');
    await roomHolds(source, 'Honestly, Baking');
    const [first, second] = await Promise.all([accept(s.id), accept(s.id)]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(first.body.data.status).toBe('accepted');
    expect(second.body.data.status).toBe('accepted');
    await client.until('the link', () => client.html().includes('<a href="/sourdough-starter/">sourdough starter</a>'));
    expect(client.html()).toContain('Honestly, Baking at home starts with a lively <a');
    expect(client.html().match(/href="\/sourdough-starter\/"/g)).toHaveLength(1);
    expect((await accept(s.id)).body.data.status, 'accepting again changes nothing').toBe('accepted');
    expect(client.html().match(/href="\/sourdough-starter\/"/g)).toHaveLength(1);
  });

  it('a suggestion whose words were deleted meanwhile turns stale and changes nothing', async () => {
    const client = await connect(source);
    const s = (await suggestionsOf(source)).find((x) => x.target_url === '/rye-bread/')!;
    const text = textHolding(client, 'dense rye bread');
    const at = text.toString().indexOf('rye bread');
    text.delete(at, 'rye bread'.length);
    text.insert(at, 'rye loaf');
    await roomHolds(source, 'dense rye loaf');
    const stale = await accept(s.id);
    expect(stale.status).toBe(200);
    expect(stale.body.data.status).toBe('stale');
    expect(client.html()).not.toContain('/rye-bread/');
  });

  it('two suggestions in one paragraph accepted at once both land on their own words', async () => {
    const both = await article('Weekend loaves', {
      slug: 'weekend-loaves',
      keyword: 'weekend loaves',
      html:
        '<p>Start the sourdough starter on Friday and bake rye bread on Sunday.</p>' +
        `<p>${'Plan ahead. '.repeat(60)}</p>`,
    });
    await processJob([both]);
    const made = await suggestionsOf(both);
    expect(made.map((x) => x.target_url).sort()).toEqual(['/rye-bread/', '/sourdough-starter/']);
    const results = await Promise.all(made.map((x) => accept(x.id)));
    expect(results.map((r) => r.body.data.status)).toEqual(['accepted', 'accepted']);
    expect((await draftRoomOf(env, fx.accountId, both).snapshotHtml()).html).toContain(
      '<p>Start the <a href="/sourdough-starter/">sourdough starter</a> on Friday and bake ' +
        '<a href="/rye-bread/">rye bread</a> on Sunday.</p>',
    );
  });

  it('a rejected suggestion stays rejected and is not made again; a target no longer live turns stale', async () => {
    const other = await article('Home baking tools', {
      slug: 'home-baking-tools',
      keyword: 'home baking tools',
      html: '<p>The right tools matter: a scale and a rye bread banneton, and your sourdough starter.</p>',
    });
    await processJob([other]);
    const made = await suggestionsOf(other);
    const s = made.find((x) => x.target_url === '/rye-bread/')!;
    const toReject = made.find((x) => x.target_url === '/sourdough-starter/')!;
    expect(s).toBeDefined();
    expect(toReject).toBeDefined();
    const rejected = await call('POST', `${L}/suggestions/${toReject.id}/reject/`, { token: fx.members.editor.token });
    expect(rejected.body.data).toMatchObject({ status: 'rejected' });
    expect((await accept(toReject.id)).body.data.status).toBe('rejected');
    await processJob([other]);
    const after = await suggestionsOf(other);
    expect(after.filter((x) => x.target_url === '/sourdough-starter/').map((x) => x.status)).toEqual(['rejected']);
    expect(after.filter((x) => x.target_url === '/rye-bread/')).toHaveLength(1);
    expect(after.map((x) => x.status)).toEqual(['pending', 'rejected']); // pending first
    // The suggestion made again replaced the first pending one.
    expectError(await accept(s.id), 404);
    const setStatus = (status: string) =>
      db()
        .prepare('UPDATE site_pages SET status = ? WHERE account_id = ? AND id = ?')
        .bind(status, fx.accountId, s.target_page_id)
        .run();
    await setStatus('draft');
    try {
      expect((await accept(after[0]!.id)).body.data.status).toBe('stale');
    } finally {
      await setStatus('published');
    }
  });
});

describe('batch linking', () => {
  it('inbound asks the closest live articles for links to the target; apply accepts them', async () => {
    const older = await article('Feeding schedule', {
      slug: 'feeding-schedule',
      keyword: 'feeding schedule',
      status: 'published',
      html: '<p>A feeding schedule keeps a rye bread dough and its sourdough culture happy.</p>',
    });
    // A draft is no link target: nothing to ask for, said so.
    const none = await processJob([flour], { direction: 'inbound' });
    expect(none).toMatchObject({ status: 'failed' });
    expect(none.error).toMatch(/live/);
    const job = await processJob([rye], { direction: 'inbound', mode: 'apply' });
    expect(job.status).toBe('succeeded');
    const ryePage = await pageOf(rye);
    const made = (await suggestionsOf(older)).filter((s) => s.target_page_id === ryePage.id);
    expect(made.length).toBe(1);
    expect(made[0]).toMatchObject({ status: 'accepted' });
    const html = (await draftRoomOf(env, fx.accountId, older).snapshotHtml()).html;
    expect(html).toContain('<a href="/rye-bread/">rye bread</a>');
    // Both directions: the target's own outbound batch, and its closest articles' inbound ones.
    const both = await processJob([rye], { direction: 'both' });
    expect(both.status).toBe('succeeded');
    expect(both.batches_total).toBeGreaterThan(1);
  });

  it('a job of 100 articles reads them all: inbound on drafts says there is nothing to link', async () => {
    const now = Date.now();
    const rows = await db().batch(
      Array.from({ length: 100 }, (_, i) =>
        db()
          .prepare(
            `INSERT INTO content (account_id, site_id, sector_id, title, html_content, created_at, updated_at)
             VALUES (?, ?, ?, ?, '<p>A sourdough starter and rye bread.</p>', ?, ?) RETURNING id`,
          )
          .bind(fx.accountId, fx.granted.id, fx.granted.sectorId, `Bulk ${i}`, now, now),
      ),
    );
    const ids = rows.map((r) => (r.results[0] as { id: number }).id);
    // Outbound would run 100 batches (one per article); inbound on drafts runs none, after reading
    // all 100 rows (in parts: D1 binds at most 100 parameters).
    const job = await processJob(ids, { direction: 'inbound' });
    expect(job).toMatchObject({ status: 'failed' });
    expect(job.error).toMatch(/No live article/);
  });

  it('publishing an article starts an inbound job when the site asks for it, once per publication', async () => {
    const fresh = await article('Banneton care', {
      slug: 'banneton-care',
      keyword: 'banneton care',
      status: 'published',
      html: '<p>Banneton care: dust the banneton with rice flour after each rye bread.</p>',
    });
    const published = {
      accountId: fx.accountId,
      shard: fx.shard,
      siteId: fx.granted.id,
      contentId: fresh,
      userId: fx.members.editor.userId,
      userName: 'Editor',
      publishedAt: new Date(),
    };
    const job = await linkToPublishedArticle(env, published);
    expect(job?.function).toBe('link_content');
    expect((await linkToPublishedArticle(env, published))?.id).toBe(job?.id);
    expect((await waitForJob(fx.members.editor, job!.id)).status).toBe('succeeded');
    await call('PUT', `${L}/settings/?site_id=${fx.granted.id}`, {
      token: fx.members.editor.token,
      body: { inbound_on_publish: false },
    });
    expect(await linkToPublishedArticle(env, { ...published, publishedAt: new Date(Date.now() + 1) })).toBeNull();
    await call('PUT', `${L}/settings/?site_id=${fx.granted.id}`, {
      token: fx.members.editor.token,
      body: { inbound_on_publish: true },
    });
  });

  it('the AI pass keeps only offered candidates, whatever the model replies', async () => {
    const set = await call('PUT', `${L}/settings/?site_id=${fx.granted.id}`, {
      token: fx.members.editor.token,
      body: { ai_pass: true },
    });
    expect(set.status).toBe(200);
    try {
      const target = await article('Kitchen notes', {
        slug: 'kitchen-notes',
        keyword: 'kitchen notes',
        html:
          '<p>Keep a sourdough starter near the oven; a rye bread loves steam.</p>' +
          `<p>${'More words here. '.repeat(30)}</p>`,
      });
      const job = await processJob([target]);
      expect(job.status).toBe('succeeded');
      expect(job.credits_charged).toBe(1);
      const found = await suggestionsOf(target);
      const live = new Set([(await pageOf(starter)).id, (await pageOf(rye)).id]);
      const self = (await pageOf(target)).id;
      expect(found.length).toBeGreaterThan(0);
      for (const s of found) {
        expect(s.origin).toBe('ai');
        expect(live.has(s.target_page_id)).toBe(true);
        expect(s.target_page_id).not.toBe(self);
        expect(['sourdough starter', 'rye bread']).toContain(s.anchor_text.toLowerCase());
      }
      expect(new Set(found.map((s) => s.target_page_id)).size).toBe(found.length);
    } finally {
      await call('PUT', `${L}/settings/?site_id=${fx.granted.id}`, {
        token: fx.members.editor.token,
        body: { ai_pass: false },
      });
    }
  });
});

describe('report and settings', () => {
  it('counts orphans, broken links with their source, and the cluster hub↔spoke links', async () => {
    const now = Date.now();
    const cluster = await db()
      .prepare(
        `INSERT INTO clusters (account_id, site_id, sector_id, name, normalized_name, created_at, updated_at)
         VALUES (?, ?, ?, 'Proofing', 'proofing basics', ?, ?) RETURNING id`,
      )
      .bind(fx.accountId, fx.granted.id, fx.granted.sectorId, now, now)
      .first<{ id: number }>();
    const hub = await article('Proofing basics', {
      slug: 'proofing-basics',
      keyword: 'proofing basics',
      status: 'published',
      clusterId: cluster!.id,
      html: '<p>Proofing is the last rise.</p>',
    });
    const linking = await article('Cold proofing', {
      slug: 'cold-proofing',
      keyword: 'cold proofing',
      status: 'published',
      clusterId: cluster!.id,
      html: '<p>See <a href="/proofing-basics/">the basics</a> and <a href="/gone/">this</a>.</p>',
    });
    const silent = await article('Proofing baskets', {
      slug: 'proofing-baskets',
      keyword: 'proofing baskets',
      status: 'published',
      clusterId: cluster!.id,
      html: '<p>Baskets shape the dough.</p>',
    });
    const res = await call('GET', `${L}/report/?site_id=${fx.granted.id}`, { token: fx.members.viewer.token });
    expect(res.status).toBe(200);
    const report = res.body.data;
    const [hubPage, linkingPage, silentPage, starterPage] = await pagesOf(hub, linking, silent, starter);
    const orphanIds = report.orphans.map((o: { page_id: number }) => o.page_id);
    expect(orphanIds).toContain(linkingPage.id);
    expect(orphanIds).toContain(silentPage.id);
    expect(orphanIds).not.toContain(hubPage.id);
    expect(orphanIds).not.toContain(starterPage.id); // linked from the accepted suggestion
    expect(report.broken).toContainEqual(
      expect.objectContaining({
        href: '/gone/',
        reason: 'missing',
        source_page_id: linkingPage.id,
        source_title: 'Cold proofing',
        source_url: '/cold-proofing/',
      }),
    );
    const row = report.clusters.find((c: { cluster_id: number }) => c.cluster_id === cluster!.id);
    expect(row).toMatchObject({ cluster_name: 'Proofing', hub_to_spoke: 0, spoke_to_hub: 1 });
    expect(row.hub.page_id).toBe(hubPage.id);
    expect(row.spokes.map((s: { page_id: number }) => s.page_id).sort()).toEqual(
      [linkingPage.id, silentPage.id].sort(),
    );
    expect(row.spokes_not_linking_hub.map((s: { page_id: number }) => s.page_id)).toEqual([silentPage.id]);
  });

  it('settings: defaults, validation, and only writers change them', async () => {
    const site = fx.granted.id;
    const got = await call('GET', `${L}/settings/?site_id=${site}`, { token: fx.members.viewer.token });
    expect(got.body.data).toMatchObject({ site_id: site, max_links: 10, inbound_on_publish: true });
    for (const body of [{ max_links: 11 }, { max_links: -1 }, { max_links: 2.5 }, { ai_pass: 'yes' }, { other: 1 }]) {
      expectError(await call('PUT', `${L}/settings/?site_id=${site}`, { token: fx.members.editor.token, body }), 400);
    }
    const put = await call('PUT', `${L}/settings/?site_id=${site}`, {
      token: fx.members.editor.token,
      body: { max_links: 4, inbound_on_publish: false },
    });
    expect(put.body.data).toMatchObject({ max_links: 4, ai_pass: false, inbound_on_publish: false });
    expect((await call('GET', `${L}/settings/?site_id=${site}`, { token: fx.members.viewer.token })).body.data).toEqual(
      put.body.data,
    );
    await call('PUT', `${L}/settings/?site_id=${site}`, {
      token: fx.members.editor.token,
      body: { max_links: 10, inbound_on_publish: true },
    });
    expectError(
      await call('POST', `${L}/process/`, { token: fx.members.editor.token, body: { content_ids: [] } }),
      400,
    );
    expectError(
      await call('POST', `${L}/process/`, {
        token: fx.members.editor.token,
        body: { content_ids: [source], direction: 'sideways' },
      }),
      400,
    );
  });

  it('tenancy: viewers never write (403), other accounts and ungranted sites get 404 on every route', async () => {
    const [s] = await suggestionsOf(source);
    const hidden = await createContent('Hidden', fx.ungranted.id, fx.ungranted.sectorId);
    const foreign = await db()
      .prepare(
        `INSERT INTO link_suggestions (account_id, site_id, content_id, target_page_id, target_url, anchor_text,
                                       anchor_start, anchor_end, created_at, updated_at)
         VALUES (?, ?, ?, 1, '/x/', 'x', 'a', 'b', ?, ?) RETURNING id`,
      )
      .bind(fx.accountId, fx.ungranted.id, hidden, Date.now(), Date.now())
      .first<{ id: number }>();
    const writes = [
      ['POST', `${L}/suggestions/${s!.id}/accept/`, undefined],
      ['POST', `${L}/suggestions/${s!.id}/reject/`, undefined],
      ['POST', `${L}/process/`, { content_ids: [source] }],
      ['PUT', `${L}/settings/?site_id=${fx.granted.id}`, { max_links: 3 }],
    ] as const;
    for (const [method, path, body] of writes)
      expectError(await call(method, path, { token: fx.members.viewer.token, body }), 403);
    const every = [
      ...writes,
      ['GET', `${L}/suggestions/?content_id=${source}`, undefined],
      ['GET', `${L}/report/?site_id=${fx.granted.id}`, undefined],
      ['GET', `${L}/settings/?site_id=${fx.granted.id}`, undefined],
    ] as const;
    for (const [method, path, body] of every)
      expectError(await call(method, path, { token: stranger.token, body }), 404);
    for (const [method, path, body] of [
      ['GET', `${L}/suggestions/?content_id=${hidden}`, undefined],
      ['POST', `${L}/suggestions/${foreign!.id}/accept/`, undefined],
      ['POST', `${L}/suggestions/${foreign!.id}/reject/`, undefined],
      ['POST', `${L}/process/`, { content_ids: [hidden] }],
      ['GET', `${L}/report/?site_id=${fx.ungranted.id}`, undefined],
      ['GET', `${L}/settings/?site_id=${fx.ungranted.id}`, undefined],
      ['PUT', `${L}/settings/?site_id=${fx.ungranted.id}`, { max_links: 3 }],
    ] as const)
      expectError(await call(method, path, { token: fx.members.editor.token, body }), 404);
    expect((await suggestionsOf(source)).find((x) => x.id === s!.id)?.status).toBe(s!.status);
  });
});
