import { Hono } from 'hono';
import { and, eq, sql } from 'drizzle-orm';
import { clusters, contentIdeas, keywordClusters, keywords } from '../../core/schema/shard';
import { normalizeKeyword } from '../../core/domain/normalize';
import {
  clusterKeywordsBody,
  clusterListQuery,
  createClusterBody,
  generateIdeasBody,
  updateClusterBody,
} from '../../core/validation/planner';
import { chunk } from '../../durable-objects/site-coordinator/ai-function';
import { startJob } from '../jobs/start-job';
import { clusterLimitReached, limitOf, planOf } from '../catalog/plan';
import { runBatch } from '../db/batch';
import type { AppEnv } from '../env';
import { Conflict, ValidationError } from '../http/errors';
import { orderingOf, pageOf } from '../http/list';
import { created, ok, page } from '../http/respond';
import { body, describe, idParam, query } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { tenantContext, type Tenant } from '../middleware/tenant';
import { recomputeClusterMetrics } from './cluster-metrics';
import { requireKeywordSelection } from './keywords-routes';
import { notifySite } from './notify';
import { likePattern, requirePlacement, requireScopedRow, requireSelection, scopedWhere } from './scope';

const ORDERABLE = {
  name: clusters.name,
  keywords_count: clusters.keywords_count,
  volume: clusters.volume,
  created_at: clusters.created_at,
  id: clusters.id,
};

const loadCluster = (tenant: Tenant, id: number) => () =>
  tenant.db.select().from(clusters).where(and(eq(clusters.account_id, tenant.account.id), eq(clusters.id, id))).get();

const duplicateName = () => new Conflict('This sector already has a cluster with that name.', 'duplicate', { name: ['Already a cluster of this sector.'] });
const isUnique = (err: unknown) => String(err).includes('UNIQUE constraint failed');

export const clusterRoutes = new Hono<AppEnv>();
clusterRoutes.use('*', authenticate, tenantContext);

clusterRoutes.get('/', describe('List clusters with their metrics', ['planner']), query(clusterListQuery), async (c) => {
  const tenant = c.get('tenant');
  const q = c.req.valid('query');
  const where = and(
    await scopedWhere(tenant, clusters, q),
    q.status ? eq(clusters.status, q.status) : undefined,
    q.search ? sql`${clusters.normalized_name} LIKE ${likePattern(normalizeKeyword(q.search))} ESCAPE '\\'` : undefined,
  );
  const { rows, count } = await pageOf(tenant.db, clusters, where, orderingOf(q.ordering, ORDERABLE, '-volume', clusters.id), q);
  return page(c, rows, count, q.page, q.page_size);
});

clusterRoutes.post('/', describe('Create a cluster by hand', ['planner']), body(createClusterBody), async (c) => {
  const tenant = c.get('tenant');
  const input = c.req.valid('json');
  await requirePlacement(tenant, input.site_id, input.sector_id);
  const plan = await planOf(tenant);
  const a = tenant.account.id;
  const normalized = normalizeKeyword(input.name);
  const now = Date.now();
  // max_clusters is counted inside the INSERT, so parallel creates can't pass it together.
  const inserted = await tenant.db.get<{ id: number } | undefined>(sql`
    INSERT INTO clusters (account_id, site_id, sector_id, name, normalized_name, description, created_at, updated_at)
    SELECT ${a}, ${input.site_id}, ${input.sector_id}, ${input.name}, ${normalized}, ${input.description ?? ''}, ${now}, ${now}
    WHERE (SELECT count(*) FROM clusters WHERE account_id = ${a}) < ${limitOf(plan.max_clusters)}
    ON CONFLICT (account_id, sector_id, normalized_name) DO NOTHING
    RETURNING id`);
  if (!inserted) {
    const existing = await tenant.db
      .select({ id: clusters.id })
      .from(clusters)
      .where(and(eq(clusters.account_id, a), eq(clusters.sector_id, input.sector_id), eq(clusters.normalized_name, normalized)))
      .get();
    throw existing ? duplicateName() : clusterLimitReached(plan, 'name');
  }
  const row = await loadCluster(tenant, inserted.id)();
  notifySite(c, tenant, input.site_id, ['clusters']);
  return created(c, row);
});

clusterRoutes.post(
  '/auto_generate_ideas',
  describe('AI: generate content ideas for the selected clusters (a job)', ['planner'], {
    description: 'One AI call per cluster; 3–7 ideas each with an H2 outline. Holds 7 credits per cluster and charges 1 per idea created, only on success.',
  }),
  body(generateIdeasBody),
  async (c) => {
    const tenant = c.get('tenant');
    const input = c.req.valid('json');
    const { siteId, rows } = await requireSelection(tenant, clusters, input.ids, 'Cluster');
    const job = await startJob(c, tenant, siteId, 'generate_ideas', { cluster_ids: rows.map((r) => r.id), ideas_per_cluster: input.ideas_per_cluster ?? 3 });
    return ok(c, { task_id: job.id, job }, 202, 'Idea generation started.');
  },
);

clusterRoutes.get('/:id', describe('One cluster', ['planner']), async (c) => {
  const tenant = c.get('tenant');
  return ok(c, await requireScopedRow(tenant, 'Cluster', loadCluster(tenant, idParam(c)), 'read'));
});

clusterRoutes.patch('/:id', describe('Rename or describe a cluster, or archive it', ['planner']), body(updateClusterBody), async (c) => {
  const tenant = c.get('tenant');
  const row = await requireScopedRow(tenant, 'Cluster', loadCluster(tenant, idParam(c)), 'write');
  const input = c.req.valid('json');
  try {
    const [updated] = await tenant.db
      .update(clusters)
      .set({ ...input, ...(input.name ? { normalized_name: normalizeKeyword(input.name) } : {}) })
      .where(and(eq(clusters.account_id, tenant.account.id), eq(clusters.id, row.id)))
      .returning();
    notifySite(c, tenant, row.site_id, ['clusters']);
    return ok(c, updated);
  } catch (err) {
    if (isUnique(err)) throw duplicateName();
    throw err;
  }
});

clusterRoutes.delete('/:id', describe('Delete a cluster (its keywords stay, unclustered)', ['planner']), async (c) => {
  const tenant = c.get('tenant');
  const row = await requireScopedRow(tenant, 'Cluster', loadCluster(tenant, idParam(c)), 'write');
  const a = tenant.account.id;
  await runBatch(tenant.db, [
    tenant.db.delete(keywordClusters).where(and(eq(keywordClusters.account_id, a), eq(keywordClusters.cluster_id, row.id))),
    tenant.db.update(keywords).set({ cluster_id: null, status: 'pending' }).where(and(eq(keywords.account_id, a), eq(keywords.cluster_id, row.id))),
    tenant.db.update(contentIdeas).set({ cluster_id: null }).where(and(eq(contentIdeas.account_id, a), eq(contentIdeas.cluster_id, row.id))),
    tenant.db.delete(clusters).where(and(eq(clusters.account_id, a), eq(clusters.id, row.id))),
  ]);
  notifySite(c, tenant, row.site_id, ['clusters', 'keywords']);
  return ok(c, { id: row.id, deleted: true });
});

/** Moves keywords into or out of a cluster by hand; metrics follow in the same batch. */
async function editMembers(tenant: Tenant, clusterId: number, keywordIds: number[], mode: 'add' | 'remove') {
  const cluster = await requireScopedRow(tenant, 'Cluster', loadCluster(tenant, clusterId), 'write');
  const { siteId, rows } = await requireKeywordSelection(tenant, keywordIds);
  if (siteId !== cluster.site_id || rows.some((r) => r.sector_id !== cluster.sector_id)) {
    throw new ValidationError({ keyword_ids: ['Keywords must be in the same sector as the cluster.'] });
  }
  const a = tenant.account.id;
  const now = Date.now();
  const statements = chunk(rows.map((r) => r.id), 90).flatMap((ids) => {
    const list = sql.join(ids.map((id) => sql`${id}`), sql`, `);
    return mode === 'add'
      ? [
          sql`DELETE FROM keyword_clusters WHERE account_id = ${a} AND keyword_id IN (${list})`,
          sql`UPDATE keywords SET cluster_id = ${cluster.id}, status = 'active', updated_at = ${now} WHERE account_id = ${a} AND id IN (${list})`,
          sql`INSERT OR IGNORE INTO keyword_clusters (account_id, keyword_id, cluster_id, created_at) SELECT ${a}, id, ${cluster.id}, ${now} FROM keywords WHERE account_id = ${a} AND id IN (${list})`,
        ]
      : [
          sql`DELETE FROM keyword_clusters WHERE account_id = ${a} AND cluster_id = ${cluster.id} AND keyword_id IN (${list})`,
          sql`UPDATE keywords SET cluster_id = NULL, status = 'pending', updated_at = ${now} WHERE account_id = ${a} AND cluster_id = ${cluster.id} AND id IN (${list})`,
        ];
  });
  await runBatch(tenant.db, [...statements, recomputeClusterMetrics(a, [cluster.sector_id])]);
  return cluster;
}

clusterRoutes.post('/:id/add_keywords', describe('Add keywords to a cluster', ['planner']), body(clusterKeywordsBody), async (c) => {
  const tenant = c.get('tenant');
  const cluster = await editMembers(tenant, idParam(c), c.req.valid('json').keyword_ids, 'add');
  notifySite(c, tenant, cluster.site_id, ['clusters', 'keywords']);
  return ok(c, await loadCluster(tenant, cluster.id)());
});

clusterRoutes.post('/:id/remove_keywords', describe('Remove keywords from a cluster', ['planner']), body(clusterKeywordsBody), async (c) => {
  const tenant = c.get('tenant');
  const cluster = await editMembers(tenant, idParam(c), c.req.valid('json').keyword_ids, 'remove');
  notifySite(c, tenant, cluster.site_id, ['clusters', 'keywords']);
  return ok(c, await loadCluster(tenant, cluster.id)());
});
