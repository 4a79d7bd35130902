import { Hono } from 'hono';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { id } from '../../core/validation/common';
import { runBatch } from '../db/batch';
import type { AppEnv } from '../env';
import { NotFound } from '../http/errors';
import { ok } from '../http/respond';
import { body, query } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { tenantContext } from '../middleware/tenant';
import { requirePlacement } from '../planner/scope';
import { requireSite } from '../sites/access';
import { runStep, WORKLOADS, type Workload } from './optimizer-workload';
import { insertSiteFixture } from './site-fixture';
import { dispatchDue } from '../automation/dispatch';
import { countingQueue, rawTaskInserts, resetDueRules } from './automation-fixture';

const rawPuts = z.object({
  files: z.number().int().min(1).max(5000),
  bytes: z.number().int().min(1).max(200_000_000),
});

const siteFixture = z.object({
  site_id: id,
  sector_id: id,
  articles: z.number().int().min(1).max(2000),
  drafts: z.number().int().min(0).max(100).default(0),
});

const rawRows = z.object({
  site_id: id,
  sector_id: id,
  rows: z.array(z.object({ k: z.string(), n: z.string(), v: z.number(), d: z.number(), i: z.string() })).max(20_000),
});

/** Consecutive slices of `size` items (kept here: the bench route depends on no engine module). */
function chunk<T>(items: readonly T[], size: number): T[][] {
  const parts: T[][] = [];
  for (let i = 0; i < items.length; i += size) parts.push(items.slice(i, i + size));
  return parts;
}

const automationFixture = z.object({
  site_id: id,
  rules: z.number().int().min(1).max(2000),
  due_at: z.number().int().positive(),
});
const automationTick = z.object({ scheduled_time: z.number().int().positive() });
const rawTasks = z.object({ per_shard: z.number().int().min(1).max(2000), tag: z.string().max(40) });

const steps = z.object({ k: z.coerce.number().int().min(1).max(200).default(20) });

/** Counts steps across requests, so every warm step edits a paragraph the memo has not seen yet. */
let stepsRun = 0;

const COLUMNS =
  'account_id, site_id, sector_id, keyword, normalized, volume, difficulty, intent, status, created_at, updated_at';

/**
 * Baselines for `npm run bench`, mounted only when BENCH_ROUTES is "true" (scripts/bench.sh sets
 * it; dev and production never do): the raw batched insert the CSV import is compared against, and
 * the Optimizer's and the Linker's workloads (bench/scenarios/optimizer.mjs).
 */
export const benchRoutes = new Hono<AppEnv>()
  .use('*', async (c, next) => {
    if (c.env.BENCH_ROUTES !== 'true') throw new NotFound('Route');
    await next();
  })
  .use('*', authenticate, tenantContext)
  /** The same rows as an import, inserted as plainly as D1 allows: multi-row INSERTs in one batch. */
  .post('/raw_keyword_insert', body(rawRows), async (c) => {
    const tenant = c.get('tenant');
    const input = c.req.valid('json');
    await requirePlacement(tenant, input.site_id, input.sector_id);
    const now = Date.now();
    const [account, site, sector] = [tenant.account.id, input.site_id, input.sector_id];
    const row = (r: (typeof input.rows)[number]) =>
      sql`(${account}, ${site}, ${sector}, ${r.k}, ${r.n}, ${r.v}, ${r.d}, ${r.i}, 'pending', ${now}, ${now})`;
    // 10 bound values a row: 9 rows per statement stay under D1's 100 bound parameters.
    await runBatch(
      tenant.db,
      chunk(input.rows, 9).map(
        (part) => sql`INSERT OR IGNORE INTO keywords (${sql.raw(COLUMNS)}) VALUES ${sql.join(part.map(row), sql`, `)}`,
      ),
    );
    return ok(c, { inserted: input.rows.length });
  })
  /**
   * The deploy's baseline: `files` objects totalling `bytes` put into R2 as plainly as the binding
   * allows (50 in flight, as the deploy job), under a throwaway prefix deleted afterwards.
   */
  .post('/raw_r2_put', body(rawPuts), async (c) => {
    const { files, bytes } = c.req.valid('json');
    const prefix = `bench/raw-${crypto.randomUUID()}/`;
    const size = Math.max(1, Math.floor(bytes / files));
    const data = new Uint8Array(size).fill(120);
    const keys = Array.from({ length: files }, (_, i) => `${prefix}${i}`);
    // workerd's clock stands still during synchronous work but moves across I/O: this is the puts' time.
    const started = Date.now();
    for (const part of chunk(keys, 50)) await Promise.all(part.map((k) => c.env.MEDIA.put(k, data)));
    const putMs = Date.now() - started;
    for (const part of chunk(keys, 1000)) await c.env.MEDIA.delete(part);
    return ok(c, { files, bytes: size * files, put_ms: putMs });
  })
  /** A blueprint and `articles` articles live on IGNY8 (+ `drafts` ready to publish): the deploy bench's site. */
  .post('/site_fixture', body(siteFixture), async (c) => {
    const tenant = c.get('tenant');
    const input = c.req.valid('json');
    await requirePlacement(tenant, input.site_id, input.sector_id);
    const made = await insertSiteFixture(tenant.db, {
      accountId: tenant.account.id,
      siteId: input.site_id,
      sectorId: input.sector_id,
      articles: input.articles,
      drafts: input.drafts,
    });
    return ok(c, { blueprint_id: made.blueprintId });
  })
  /** The scheduler bench: `rules` schedule rules of the site due at `due_at`, the last round's starts removed. */
  .post('/automation_fixture', body(automationFixture), async (c) => {
    const tenant = c.get('tenant');
    const input = c.req.valid('json');
    await requireSite(tenant, input.site_id, 'write');
    await resetDueRules(tenant.db, tenant.account.id, input.site_id, input.rules, input.due_at);
    return ok(c, { shard: tenant.shard, rules: input.rules });
  })
  /** One cron tick's dispatch over every shard (the queue consumer's work), its run messages counted, not sent. */
  .post('/automation_tick', body(automationTick), async (c) => {
    const { counts, queue } = countingQueue();
    const started = Date.now();
    const report = await dispatchDue({ ...c.env, EVENTS: queue }, c.req.valid('json').scheduled_time);
    return ok(c, { ...report, send_calls: counts.calls, sent: counts.messages, dispatch_ms: Date.now() - started });
  })
  /** The scheduler's baseline: as many plain INSERTs of scheduled_tasks rows, on the four shards in parallel. */
  .post('/raw_task_insert', body(rawTasks), async (c) => {
    const tenant = c.get('tenant');
    const input = c.req.valid('json');
    const started = Date.now();
    await rawTaskInserts(c.env, tenant.account.id, input.per_shard, input.tag);
    return ok(c, { inserted: input.per_shard * 4, insert_ms: Date.now() - started });
  })
  /**
   * `k` steps of one Optimizer/Linker workload. Inside workerd the clock does not advance during
   * synchronous work (a Spectre mitigation), so the bench times these requests from outside: per
   * step = (median latency of a workload − median latency of `bare`, which handles the request
   * the same way and calls nothing) / k.
   */
  .get('/optimizer/:workload', query(steps), async (c) => {
    const workload = c.req.param('workload') as Workload;
    if (!WORKLOADS.includes(workload)) throw new NotFound('Workload');
    const { k } = c.req.valid('query');
    let checksum = 0;
    for (let i = 0; i < k; i++) checksum += runStep(workload, stepsRun++);
    return ok(c, { workload, k, checksum });
  });
