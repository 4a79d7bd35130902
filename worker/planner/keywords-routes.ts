import { Hono } from 'hono';
import { and, eq, gte, inArray, isNull, lte, sql } from 'drizzle-orm';
import { clusters, keywordClusters, keywords } from '../../core/schema/shard';
import { normalizeKeyword } from '../../core/domain/normalize';
import {
  bulkKeywordStatusBody,
  createKeywordBody,
  idsBody,
  keywordListQuery,
  updateKeywordBody,
  type KeywordListQuery,
} from '../../core/validation/planner';
import { chunk } from '../../durable-objects/site-coordinator/ai-function';
import { startJob } from '../jobs/start-job';
import { clusterLimitReached, limitOf, planOf } from '../catalog/plan';
import { runBatch } from '../db/batch';
import type { AppEnv } from '../env';
import { Conflict, LimitReached } from '../http/errors';
import { orderingOf, pageOf } from '../http/list';
import { created, ok, page } from '../http/respond';
import { body, describe, idParam, query } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { tenantContext, type Tenant } from '../middleware/tenant';
import { recomputeClusterMetrics } from './cluster-metrics';
import { notifySite } from './notify';
import { likePattern, requirePlacement, requireScopedRow, requireSelection, scopedWhere } from './scope';
import { csvRoutes } from './csv-routes';

const ORDERABLE = {
  keyword: keywords.keyword,
  volume: keywords.volume,
  difficulty: keywords.difficulty,
  intent: keywords.intent,
  status: keywords.status,
  created_at: keywords.created_at,
  id: keywords.id,
};

/** Server-side filters of the keywords table (also used by the CSV export). */
export async function keywordFilter(tenant: Tenant, q: KeywordListQuery) {
  return and(
    await scopedWhere(tenant, keywords, q),
    q.status ? eq(keywords.status, q.status) : undefined,
    q.intent ? eq(keywords.intent, q.intent) : undefined,
    q.cluster_id === 'none' ? isNull(keywords.cluster_id) : q.cluster_id ? eq(keywords.cluster_id, q.cluster_id) : undefined,
    q.volume_min !== undefined ? gte(keywords.volume, q.volume_min) : undefined,
    q.volume_max !== undefined ? lte(keywords.volume, q.volume_max) : undefined,
    q.difficulty_min !== undefined ? gte(keywords.difficulty, q.difficulty_min) : undefined,
    q.difficulty_max !== undefined ? lte(keywords.difficulty, q.difficulty_max) : undefined,
    q.search ? sql`${keywords.normalized} LIKE ${likePattern(normalizeKeyword(q.search))} ESCAPE '\\'` : undefined,
  );
}

const loadKeyword = (tenant: Tenant, id: number) => () =>
  tenant.db.select().from(keywords).where(and(eq(keywords.account_id, tenant.account.id), eq(keywords.id, id))).get();

/** A bulk selection of keywords (see requireSelection). */
export const requireKeywordSelection = (tenant: Tenant, ids: number[]) => requireSelection(tenant, keywords, ids, 'Keyword');

export const keywordRoutes = new Hono<AppEnv>();
keywordRoutes.use('*', authenticate, tenantContext);
keywordRoutes.route('/', csvRoutes);

keywordRoutes.get('/', describe('List keywords with filters, search and ordering', ['planner']), query(keywordListQuery), async (c) => {
  const tenant = c.get('tenant');
  const q = c.req.valid('query');
  const { rows, count } = await pageOf(tenant.db, keywords, await keywordFilter(tenant, q), orderingOf(q.ordering, ORDERABLE, '-volume', keywords.id), q);
  // Cluster names for the page's rows in one lookup, so a table never needs every cluster.
  const clusterIds = [...new Set(rows.map((r) => r.cluster_id).filter((id): id is number => id !== null))];
  const names = clusterIds.length
    ? await tenant.db.select({ id: clusters.id, name: clusters.name }).from(clusters).where(and(eq(clusters.account_id, tenant.account.id), inArray(clusters.id, clusterIds))).all()
    : [];
  return page(c, rows.map((r) => ({ ...r, cluster_name: names.find((n) => n.id === r.cluster_id)?.name ?? null })), count, q.page, q.page_size);
});

keywordRoutes.post('/', describe('Add a keyword to a sector', ['planner']), body(createKeywordBody), async (c) => {
  const tenant = c.get('tenant');
  const input = c.req.valid('json');
  await requirePlacement(tenant, input.site_id, input.sector_id);
  const plan = await planOf(tenant);
  const a = tenant.account.id;
  const normalized = normalizeKeyword(input.keyword);
  const now = Date.now();
  // The plan's limit is counted inside the INSERT (… WHERE count < limit): parallel creates can't
  // all pass a count read before any of them wrote.
  const inserted = await tenant.db.get<{ id: number } | undefined>(sql`
    INSERT INTO keywords (account_id, site_id, sector_id, keyword, normalized, volume, difficulty, intent, status, created_at, updated_at)
    SELECT ${a}, ${input.site_id}, ${input.sector_id}, ${input.keyword}, ${normalized}, ${input.volume}, ${input.difficulty}, ${input.intent}, ${input.status}, ${now}, ${now}
    WHERE (SELECT count(*) FROM keywords WHERE account_id = ${a}) < ${limitOf(plan.max_keywords)}
    ON CONFLICT (account_id, sector_id, normalized) DO NOTHING
    RETURNING id`);
  if (!inserted) {
    // Nothing written: either the keyword is there already (a duplicate adds nothing) or the plan is full.
    const existing = await tenant.db
      .select({ id: keywords.id })
      .from(keywords)
      .where(and(eq(keywords.account_id, a), eq(keywords.sector_id, input.sector_id), eq(keywords.normalized, normalized)))
      .get();
    if (existing) throw new Conflict(`"${input.keyword}" is already a keyword of this sector.`, 'duplicate', { keyword: ['Already in this sector.'] });
    throw new LimitReached(`Your plan (${plan.name}) allows ${plan.max_keywords} keywords. Delete some or upgrade the plan.`, 'keyword');
  }
  const row = await loadKeyword(tenant, inserted.id)();
  notifySite(c, tenant, input.site_id, ['keywords']);
  return created(c, row);
});

keywordRoutes.post('/bulk_delete', describe('Delete many keywords', ['planner']), body(idsBody), async (c) => {
  const tenant = c.get('tenant');
  const { siteId, rows } = await requireKeywordSelection(tenant, c.req.valid('json').ids);
  const a = tenant.account.id;
  const statements = chunk(rows.map((r) => r.id), 90).flatMap((ids) => [
    tenant.db.delete(keywordClusters).where(and(eq(keywordClusters.account_id, a), inArray(keywordClusters.keyword_id, ids))),
    tenant.db.delete(keywords).where(and(eq(keywords.account_id, a), inArray(keywords.id, ids))),
  ]);
  await runBatch(tenant.db, [...statements, recomputeClusterMetrics(a, rows.map((r) => r.sector_id))]);
  notifySite(c, tenant, siteId, ['keywords', 'clusters']);
  return ok(c, { deleted: rows.length });
});

keywordRoutes.post('/bulk_update_status', describe('Set the status of many keywords', ['planner']), body(bulkKeywordStatusBody), async (c) => {
  const tenant = c.get('tenant');
  const input = c.req.valid('json');
  const { siteId, rows } = await requireKeywordSelection(tenant, input.ids);
  await runBatch(
    tenant.db,
    chunk(rows.map((r) => r.id), 90).map((ids) =>
      tenant.db.update(keywords).set({ status: input.status }).where(and(eq(keywords.account_id, tenant.account.id), inArray(keywords.id, ids))),
    ),
  );
  notifySite(c, tenant, siteId, ['keywords']);
  return ok(c, { updated: rows.length, status: input.status });
});

keywordRoutes.post(
  '/auto_cluster',
  describe('AI: cluster the selected keywords (a job; progress is pushed live)', ['planner'], {
    description:
      'Selections larger than 20 keywords are split into several AI calls. Costs 1 credit per 30 keywords, charged only on success. Send Idempotency-Key to make retries safe. ' +
      "Refused (400 limit_reached) when the account is at its plan's cluster limit; a job creates clusters only up to that limit, and the keywords of the rest stay as they were.",
  }),
  body(idsBody),
  async (c) => {
    const tenant = c.get('tenant');
    const { siteId, rows } = await requireKeywordSelection(tenant, c.req.valid('json').ids);
    const plan = await planOf(tenant);
    const max_clusters = limitOf(plan.max_clusters);
    // Refused before anything is reserved when not one cluster could be created. A job that would
    // pass the limit still runs: its cluster INSERTs stop at max_clusters (see auto-cluster.ts).
    const total = await tenant.db.get<{ n: number }>(sql`SELECT count(*) AS n FROM clusters WHERE account_id = ${tenant.account.id}`);
    if ((total?.n ?? 0) >= max_clusters) throw clusterLimitReached(plan, 'ids');
    const job = await startJob(c, tenant, siteId, 'auto_cluster', { keyword_ids: rows.map((r) => r.id), max_clusters });
    return ok(c, { task_id: job.id, job }, 202, 'Clustering started.');
  },
);

keywordRoutes.get('/:id', describe('One keyword', ['planner']), async (c) => {
  const tenant = c.get('tenant');
  return ok(c, await requireScopedRow(tenant, 'Keyword', loadKeyword(tenant, idParam(c)), 'read'));
});

keywordRoutes.patch('/:id', describe('Change a keyword', ['planner']), body(updateKeywordBody), async (c) => {
  const tenant = c.get('tenant');
  const row = await requireScopedRow(tenant, 'Keyword', loadKeyword(tenant, idParam(c)), 'write');
  const input = c.req.valid('json');
  try {
    const [updated] = await tenant.db
      .update(keywords)
      .set({ ...input, ...(input.keyword ? { normalized: normalizeKeyword(input.keyword) } : {}) })
      .where(and(eq(keywords.account_id, tenant.account.id), eq(keywords.id, row.id)))
      .returning();
    if (input.volume !== undefined && row.cluster_id) await runBatch(tenant.db, [recomputeClusterMetrics(tenant.account.id, [row.sector_id])]);
    notifySite(c, tenant, row.site_id, ['keywords']);
    return ok(c, updated);
  } catch (err) {
    if (String(err).includes('UNIQUE constraint failed')) throw new Conflict('Another keyword of this sector already has that text.', 'duplicate', { keyword: ['Already in this sector.'] });
    throw err;
  }
});

keywordRoutes.delete('/:id', describe('Delete a keyword', ['planner']), async (c) => {
  const tenant = c.get('tenant');
  const row = await requireScopedRow(tenant, 'Keyword', loadKeyword(tenant, idParam(c)), 'write');
  const a = tenant.account.id;
  await runBatch(tenant.db, [
    tenant.db.delete(keywordClusters).where(and(eq(keywordClusters.account_id, a), eq(keywordClusters.keyword_id, row.id))),
    tenant.db.delete(keywords).where(and(eq(keywords.account_id, a), eq(keywords.id, row.id))),
    recomputeClusterMetrics(a, [row.sector_id]),
  ]);
  notifySite(c, tenant, row.site_id, ['keywords', 'clusters']);
  return ok(c, { id: row.id, deleted: true });
});
