import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { draftRoomOf } from '../../durable-objects/draft-room/client';
import { langOf, termKey } from '../../core/optimizer/language';
import { shardDb } from '../../worker/db/shards';
import { integrationById } from '../../worker/integration/connection';
import { syncOnePost } from '../../worker/integration/sync/incremental';
import { call, type Session } from '../helpers/api';
import { expectError, ownersOnOneShard, populateAccount, shardBinding, type AccountFx } from '../helpers/fixtures';
import { waitForJob } from '../helpers/jobs';
import { seedBlueprint } from '../helpers/sites';
import { connectSite, insertContent, unique, wordpress, wpApi } from '../helpers/wordpress';

/**
 * Issue 13, scope 3 against the REAL WordPress (tests/setup/wordpress.ts): posts made in WordPress
 * before the sync land in the site inventory (titles, URLs, prominent terms; no bodies), the Linker
 * then links to them, a re-sync rewrites nothing that did not change, an article edited in WordPress
 * after we published it is flagged (pull → a new draft version, dismiss), a post deleted there leaves
 * the inventory, and a blueprint's terms are pushed once. The WordPress is shared with other suites:
 * assertions name this file's own posts, never totals.
 */
const I = '/api/v1/integration';

let fx: AccountFx;
let other: AccountFx;
let integrationId: number;
let otherIntegrationId: number;
const db = () => shardBinding(fx.shard);

/** A word no other post has: the Linker and the assertions find this file's posts by it. */
const rare = () =>
  `zq${Array.from(crypto.getRandomValues(new Uint8Array(6)), (b) => String.fromCharCode(97 + (b % 26))).join('')}`;

async function integrationOf(s: Session, siteId: number, shard: AccountFx) {
  const row = await shardBinding(shard.shard)
    .prepare("SELECT id FROM site_integrations WHERE account_id = ? AND site_id = ? AND platform = 'wordpress'")
    .bind(s.accountId, siteId)
    .first<{ id: number }>();
  if (!row) throw new Error('connecting the site made no integration');
  return row.id;
}

async function wpPost(fields: Record<string, unknown>) {
  const res = await wpApi('POST', '/posts', { status: 'publish', ...fields });
  if (res.status !== 201) throw new Error(`WordPress post failed: ${res.status} ${JSON.stringify(res.data)}`);
  return res.data as { id: number; link: string };
}

async function sync(s: Session = fx.members.owner) {
  const res = await call('POST', `${I}/integrations/${integrationId}/sync/`, { token: s.token });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  expect(res.body.data.job.function).toBe('sync_integration');
  const job = await waitForJob(s, res.body.data.job.id, 120_000);
  expect(job.status, job.error).toBe('succeeded');
  return job.result as { written: number; unchanged: number; drift: number; posts: number; requests: number };
}

type Row = { id: number; kind: string; url: string; title: string; terms: string; status: string; updated_at: number };
const rowOf = (kind: string, refId: number) =>
  db()
    .prepare(
      'SELECT id, kind, url, title, terms, status, updated_at FROM site_pages ' +
        'WHERE account_id = ? AND site_id = ? AND kind = ? AND ref_id = ?',
    )
    .bind(fx.accountId, fx.granted.id, kind, refId)
    .first<Row>();

const drifts = async (s: Session, query = '') => {
  const res = await call('GET', `${I}/drift/?site_id=${fx.granted.id}${query}`, { token: s.token });
  expect(res.status).toBe(200);
  return res.body.results as { id: number; content_id: number; status: string; wp_post_id: number }[];
};

/** WordPress keeps modified_gmt in whole seconds: an edit is only "after" our publish a second later. */
const nextSecond = () => new Promise((r) => setTimeout(r, 1100));

beforeAll(async () => {
  wordpress(); // fail fast, with the reason, when WordPress is not up
  // Two accounts on one shard: their ids share one sequence, so another account's id is a real row there.
  const { pair } = await ownersOnOneShard('wpsync');
  fx = await populateAccount(pair[0], 'wpsync');
  other = await populateAccount(pair[1], 'wpsyncother');
  await connectSite(fx.members.owner, fx.granted.id);
  await connectSite(other.members.owner, other.granted.id);
  integrationId = await integrationOf(fx.members.owner, fx.granted.id, fx);
  otherIntegrationId = await integrationOf(other.members.owner, other.granted.id, other);
  expect(otherIntegrationId).not.toBe(integrationId);
});

describe('sync of WordPress posts into the inventory', () => {
  const word = rare();
  const category = unique(`Sync ${word} category`);
  let categoryId: number;
  let posts: { id: number; link: string; title: string }[];

  beforeAll(async () => {
    const cat = await wpApi('POST', '/categories', { name: category });
    categoryId = cat.data.id;
    posts = [];
    for (const n of [1, 2, 3]) {
      const title = `Brewing ${word} compost tea ${n}`;
      const post = await wpPost({
        title,
        content: `<p>Brewing ${word} compost tea needs aerated water. ${word} tea feeds the soil.</p>`,
        categories: [categoryId],
      });
      posts.push({ ...post, title });
    }
  });

  it('brings the posts in with titles, URLs and terms, and no bodies', async () => {
    const result = await sync();
    expect(result.posts).toBeGreaterThanOrEqual(3);
    for (const post of posts) {
      const row = await rowOf('wordpress', post.id);
      expect(row).toMatchObject({ kind: 'wordpress', url: post.link, title: post.title, status: 'published' });
      const terms = JSON.parse(row!.terms) as { term: string }[];
      expect(terms.map((t) => t.term)).toContain(termKey(word, langOf('en')));
    }
    const categoryRow = await rowOf('wordpress_term', categoryId);
    expect(categoryRow).toMatchObject({ title: category, status: 'published' });
    // No column of the inventory holds the post's body.
    const all = await db()
      .prepare('SELECT * FROM site_pages WHERE account_id = ? AND kind = ? AND ref_id = ?')
      .bind(fx.accountId, 'wordpress', posts[0]!.id)
      .first<Record<string, unknown>>();
    expect(JSON.stringify(all)).not.toContain('aerated water');
    const history = await db()
      .prepare("SELECT status FROM integration_events WHERE account_id = ? AND integration_id = ? AND kind = 'sync'")
      .bind(fx.accountId, integrationId)
      .all<{ status: string }>();
    expect(history.results.map((e) => e.status)).toContain('ok');
    const view = await call('GET', `${I}/integrations/${integrationId}/`, { token: fx.members.viewer.token });
    expect(view.body.data).toMatchObject({ sync_status: 'success', sync_error: null });
    expect(view.body.data.last_sync_at).not.toBeNull();
  });

  it('lets the Linker suggest a link to a synced post', async () => {
    const article = await insertContent(fx, fx.granted, { title: unique('Soil care notes') });
    await draftRoomOf(env, fx.accountId, article.id).replaceWithHtml(
      `<h2>Feeding the soil</h2><p>We tried brewing ${word} compost tea on the beds last spring.</p>`,
    );
    const res = await call('POST', '/api/v1/linker/process/', {
      token: fx.members.editor.token,
      body: { content_ids: [article.id] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    await waitForJob(fx.members.editor, res.body.data.task_id);
    const suggestions = await call('GET', `/api/v1/linker/suggestions/?content_id=${article.id}`, {
      token: fx.members.editor.token,
    });
    const targets = (suggestions.body.data as { target_url: string }[]).map((s) => s.target_url);
    expect(targets.some((url) => posts.some((p) => p.link === url))).toBe(true);
  });

  it('does not list synced posts as orphans in the link report (their own links live in WordPress)', async () => {
    const res = await call('GET', `/api/v1/linker/report/?site_id=${fx.granted.id}`, {
      token: fx.members.viewer.token,
    });
    expect(res.status).toBe(200);
    const orphanKinds = new Set((res.body.data.orphans as { kind: string }[]).map((o) => o.kind));
    expect(orphanKinds.has('wordpress')).toBe(false);
    expect(orphanKinds.has('wordpress_term')).toBe(false);
  });

  it('rewrites nothing on a second sync when nothing changed', async () => {
    const before = await Promise.all(posts.map((p) => rowOf('wordpress', p.id)));
    const result = await sync();
    expect(result.unchanged).toBeGreaterThanOrEqual(3);
    const after = await Promise.all(posts.map((p) => rowOf('wordpress', p.id)));
    expect(after.map((r) => r?.updated_at)).toEqual(before.map((r) => r?.updated_at));
  });

  it('drops a post deleted in WordPress from the inventory', async () => {
    const gone = posts.pop()!;
    expect((await wpApi('DELETE', `/posts/${gone.id}?force=true`)).status).toBe(200);
    await sync();
    expect(await rowOf('wordpress', gone.id)).toBeNull();
    expect(await rowOf('wordpress', posts[0]!.id)).not.toBeNull();
  });

  it('syncs one post at a time for the webhook (saved, then deleted)', async () => {
    const integration = (await integrationById(shardDb(env, fx.shard), fx.accountId, integrationId))!;
    const title = `Pruning ${word} roses`;
    const post = await wpPost({ title, content: `<p>Pruning ${word} roses in March.</p>` });
    const database = shardDb(env, fx.shard);
    expect(await syncOnePost(env, database, integration, post.id, 'post.saved')).toBe('upserted');
    expect(await rowOf('wordpress', post.id)).toMatchObject({ title, url: post.link });
    expect(await syncOnePost(env, database, integration, post.id, 'post.saved')).toBe('unchanged');
    await wpApi('DELETE', `/posts/${post.id}?force=true`);
    expect(await syncOnePost(env, database, integration, post.id, 'post.deleted')).toBe('removed');
    expect(await rowOf('wordpress', post.id)).toBeNull();
  });
});

describe('drift: an article edited in WordPress after we published it', () => {
  let contentId: number;
  let wpPostId: number;

  beforeAll(async () => {
    const row = await insertContent(fx, fx.granted, {
      title: unique('Watering tomatoes'),
      html_content: '<p>Water tomatoes deeply twice a week.</p>',
    });
    contentId = row.id;
    await draftRoomOf(env, fx.accountId, contentId).replaceWithHtml('<p>Water tomatoes deeply twice a week.</p>');
    const res = await call('POST', `/api/v1/publisher/content/${contentId}/publish/`, {
      token: fx.members.owner.token,
      body: { status: 'publish' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    wpPostId = res.body.data.wordpress.post_id;
  });

  it('is not drift right after our own publish, and our article is no WordPress row', async () => {
    await sync();
    expect((await drifts(fx.members.owner)).filter((d) => d.content_id === contentId)).toEqual([]);
    expect(await rowOf('wordpress', wpPostId)).toBeNull();
  });

  it('opens on sync after an edit in WordPress; pull makes a new draft version with the WordPress text', async () => {
    await nextSecond();
    const edited = await wpApi('POST', `/posts/${wpPostId}`, {
      content: '<p>Edited in WordPress: water tomatoes at dawn.</p>',
    });
    expect(edited.status).toBe(200);
    const result = await sync();
    expect(result.drift).toBeGreaterThanOrEqual(1);
    const open = (await drifts(fx.members.viewer, '&status=open')).find((d) => d.content_id === contentId);
    expect(open).toMatchObject({ status: 'open', wp_post_id: wpPostId });

    const forbidden = await call('POST', `${I}/drift/${open!.id}/pull/`, { token: fx.members.viewer.token });
    expectError(forbidden, 403);
    const pulled = await call('POST', `${I}/drift/${open!.id}/pull/`, { token: fx.members.editor.token });
    expect(pulled.status, JSON.stringify(pulled.body)).toBe(200);
    expect(pulled.body.data.status).toBe('pulled');
    const room = draftRoomOf(env, fx.accountId, contentId);
    expect((await room.snapshotHtml()).html).toContain('Edited in WordPress: water tomatoes at dawn.');
    const names = (await room.listVersions()).map((v) => v.name);
    expect(names).toContain('Pulled from WordPress');
    expect(names).toContain('Before pulling from WordPress');
    expectError(await call('POST', `${I}/drift/${open!.id}/pull/`, { token: fx.members.editor.token }), 409);

    // The same edit seen again does not reopen it.
    await sync();
    expect((await drifts(fx.members.owner, '&status=open')).filter((d) => d.content_id === contentId)).toEqual([]);
  });

  it('reopens on a later edit, and can be dismissed once', async () => {
    await nextSecond();
    await wpApi('POST', `/posts/${wpPostId}`, { content: '<p>Edited again in WordPress.</p>' });
    await sync();
    const open = (await drifts(fx.members.owner, '&status=open')).find((d) => d.content_id === contentId)!;
    expect(open).toBeDefined();
    expectError(await call('POST', `${I}/drift/${open.id}/dismiss/`, { token: fx.members.viewer.token }), 403);
    expectError(await call('POST', `${I}/drift/${open.id}/dismiss/`, { token: other.members.owner.token }), 404);
    const dismissed = await call('POST', `${I}/drift/${open.id}/dismiss/`, { token: fx.members.editor.token });
    expect(dismissed.status).toBe(200);
    expect(dismissed.body.data.status).toBe('dismissed');
    expectError(await call('POST', `${I}/drift/${open.id}/dismiss/`, { token: fx.members.editor.token }), 409);
    // Our text stays what it was.
    expect((await draftRoomOf(env, fx.accountId, contentId).snapshotHtml()).html).not.toContain('Edited again');
  });
});

describe('taxonomy push from a blueprint', () => {
  it('creates the blueprint categories and tags in WordPress once', async () => {
    const blueprint = await seedBlueprint(fx, fx.granted, { pages: false, cluster: false });
    const word = rare();
    const scope = { account_id: fx.accountId, site_id: fx.granted.id, site_blueprint_id: blueprint.id };
    const terms = [
      { name: `Herbs ${word}`, slug: `herbs-${word}`, taxonomy_type: 'blog_category' },
      { name: `Basil ${word}`, slug: `basil-${word}`, taxonomy_type: 'blog_tag' },
      { name: `Seeds ${word}`, slug: `seeds-${word}`, taxonomy_type: 'product_category' },
    ];
    for (const t of terms)
      await db()
        .prepare(
          'INSERT INTO site_blueprint_taxonomies (account_id, site_id, site_blueprint_id, name, slug, taxonomy_type, ' +
            'created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        )
        .bind(scope.account_id, scope.site_id, scope.site_blueprint_id, t.name, t.slug, t.taxonomy_type, Date.now(), 0)
        .run();
    const push = () =>
      call('POST', `${I}/integrations/${integrationId}/push_taxonomies/`, {
        token: fx.members.editor.token,
        body: { blueprint_id: blueprint.id },
      });
    const first = await push();
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.data).toMatchObject({ created: 2, existing: 0, skipped: 1 });
    const second = await push();
    expect(second.body.data).toMatchObject({ created: 0, existing: 2, skipped: 1 });
    const category = await wpApi('GET', `/categories?slug=herbs-${word}`);
    const tag = await wpApi('GET', `/tags?slug=basil-${word}`);
    expect(category.data.map((c: { name: string }) => c.name)).toEqual([`Herbs ${word}`]);
    expect(tag.data.map((c: { name: string }) => c.name)).toEqual([`Basil ${word}`]);
    expectError(
      await call('POST', `${I}/integrations/${integrationId}/push_taxonomies/`, {
        token: fx.members.viewer.token,
        body: { blueprint_id: blueprint.id },
      }),
      403,
    );
  });
});

describe('tenancy', () => {
  it("answers 404 for another account's integration and drift, 403 for a viewer", async () => {
    const owner = fx.members.owner;
    expectError(await call('POST', `${I}/integrations/${otherIntegrationId}/sync/`, { token: owner.token }), 404);
    expectError(
      await call('POST', `${I}/integrations/${integrationId}/sync/`, { token: other.members.owner.token }),
      404,
    );
    expectError(
      await call('POST', `${I}/integrations/${integrationId}/sync/`, { token: fx.members.viewer.token }),
      403,
    );
    const [row] = await db()
      .prepare('SELECT id FROM integration_drift WHERE account_id = ? LIMIT 1')
      .bind(fx.accountId)
      .all<{ id: number }>()
      .then((r) => r.results);
    expect(row).toBeDefined();
    for (const action of ['pull', 'dismiss'])
      expectError(await call('POST', `${I}/drift/${row!.id}/${action}/`, { token: other.members.owner.token }), 404);
    const theirs = await call('GET', `${I}/drift/`, { token: other.members.owner.token });
    expect(theirs.status).toBe(200);
    expect(theirs.body.results.map((d: { id: number }) => d.id)).not.toContain(row!.id);
  });
});
