import { beforeAll, describe, expect, it } from 'vitest';
import { pageBlocks } from '../../core/validation/site-blocks';
import { addMember, call, createSite, signup, type Session } from '../helpers/api';
import { createSector, shardBinding, shardOf } from '../helpers/fixtures';
import { devModelUrl, scriptFaults, useOwnModelKey, waitForJob } from '../helpers/jobs';

/**
 * The Site Builder's AI functions through the real engine and the dev model: a blueprint's
 * structure (every attached hub cluster ends up on a page, whatever the model answered) and a
 * page's content (typed blocks, sanitized HTML). Clusters and their keywords are written straight
 * into the shard (no clustering job needed); blueprints and attachments go through the API.
 */

type Db = D1Database;
type PageRow = { id: number; slug: string; title: string; type: string; cluster_id: number | null; status: string };

async function balance(s: Session) {
  return (await call('GET', '/api/v1/billing/balance/', { token: s.token })).body.data as {
    balance: number;
    reserved: number;
  };
}

async function insertCluster(db: Db, s: Session, siteId: number, sectorId: number, name: string, words: string[]) {
  const now = Date.now();
  const row = await db
    .prepare(
      `INSERT INTO clusters
         (account_id, site_id, sector_id, name, normalized_name, keywords_count, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    )
    .bind(s.accountId, siteId, sectorId, name, name.toLowerCase(), words.length, now, now)
    .first<{ id: number }>();
  for (const [i, w] of words.entries()) {
    await db
      .prepare(
        `INSERT INTO keywords (account_id, site_id, sector_id, keyword, normalized, volume, status, cluster_id,
                               created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?, ?)`,
      )
      .bind(s.accountId, siteId, sectorId, w, w, (words.length - i) * 100, row!.id, now, now)
      .run();
  }
  return row!.id;
}

/** A blueprint through the Site Builder API (it starts with an empty home page), clusters attached by role. */
async function createBlueprint(
  s: Session,
  siteId: number,
  opts: { description?: string; clusters?: [number, string][] } = {},
) {
  const bp = await call('POST', '/api/v1/site-builder/blueprints/', {
    token: s.token,
    body: { site_id: siteId, name: 'Main site', description: opts.description ?? '', type: 'blog' },
  });
  expect(bp.status, JSON.stringify(bp.body)).toBe(201);
  for (const [cluster_id, role] of opts.clusters ?? []) {
    const link = await call('POST', `/api/v1/site-builder/blueprints/${bp.body.data.id}/clusters/`, {
      token: s.token,
      body: { cluster_id, role },
    });
    expect(link.status, JSON.stringify(link.body)).toBe(201);
  }
  return bp.body.data.id as number;
}

/** The next reply of the key's model, exactly as given. */
async function scriptRaw(apiKey: string, raw: string) {
  const res = await fetch(`${devModelUrl()}/__dev/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ api_key: apiKey, script: [{ raw }] }),
  });
  if (!res.ok) throw new Error(`script refused: ${res.status} ${await res.text()}`);
}

const pagesOf = async (db: Db, blueprintId: number) =>
  (
    await db
      .prepare('SELECT * FROM page_blueprints WHERE site_blueprint_id = ? ORDER BY "order", id')
      .bind(blueprintId)
      .all<PageRow & { blocks: string; version: number }>()
  ).results;

const blueprintOf = async (db: Db, id: number) =>
  db.prepare('SELECT status, structure FROM site_blueprints WHERE id = ?').bind(id).first<{
    status: string;
    structure: string;
  }>();

describe('Site Builder AI: structure and page content', () => {
  const key = `sk-site-ai-${Date.now()}`;
  let owner: Session;
  let db: Db;
  let siteId: number;
  let hubA: number;
  let hubB: number;
  let support: number;
  let blueprint: number;

  beforeAll(async () => {
    owner = await signup('siteai');
    db = shardBinding(await shardOf(owner.accountId));
    siteId = (await createSite(owner, 'Green Thumb')).id;
    const sectorId = (await createSector(owner, siteId, 'Vegetables')).id;
    hubA = await insertCluster(db, owner, siteId, sectorId, 'Raised Beds', ['raised bed garden', 'cedar raised bed']);
    hubB = await insertCluster(db, owner, siteId, sectorId, 'Composting', ['how to compost', 'compost bin diy']);
    support = await insertCluster(db, owner, siteId, sectorId, 'Compost Tea', ['compost tea recipe']);
    // The model is told to forget a hub cluster: the product must still give it a page.
    blueprint = await createBlueprint(owner, siteId, {
      description: 'A vegetable garden blog. [omit cluster: Composting]',
      clusters: [
        [hubA, 'hub'],
        [hubB, 'hub'],
        [support, 'supporting'],
      ],
    });
    await useOwnModelKey(owner, key);
  });

  it('quotes the structure before the click', async () => {
    const quote = await call('GET', `/api/v1/site-builder/blueprints/${blueprint}/generate_structure/quote/`, {
      token: owner.token,
    });
    expect(quote.status).toBe(200);
    expect(quote.body.data).toEqual({ credits: 1, balance: (await balance(owner)).balance, affordable: true });
  });

  it('maps every attached hub cluster to a page even when the model forgets one, charging 1 credit once', async () => {
    const before = await balance(owner);
    const url = `/api/v1/site-builder/blueprints/${blueprint}/generate_structure/`;
    const headers = { 'idempotency-key': 'structure-1' };
    const start = await call('POST', url, { token: owner.token, body: {}, headers });
    expect(start.status, JSON.stringify(start.body)).toBe(202);
    // A retried click is the same job.
    const again = await call('POST', url, { token: owner.token, body: {}, headers });
    expect(again.body.data.job.id).toBe(start.body.data.job.id);
    const job = await waitForJob(owner, start.body.data.task_id);
    expect(job).toMatchObject({ status: 'succeeded', credits_charged: 1 });
    expect(job.result).toMatchObject({ pages_added_for_coverage: 1 });
    expect(await balance(owner)).toMatchObject({ balance: before.balance - 1, reserved: 0 });

    const pages = await pagesOf(db, blueprint);
    expect(pages.filter((p) => p.slug === '')).toHaveLength(1);
    expect(pages.find((p) => p.cluster_id === hubA)).toBeTruthy();
    const added = pages.find((p) => p.cluster_id === hubB)!;
    expect(added).toMatchObject({ title: 'Composting', slug: 'composting' });
    expect(new Set(pages.map((p) => p.slug)).size).toBe(pages.length);
    for (const p of pages) expect(pageBlocks.safeParse(JSON.parse(p.blocks)).success).toBe(true);
    expect(JSON.parse(added.blocks)).toContainEqual(expect.objectContaining({ type: 'post_list', cluster_id: hubB }));
    // The supporting cluster is a blog category; every cluster is mapped.
    const terms = await db
      .prepare(
        `SELECT slug, taxonomy_type, json_extract(metadata, '$.cluster_id') AS cluster_id
         FROM site_blueprint_taxonomies WHERE site_blueprint_id = ?`,
      )
      .bind(blueprint)
      .all<{ slug: string; taxonomy_type: string; cluster_id: number | null }>();
    expect(terms.results).toContainEqual({ slug: 'compost-tea', taxonomy_type: 'blog_category', cluster_id: support });
    const coverage = await db
      .prepare('SELECT cluster_id, coverage_status FROM site_blueprint_clusters WHERE site_blueprint_id = ?')
      .bind(blueprint)
      .all<{ cluster_id: number; coverage_status: string }>();
    expect(coverage.results.map((c) => c.coverage_status)).toEqual(['mapped', 'mapped', 'mapped']);
    // The builder's checklist agrees: both hubs are served by a page.
    const view = await call('GET', `/api/v1/site-builder/blueprints/${blueprint}/clusters/`, { token: owner.token });
    for (const hub of [hubA, hubB]) {
      const link = view.body.data.find((l: { cluster_id: number }) => l.cluster_id === hub);
      expect(link).toMatchObject({ coverage_status: 'mapped', page_id: expect.any(Number) });
    }
    const bp = await blueprintOf(db, blueprint);
    expect(bp!.status).toBe('ready');
    expect(JSON.parse(bp!.structure).nav.map((n: { slug: string }) => n.slug)).toContain('composting');
  });

  it('keeps a page the user edited when the structure is generated again, unless asked to replace', async () => {
    const edited = (await pagesOf(db, blueprint)).find((p) => p.cluster_id === hubA)!;
    await db
      .prepare("UPDATE page_blueprints SET title = 'My raised beds', version = version + 1 WHERE id = ?")
      .bind(edited.id)
      .run();
    const url = `/api/v1/site-builder/blueprints/${blueprint}/generate_structure/`;
    let job = await waitForJob(owner, (await call('POST', url, { token: owner.token, body: {} })).body.data.task_id);
    expect(job.status).toBe('succeeded');
    let pages = await pagesOf(db, blueprint);
    expect(pages.find((p) => p.id === edited.id)?.title).toBe('My raised beds');
    expect(pages.filter((p) => p.cluster_id === hubA)).toHaveLength(1);

    job = await waitForJob(
      owner,
      (await call('POST', url, { token: owner.token, body: { replace: true } })).body.data.task_id,
    );
    expect(job.status).toBe('succeeded');
    pages = await pagesOf(db, blueprint);
    expect(pages.find((p) => p.cluster_id === hubA)?.title).not.toBe('My raised beds');
  });

  it('repairs a fenced reply; a malformed or cut-off one fails cleanly, releasing the credits', async () => {
    const url = `/api/v1/site-builder/blueprints/${blueprint}/generate_structure/`;
    await scriptFaults(key, { script: ['fenced'] });
    const repaired = await waitForJob(
      owner,
      (await call('POST', url, { token: owner.token, body: {} })).body.data.task_id,
    );
    expect(repaired).toMatchObject({ status: 'succeeded', credits_charged: 1 });
    for (const fault of ['malformed', 'truncated', 'wrong_shape']) {
      const before = await balance(owner);
      const pagesBefore = await pagesOf(db, blueprint);
      await scriptFaults(key, { script: [fault] });
      const job = await waitForJob(
        owner,
        (await call('POST', url, { token: owner.token, body: {} })).body.data.task_id,
      );
      expect(job.status, fault).toBe('failed');
      expect(await balance(owner)).toEqual(before);
      expect(await pagesOf(db, blueprint)).toEqual(pagesBefore);
      expect((await blueprintOf(db, blueprint))!.status).toBe('ready');
    }
  });

  it('refuses a blueprint without clusters (400, nothing held)', async () => {
    const empty = await createBlueprint(owner, siteId);
    const before = await balance(owner);
    const res = await call('POST', `/api/v1/site-builder/blueprints/${empty}/generate_structure/`, {
      token: owner.token,
      body: {},
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('no_clusters');
    expect(await balance(owner)).toEqual(before);
  });

  it("writes a page's blocks: valid ones kept, hostile HTML stripped, version bumped, 1 credit", async () => {
    const page = (await pagesOf(db, blueprint)).find((p) => p.cluster_id === hubB)!;
    const before = await balance(owner);
    await scriptRaw(
      key,
      JSON.stringify({
        blocks: [
          { type: 'hero', heading: 'Compost at home', cta_label: 'Go', cta_href: 'javascript:alert(1)' },
          {
            type: 'rich_text',
            html: '<p onclick="x()">Start small.</p><script>alert(1)</script><img src="x" onerror="alert(1)">',
          },
          { type: 'carousel', slides: [] },
          { type: 'faq', items: [{ question: 'How long?', answer: 'About eight weeks.' }] },
        ],
      }),
    );
    const start = await call('POST', `/api/v1/site-builder/pages/${page.id}/generate_content/`, {
      token: owner.token,
      body: {},
    });
    expect(start.status, JSON.stringify(start.body)).toBe(202);
    const job = await waitForJob(owner, start.body.data.task_id);
    expect(job).toMatchObject({ status: 'succeeded', credits_charged: 1 });
    expect(job.result).toMatchObject({ blocks: 3, blocks_dropped: 1 });
    const after = (await pagesOf(db, blueprint)).find((p) => p.id === page.id)!;
    expect(after.status).toBe('ready');
    expect(after.version).toBe(page.version + 1);
    const blocks = JSON.parse(after.blocks);
    expect(pageBlocks.safeParse(blocks).success).toBe(true);
    expect(blocks.map((b: { type: string }) => b.type)).toEqual(['hero', 'rich_text', 'faq']);
    expect(blocks[0]).toMatchObject({ cta_href: '', cta_label: '' });
    expect(after.blocks).not.toMatch(/script|onclick|onerror|javascript/);
    expect(await balance(owner)).toMatchObject({ balance: before.balance - 1, reserved: 0 });
  });

  it('writes realistic blocks with the dev model; a malformed reply puts the page back uncharged', async () => {
    const page = (await pagesOf(db, blueprint)).find((p) => p.cluster_id === hubA)!;
    const ok = await call('POST', `/api/v1/site-builder/pages/${page.id}/generate_content/`, {
      token: owner.token,
      body: {},
    });
    expect((await waitForJob(owner, ok.body.data.task_id)).status).toBe('succeeded');
    const written = (await pagesOf(db, blueprint)).find((p) => p.id === page.id)!;
    const blocks = pageBlocks.parse(JSON.parse(written.blocks));
    expect(blocks.map((b) => b.type)).toEqual(expect.arrayContaining(['hero', 'rich_text', 'post_list', 'faq']));
    expect(blocks.find((b) => b.type === 'post_list')).toMatchObject({ source: 'cluster', cluster_id: hubA });

    const before = await balance(owner);
    await scriptFaults(key, { script: ['malformed'] });
    const bad = await call('POST', `/api/v1/site-builder/pages/${page.id}/generate_content/`, {
      token: owner.token,
      body: {},
    });
    expect((await waitForJob(owner, bad.body.data.task_id)).status).toBe('failed');
    const back = (await pagesOf(db, blueprint)).find((p) => p.id === page.id)!;
    expect(back).toMatchObject({ status: 'ready', blocks: written.blocks, version: written.version });
    expect(await balance(owner)).toEqual(before);
  });

  it('an editor still holding the version from before the AI wrote gets 409, not an overwrite', async () => {
    const page = (await pagesOf(db, blueprint)).find((p) => p.type === 'contact') ?? (await pagesOf(db, blueprint))[1]!;
    const held = (await call('GET', `/api/v1/site-builder/pages/${page.id}/`, { token: owner.token })).body.data;
    const start = await call('POST', `/api/v1/site-builder/pages/${page.id}/generate_content/`, {
      token: owner.token,
      body: {},
    });
    expect((await waitForJob(owner, start.body.data.task_id)).status).toBe('succeeded');
    const stale = await call('PATCH', `/api/v1/site-builder/pages/${page.id}/`, {
      token: owner.token,
      body: { version: held.version, blocks: [] },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('page_changed');
    const now = (await call('GET', `/api/v1/site-builder/pages/${page.id}/`, { token: owner.token })).body.data;
    expect(now.status).toBe('ready');
    expect(now.blocks.length).toBeGreaterThan(0);
  });

  it('tenancy: another account gets 404, a viewer 403 on writes; no credits: 402', async () => {
    const page = (await pagesOf(db, blueprint))[0]!;
    const stranger = await signup('siteai-other');
    const viewer = await addMember(owner, 'viewer', [siteId]);
    const routes = [
      ['GET', `/api/v1/site-builder/blueprints/${blueprint}/generate_structure/quote/`],
      ['POST', `/api/v1/site-builder/blueprints/${blueprint}/generate_structure/`],
      ['POST', `/api/v1/site-builder/pages/${page.id}/generate_content/`],
    ] as const;
    for (const [method, path] of routes) {
      const body = method === 'POST' ? {} : undefined;
      expect((await call(method, path, { token: stranger.token, body })).status, path).toBe(404);
      expect((await call(method, path, { token: viewer.token, body })).status, path).toBe(method === 'GET' ? 200 : 403);
    }
    await db.prepare('UPDATE credit_balances SET balance = 0 WHERE account_id = ?').bind(owner.accountId).run();
    const poor = await call('POST', routes[1][1], { token: owner.token, body: {} });
    expect(poor.status).toBe(402);
    expect((await blueprintOf(db, blueprint))!.status).toBe('ready');
  });
});
