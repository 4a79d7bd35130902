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
import { runStep, WORKLOADS, type Workload } from './optimizer-workload';

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
