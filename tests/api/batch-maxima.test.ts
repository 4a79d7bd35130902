import { env } from 'cloudflare:workers';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  BatchStatementError,
  D1_MAX_PARAMS,
  runBatch,
  sqlList,
  toQuery,
  withinParamLimit,
} from '../../worker/db/batch';
import { shardDb } from '../../worker/db/shards';
import type { Env } from '../../worker/env';
import { call, createSite, signup, type Session } from '../helpers/api';
import { devModelUrl, waitForJob } from '../helpers/jobs';

/**
 * The seed's largest selections through the API and the real SiteCoordinator (the dev model
 * answers): every statement that writes rows from a list stays under D1's 100 bound parameters,
 * inside the job's one batch. Content (50 tasks → 50 articles) is in batch-sizes.test.ts.
 */

type Db = D1Database;
const timings: Record<string, number> = {};

async function placeFor(label: string, maxConcurrency = 8) {
  const owner = await signup(label);
  const siteId = (await createSite(owner, `${label} site`)).id;
  const sectorId = (
    await call('POST', '/api/v1/auth/sectors/', { token: owner.token, body: { site_id: siteId, name: 'Garden' } })
  ).body.data.id as number;
  const shard = (await env.DB_CONTROL.prepare('SELECT shard FROM shard_directory WHERE account_id = ?')
    .bind(owner.accountId)
    .first<{ shard: string }>())!.shard;
  const db = (env as unknown as Record<string, Db>)[shard]!;
  await db.prepare('UPDATE credit_balances SET balance = 5000 WHERE account_id = ?').bind(owner.accountId).run();
  // The account's own key (the dev model) with a budget for 100+ calls a minute: the platform's
  // default budget (120 a minute, 8 at once to start) would only make these tests slow. Images
  // run 2 at once: the dev model draws each PNG on one thread (~0.3 s), and more at once would
  // only wait past the tests' 3 s call timeout.
  const settings = await call('PUT', '/api/v1/system/settings/integrations/openai/', {
    token: owner.token,
    body: {
      api_key: `sk-batch-${label}-0123456789`,
      base_url: `${devModelUrl()}/v1`,
      max_concurrency: maxConcurrency,
      requests_per_minute: 10_000,
    },
  });
  expect(settings.status, JSON.stringify(settings.body)).toBe(200);
  return { owner, siteId, sectorId, db };
}

const count = async (db: Db, query: string, ...binds: unknown[]) =>
  (await db
    .prepare(query)
    .bind(...binds)
    .first<{ n: number }>())!.n;

async function runJob(owner: Session, path: string, body: unknown, label: string, timeoutMs = 150_000) {
  const started = Date.now();
  const start = await call('POST', path, { token: owner.token, body });
  expect(start.status, JSON.stringify(start.body)).toBe(202);
  const job = await waitForJob(owner, start.body.data.task_id, timeoutMs);
  timings[label] = Date.now() - started;
  console.log(`[batch-maxima] ${label}: ${timings[label]} ms`);
  expect(job.status, JSON.stringify(job)).toBe('succeeded');
  return job;
}

async function bulk(owner: Session, path: string, ids: number[], label: string) {
  const started = Date.now();
  const res = await call('POST', path, { token: owner.token, body: { ids } });
  timings[label] = Date.now() - started;
  console.log(`[batch-maxima] ${label}: ${timings[label]} ms`);
  return res;
}

const TOPICS = [
  'raised bed',
  'compost',
  'tomato',
  'potato',
  'herb garden',
  'lawn',
  'rose',
  'orchid',
  'succulent',
  'cactus',
  'fruit tree',
  'apple tree',
  'blueberry',
  'strawberry',
  'pepper',
  'cucumber',
  'garlic',
  'onion',
  'lettuce',
  'spinach',
  'hydrangea',
  'lavender',
  'basil',
  'mint',
  'greenhouse',
  'drip irrigation',
  'mulch',
  'worm farm',
  'bird feeder',
  'pond',
  'hedge',
  'bonsai',
  'fern',
  'tulip',
  'dahlia',
  'peony',
  'clematis',
  'ivy',
  'bamboo',
  'moss',
];
const ANGLES = [
  'care',
  'guide',
  'tips',
  'for beginners',
  'in pots',
  'in winter',
  'in summer',
  'pests',
  'diseases',
  'fertilizer',
  'watering',
  'pruning',
  'soil',
  'ideas',
  'varieties',
  'problems',
  'how to plant',
  'when to plant',
  'companion plants',
  'propagation',
  'indoors',
  'shade',
  'sun',
  'cost',
  'tools',
];

describe('the seed maxima through the real coordinator', () => {
  it('1,000 keywords clustered in one auto_cluster job, then bulk-deleted', async () => {
    const { owner, siteId, sectorId, db } = await placeFor('maxima-cluster');
    const words = TOPICS.flatMap((t) =>
      ANGLES.map((a) => (a.startsWith('how') || a.startsWith('when') ? `${a} ${t}` : `${t} ${a}`)),
    );
    expect(words.length).toBe(1000);
    const csv = 'Keyword,Volume,KD\n' + words.map((w, i) => `${w},${(i % 97) * 10 + 10},${i % 90}`).join('\n');
    const imported = await call('POST', `/api/v1/planner/keywords/import/?site_id=${siteId}&sector_id=${sectorId}`, {
      rawBody: csv,
      headers: { 'content-type': 'text/csv' },
      token: owner.token,
    });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    const ids = (
      await db
        .prepare('SELECT id FROM keywords WHERE account_id = ? ORDER BY id')
        .bind(owner.accountId)
        .all<{ id: number }>()
    ).results.map((r) => r.id);
    expect(ids.length).toBe(1000);

    const job = await runJob(owner, '/api/v1/planner/keywords/auto_cluster/', { ids }, 'auto_cluster 1,000 keywords');
    expect(job).toMatchObject({ batches_total: 50, credits_charged: 34 });
    const { clusters, keywords_clustered, keywords_unassigned } = job.result;
    expect(keywords_clustered + keywords_unassigned).toBe(1000);
    expect(keywords_clustered).toBeGreaterThan(900);
    expect(clusters).toBeGreaterThan(20);
    const a = owner.accountId;
    expect(await count(db, 'SELECT count(*) AS n FROM clusters WHERE account_id = ?', a)).toBe(clusters);
    expect(
      await count(
        db,
        "SELECT count(*) AS n FROM keywords WHERE account_id = ? AND cluster_id IS NOT NULL AND status = 'active'",
        a,
      ),
    ).toBe(keywords_clustered);
    expect(await count(db, 'SELECT count(*) AS n FROM keyword_clusters WHERE account_id = ?', a)).toBe(
      keywords_clustered,
    );
    expect(await count(db, 'SELECT coalesce(sum(keywords_count), 0) AS n FROM clusters WHERE account_id = ?', a)).toBe(
      keywords_clustered,
    );

    const deleted = await bulk(owner, '/api/v1/planner/keywords/bulk_delete/', ids, 'bulk_delete 1,000 keywords');
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(200);
    expect(deleted.body.data.deleted).toBe(1000);
    expect(await count(db, 'SELECT count(*) AS n FROM keywords WHERE account_id = ?', a)).toBe(0);
    expect(await count(db, 'SELECT count(*) AS n FROM keyword_clusters WHERE account_id = ?', a)).toBe(0);
    expect(await count(db, 'SELECT coalesce(sum(keywords_count), 0) AS n FROM clusters WHERE account_id = ?', a)).toBe(
      0,
    );
  }, 240_000);

  it('7 ideas × 20 clusters in one job, 140 tasks from them, then both bulk-deleted', async () => {
    const { owner, siteId, sectorId, db } = await placeFor('maxima-ideas');
    const a = owner.accountId;
    const clusterIds: number[] = [];
    for (const topic of TOPICS.slice(0, 20)) {
      const res = await call('POST', '/api/v1/planner/clusters/', {
        token: owner.token,
        body: { site_id: siteId, sector_id: sectorId, name: `${topic} care` },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      clusterIds.push(res.body.data.id);
    }
    const job = await runJob(
      owner,
      '/api/v1/planner/clusters/auto_generate_ideas/',
      { ids: clusterIds, ideas_per_cluster: 7 },
      'generate_ideas 20 clusters × 7',
    );
    expect(job).toMatchObject({ batches_total: 20, credits_charged: 140 });
    expect(job.result.ideas).toBe(140);
    const ideaIds = (
      await db
        .prepare("SELECT id FROM content_ideas WHERE account_id = ? AND status = 'new' ORDER BY id")
        .bind(a)
        .all<{ id: number }>()
    ).results.map((r) => r.id);
    expect(ideaIds.length).toBe(140);
    expect(await count(db, 'SELECT count(DISTINCT cluster_id) AS n FROM content_ideas WHERE account_id = ?', a)).toBe(
      20,
    );

    const started = Date.now();
    const tasks = await call('POST', '/api/v1/planner/ideas/create_tasks/', {
      token: owner.token,
      body: { ids: ideaIds },
    });
    console.log(`[batch-maxima] create_tasks from 140 ideas: ${Date.now() - started} ms`);
    expect(tasks.status, JSON.stringify(tasks.body)).toBe(201);
    expect(tasks.body.data).toMatchObject({ created: 140, already_had_tasks: 0 });
    expect(await count(db, 'SELECT count(*) AS n FROM tasks WHERE account_id = ? AND idea_id IS NOT NULL', a)).toBe(
      140,
    );
    expect(
      await count(db, "SELECT count(*) AS n FROM content_ideas WHERE account_id = ? AND status = 'scheduled'", a),
    ).toBe(140);
    const taskIds = (
      await db.prepare('SELECT id FROM tasks WHERE account_id = ? ORDER BY id').bind(a).all<{ id: number }>()
    ).results.map((r) => r.id);

    const deletedTasks = await bulk(owner, '/api/v1/writer/tasks/bulk_delete/', taskIds, 'bulk_delete 140 tasks');
    expect(deletedTasks.status, JSON.stringify(deletedTasks.body)).toBe(200);
    expect(deletedTasks.body.data.deleted).toBe(140);
    expect(await count(db, 'SELECT count(*) AS n FROM tasks WHERE account_id = ?', a)).toBe(0);
    const deletedIdeas = await bulk(owner, '/api/v1/planner/ideas/bulk_delete/', ideaIds, 'bulk_delete 140 ideas');
    expect(deletedIdeas.status, JSON.stringify(deletedIdeas.body)).toBe(200);
    expect(deletedIdeas.body.data.deleted).toBe(140);
    expect(await count(db, 'SELECT count(*) AS n FROM content_ideas WHERE account_id = ?', a)).toBe(0);
  }, 240_000);

  it('ideas for 100 clusters (the most one request takes) in one job, and 300 tasks from them', async () => {
    // 100 cluster ids + the account and the site once bound 102 parameters in the job's first read.
    const { owner, siteId, sectorId, db } = await placeFor('maxima-ideas-100');
    const a = owner.accountId;
    const clusterIds: number[] = [];
    for (const topic of TOPICS) {
      for (const angle of ANGLES.slice(0, 3)) {
        if (clusterIds.length === 100) break;
        const res = await call('POST', '/api/v1/planner/clusters/', {
          token: owner.token,
          body: { site_id: siteId, sector_id: sectorId, name: `${topic} ${angle}` },
        });
        expect(res.status, JSON.stringify(res.body)).toBe(201);
        clusterIds.push(res.body.data.id);
      }
    }
    expect(clusterIds.length).toBe(100);
    const job = await runJob(
      owner,
      '/api/v1/planner/clusters/auto_generate_ideas/',
      { ids: clusterIds, ideas_per_cluster: 3 },
      'generate_ideas 100 clusters × 3',
    );
    expect(job).toMatchObject({ batches_total: 100, credits_charged: 300 });
    expect(await count(db, 'SELECT count(*) AS n FROM content_ideas WHERE account_id = ?', a)).toBe(300);
    const ideaIds = (
      await db.prepare('SELECT id FROM content_ideas WHERE account_id = ? ORDER BY id').bind(a).all<{ id: number }>()
    ).results.map((r) => r.id);
    const started = Date.now();
    const tasks = await call('POST', '/api/v1/writer/tasks/bulk_create_from_ideas/', {
      token: owner.token,
      body: { ids: ideaIds },
    });
    console.log(`[batch-maxima] tasks from 300 ideas: ${Date.now() - started} ms`);
    expect(tasks.status, JSON.stringify(tasks.body)).toBe(201);
    expect(tasks.body.data).toMatchObject({ created: 300, already_had_tasks: 0 });
    expect(
      await count(db, "SELECT count(*) AS n FROM content_ideas WHERE account_id = ? AND status = 'scheduled'", a),
    ).toBe(300);
  }, 240_000);

  it('image prompts for 25 articles in one job, 100 images in one job, and the prompts replaced', async () => {
    const { owner, siteId, sectorId, db } = await placeFor('maxima-images', 2);
    const a = owner.accountId;
    const contentIds: number[] = [];
    for (let i = 0; i < 25; i++) {
      const res = await call('POST', '/api/v1/writer/content/', {
        token: owner.token,
        body: { site_id: siteId, sector_id: sectorId, title: `${TOPICS[i]} guide` },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      contentIds.push(res.body.data.id);
    }
    // Eight sections an article: the prompts job asks for a featured image and 4 in-article ones.
    const html = (topic: string) =>
      ANGLES.slice(0, 8)
        .map(
          (angle) =>
            `<h2>${topic} ${angle}</h2>` +
            `<p>Everything about ${topic} ${angle}, step by step, for a garden of any size.</p>`,
        )
        .join('\n');
    for (const [i, id] of contentIds.entries()) {
      await db
        .prepare('UPDATE content SET html_content = ?, word_count = 120 WHERE account_id = ? AND id = ?')
        .bind(html(TOPICS[i]!), a, id)
        .run();
    }

    const prompts = await runJob(
      owner,
      '/api/v1/writer/images/generate_prompts/',
      { ids: contentIds },
      'generate_image_prompts 25 articles',
    );
    expect(prompts).toMatchObject({ batches_total: 25, credits_charged: 0 });
    expect(prompts.result).toMatchObject({ articles: 25, prompts: 125 });
    expect(await count(db, "SELECT count(*) AS n FROM images WHERE account_id = ? AND status = 'pending'", a)).toBe(
      125,
    );
    expect(
      await count(db, "SELECT count(*) AS n FROM images WHERE account_id = ? AND image_type = 'featured'", a),
    ).toBe(25);
    expect(await count(db, 'SELECT count(DISTINCT content_id) AS n FROM images WHERE account_id = ?', a)).toBe(25);

    const imageIds = (
      await db.prepare('SELECT id FROM images WHERE account_id = ? ORDER BY id LIMIT 100').bind(a).all<{ id: number }>()
    ).results.map((r) => r.id);
    expect(imageIds.length).toBe(100);
    const images = await runJob(
      owner,
      '/api/v1/writer/images/generate/',
      { ids: imageIds },
      'generate_images 100 images',
    );
    expect(images).toMatchObject({ batches_total: 100, credits_charged: 100 });
    expect(images.result.images).toBe(100);
    expect(
      await count(
        db,
        "SELECT count(*) AS n FROM images WHERE account_id = ? AND status = 'generated' AND r2_key IS NOT NULL",
        a,
      ),
    ).toBe(100);
    expect(await count(db, "SELECT count(*) AS n FROM images WHERE account_id = ? AND status = 'pending'", a)).toBe(25);

    // New prompts for all 25 articles: the 25 never generated go (one DELETE over 25 articles),
    // 125 new ones come in; the 100 generated images stay.
    const again = await runJob(
      owner,
      '/api/v1/writer/images/generate_prompts/',
      { ids: contentIds },
      'generate_image_prompts 25 articles again',
    );
    expect(again.result).toMatchObject({ articles: 25, prompts: 125 });
    expect(await count(db, "SELECT count(*) AS n FROM images WHERE account_id = ? AND status = 'generated'", a)).toBe(
      100,
    );
    expect(await count(db, "SELECT count(*) AS n FROM images WHERE account_id = ? AND status = 'pending'", a)).toBe(
      125,
    );
    expect(
      await count(
        db,
        'SELECT count(*) AS n FROM images WHERE account_id = ? AND id IN (SELECT value FROM json_each(?))',
        a,
        JSON.stringify(imageIds),
      ),
    ).toBe(100);
  }, 300_000);
});

describe('list writes stay under D1 100 parameters (withinParamLimit)', () => {
  it('sizes each statement from what its rows bind, also when later rows bind more than the first ones', () => {
    // 30 rows binding 1 value, then rows binding 12: a part sized from the first rows alone
    // (e.g. 99 rows a statement) would bind several hundred parameters.
    const rows = [
      ...Array.from({ length: 30 }, () => [1]),
      ...Array.from({ length: 40 }, (_, i) => Array.from({ length: 12 }, (_, k) => i * 100 + k)),
    ];
    const statements = withinParamLimit(
      rows,
      (part) =>
        sql`INSERT INTO t VALUES ${sql.join(
          part.map((r) => sql`(${sqlList(r)})`),
          sql`, `,
        )} -- ${'fixed'} ${'fixed'}`,
    );
    const bound = statements.map((s) => toQuery(s).params);
    for (const params of bound) expect(params.length).toBeLessThanOrEqual(D1_MAX_PARAMS);
    // Every row once, in order.
    expect(bound.flatMap((params) => params.filter((p) => p !== 'fixed'))).toEqual(rows.flat());
    // And no more statements than needed: 30 + 2 fixed fits in one, 40 × 12 needs at least 5.
    expect(statements.length).toBeLessThanOrEqual(7);
  });

  it('refuses a single row that binds more than D1 allows', () => {
    expect(() =>
      withinParamLimit([Array.from({ length: 101 }, (_, i) => i)], (part) => sql`SELECT ${sqlList(part[0]!)}`),
    ).toThrow(/101 parameters/);
  });
});

describe('a failing batch names its statement, never its bound values (runBatch)', () => {
  const SECRET = 'sk-very-secret-value-4242';
  const db = () => shardDb(env as unknown as Env, 'DB_SHARD_0');
  afterEach(() => vi.restoreAllMocks());

  async function failure(statements: Parameters<typeof runBatch>[1]) {
    const logged: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
    const err = await runBatch(db(), statements).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BatchStatementError);
    return { err: err as BatchStatementError, logged };
  }

  it('a statement SQLite cannot run: its index and SQL in the error and the log, nothing written', async () => {
    await db()
      .$client.prepare('CREATE TABLE IF NOT EXISTS batch_probe (id INTEGER PRIMARY KEY, v TEXT NOT NULL)')
      .run();
    const { err, logged } = await failure([
      sql`INSERT INTO batch_probe (v) VALUES (${SECRET})`,
      sql`SELECT ${SECRET}`,
      sql`UPDATE batch_probe SET no_such_column = ${SECRET} WHERE v = ${SECRET}`,
      sql`SELECT 1`,
    ]);
    expect(err.statements).toEqual([2]);
    expect(err.message).toMatch(/statement 2 of 4 \(UPDATE batch_probe SET no_such_column = \? WHERE v = \?\)/);
    expect(err.message).toMatch(/no such column: no_such_column/);
    expect(err.message).not.toContain(SECRET);
    expect(logged.join('\n')).toMatch(/"statements":\[2\],"of":4/);
    expect(logged.join('\n')).toContain('UPDATE batch_probe SET no_such_column = ? WHERE v = ?');
    expect(logged.join('\n')).not.toContain(SECRET);
    // The batch is one transaction: the INSERT before it did not land.
    expect(await count(db().$client, 'SELECT count(*) AS n FROM batch_probe WHERE v = ?', SECRET)).toBe(0);
  });

  it('a constraint that fails at run time: the statement writing that table', async () => {
    await db()
      .$client.prepare('CREATE TABLE IF NOT EXISTS batch_probe (id INTEGER PRIMARY KEY, v TEXT NOT NULL)')
      .run();
    await db().$client.prepare('CREATE TABLE IF NOT EXISTS batch_other (id INTEGER PRIMARY KEY, v TEXT)').run();
    const { err, logged } = await failure([
      sql`INSERT INTO batch_other (v) VALUES (${SECRET})`,
      sql`INSERT INTO batch_probe (v) VALUES (${SECRET}), (${null})`,
    ]);
    expect(err.statements).toEqual([1]);
    expect(err.message).toMatch(
      // One pattern in two literals, only to keep the line short.
      new RegExp(
        /statement 1 of 2 \(INSERT INTO batch_probe \(v\) VALUES \(\?\), \(\?\)\)/.source +
          /.*NOT NULL constraint failed: batch_probe\.v/.source,
      ),
    );
    expect(err.message).not.toContain(SECRET);
    expect(logged.join('\n')).not.toContain(SECRET);
    expect(await count(db().$client, 'SELECT count(*) AS n FROM batch_other WHERE v = ?', SECRET)).toBe(0);
  });

  it('a statement over 100 parameters is named before anything is sent', async () => {
    await db().$client.prepare('CREATE TABLE IF NOT EXISTS batch_other (id INTEGER PRIMARY KEY, v TEXT)').run();
    const { err, logged } = await failure([
      sql`INSERT INTO batch_other (v) VALUES (${SECRET})`,
      sql`SELECT ${sqlList(Array.from({ length: 101 }, () => SECRET))}`,
    ]);
    expect(err.statements).toEqual([1]);
    expect(err.message).toMatch(/statement 1 of 2 \(SELECT \?, \?.*binds 101 parameters; D1 allows 100/);
    expect(err.message).not.toContain(SECRET);
    expect(logged.join('\n')).not.toContain(SECRET);
    expect(await count(db().$client, 'SELECT count(*) AS n FROM batch_other WHERE v = ?', SECRET)).toBe(0);
  });
});
