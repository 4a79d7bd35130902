import { Hono } from 'hono';
import { and, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import { keywords } from '../../core/schema/shard';
import { normalizeKeyword } from '../../core/domain/normalize';
import {
  createKeywordBody,
  keywordListQuery,
  keywordSelectionBody,
  keywordStatusSelectionBody,
  updateKeywordBody,
} from '../../core/validation/planner';
import { startJob } from '../jobs/start-job';
import { clusterLimitReached, limitOf, planOf } from '../catalog/plan';
import { forIdsWithinParamLimit, runBatch } from '../db/batch';
import { isUniqueViolation } from '../db/unique-violation';
import type { AppEnv } from '../env';
import { Conflict, LimitReached } from '../http/errors';
import { created, ok, page } from '../http/respond';
import { body, describe, query } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { tenantContext, type Tenant } from '../middleware/tenant';
import { recomputeClusterMetrics } from './cluster-metrics';
import { csvRoutes } from './csv-routes';
import { keywordResource } from './keyword-resource';
import { notifySite } from './notify';
import { requirePlacement } from './scope';

const loadKeyword = (tenant: Tenant, id: number) => () =>
  tenant.db
    .select()
    .from(keywords)
    .where(and(eq(keywords.account_id, tenant.account.id), eq(keywords.id, id)))
    .get();

/** A bulk selection of keywords: all of one site the user may write, else 404 (or 400 mixed_sites). */
export const requireKeywordSelection = async (tenant: Tenant, ids: number[]) => {
  const { siteIds, rows } = await keywordResource.selection(tenant, ids, 'write');
  return { siteId: siteIds[0]!, rows };
};

/** A list row: the keyword and its cluster's name, read in the page's own query (no second lookup). */
const listColumns = {
  ...getTableColumns(keywords),
  // Qualified by hand: in a one-table select drizzle writes bare column names, which inside this
  // subquery would resolve to clusters' own columns (clusters.account_id = clusters.account_id).
  cluster_name: sql<string | null>`(SELECT name FROM clusters
    WHERE clusters.account_id = "keywords"."account_id" AND clusters.id = "keywords"."cluster_id")`,
};

export const keywordRoutes = new Hono<AppEnv>()
  .use('*', authenticate, tenantContext)
  .route('/', csvRoutes)
  .get(
    '/',
    describe('List keywords with filters, search and ordering', ['planner']),
    query(keywordListQuery),
    async (c) => {
      const q = c.req.valid('query');
      const { rows, count } = await keywordResource.list(c, q, { columns: listColumns });
      return page(c, rows, count, q.page, q.page_size);
    },
  )
  .post('/', describe('Add a keyword to a sector', ['planner']), body(createKeywordBody), async (c) => {
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
    INSERT INTO keywords (account_id, site_id, sector_id, keyword, normalized, volume, difficulty, intent, status,
                          created_at, updated_at)
    SELECT ${a}, ${input.site_id}, ${input.sector_id}, ${input.keyword}, ${normalized}, ${input.volume},
           ${input.difficulty}, ${input.intent}, ${input.status}, ${now}, ${now}
    WHERE (SELECT count(*) FROM keywords WHERE account_id = ${a}) < ${limitOf(plan.max_keywords)}
    ON CONFLICT (account_id, sector_id, normalized) DO NOTHING
    RETURNING id`);
    if (!inserted) {
      // Nothing written: either the keyword is there already (a duplicate adds nothing) or the plan is full.
      const existing = await tenant.db
        .select({ id: keywords.id })
        .from(keywords)
        .where(
          and(eq(keywords.account_id, a), eq(keywords.sector_id, input.sector_id), eq(keywords.normalized, normalized)),
        )
        .get();
      if (existing)
        throw new Conflict(`"${input.keyword}" is already a keyword of this sector.`, 'duplicate', {
          keyword: ['Already in this sector.'],
        });
      throw new LimitReached(
        `Your plan (${plan.name}) allows ${plan.max_keywords} keywords. Delete some or upgrade the plan.`,
        'keyword',
      );
    }
    // Just inserted in this request: the row is there.
    const row = (await loadKeyword(tenant, inserted.id)())!;
    notifySite(c, tenant, input.site_id, ['keywords']);
    return created(c, row);
  })
  .post(
    '/bulk_update_status',
    describe('Set the status of many keywords (by ids or by the list filter)', ['planner']),
    body(keywordStatusSelectionBody),
    async (c) => {
      const tenant = c.get('tenant');
      const input = c.req.valid('json');
      const { siteIds, rows } = await keywordResource.resolve(tenant, input, 'write');
      const siteId = siteIds[0]!;
      await runBatch(
        tenant.db,
        forIdsWithinParamLimit(
          rows.map((r) => r.id),
          (ids) =>
            tenant.db
              .update(keywords)
              .set({ status: input.status })
              .where(and(eq(keywords.account_id, tenant.account.id), inArray(keywords.id, ids))),
        ),
      );
      notifySite(c, tenant, siteId, ['keywords']);
      return ok(c, { updated: rows.length, status: input.status });
    },
  )
  .post(
    '/auto_cluster',
    describe('AI: cluster the selected keywords (a job; progress is pushed live)', ['planner'], {
      description:
        'By ids or by the list filter (e.g. cluster_id=none: every unclustered keyword of a sector). ' +
        'Selections larger than 20 keywords are split into several AI calls. ' +
        'Costs 1 credit per 30 keywords, charged only on success. Send Idempotency-Key to make retries safe. ' +
        "Refused (400 limit_reached) when the account is at its plan's cluster limit; " +
        'a job creates clusters only up to that limit, and the keywords of the rest stay as they were.',
    }),
    body(keywordSelectionBody),
    async (c) => {
      const tenant = c.get('tenant');
      const { siteIds, rows } = await keywordResource.resolve(tenant, c.req.valid('json'), 'write');
      const siteId = siteIds[0]!;
      const plan = await planOf(tenant);
      const max_clusters = limitOf(plan.max_clusters);
      // Refused before anything is reserved when not one cluster could be created. A job that would
      // pass the limit still runs: its cluster INSERTs stop at max_clusters (see auto-cluster.ts).
      const total = await tenant.db.get<{ n: number }>(
        sql`SELECT count(*) AS n FROM clusters WHERE account_id = ${tenant.account.id}`,
      );
      if ((total?.n ?? 0) >= max_clusters) throw clusterLimitReached(plan, 'ids');
      const job = await startJob(c, tenant, siteId, 'auto_cluster', {
        keyword_ids: rows.map((r) => r.id),
        max_clusters,
      });
      return ok(c, { task_id: job.id, job }, 202, 'Clustering started.');
    },
  )
  .route(
    '/',
    keywordResource.routes({
      bulkDelete: true,
      get: true,
      patch: {
        body: updateKeywordBody,
        summary: 'Change a keyword',
        apply: async (_c, tenant, row, input) => {
          try {
            const [updated] = await tenant.db
              .update(keywords)
              .set({ ...input, ...(input.keyword ? { normalized: normalizeKeyword(input.keyword) } : {}) })
              .where(and(eq(keywords.account_id, tenant.account.id), eq(keywords.id, row.id)))
              .returning();
            if (input.volume !== undefined && row.cluster_id) {
              await runBatch(tenant.db, [recomputeClusterMetrics(tenant.account.id, [row.sector_id])]);
            }
            return updated;
          } catch (err) {
            if (isUniqueViolation(err)) {
              throw new Conflict('Another keyword of this sector already has that text.', 'duplicate', {
                keyword: ['Already in this sector.'],
              });
            }
            throw err;
          }
        },
      },
      delete: { summary: 'Delete a keyword' },
    }),
  );
