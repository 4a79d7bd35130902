import { Hono } from 'hono';
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { clusters, contentIdeas, keywordClusters, keywords } from '../../core/schema/shard';
import { normalizeKeyword } from '../../core/domain/normalize';
import {
  clusterIdeasSelectionBody,
  clusterKeywordsBody,
  clusterListQuery,
  createClusterBody,
  updateClusterBody,
} from '../../core/validation/planner';
import { startJob } from '../jobs/start-job';
import { clusterLimitReached, limitOf, planOf } from '../catalog/plan';
import { forIdsWithinParamLimit, runBatch, sqlList } from '../db/batch';
import { isUniqueViolation } from '../db/unique-violation';
import type { AppEnv } from '../env';
import { Conflict, ValidationError } from '../http/errors';
import { scopedResource } from '../http/scoped-resource';
import { created, ok } from '../http/respond';
import { body, describe, idParam } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { tenantContext, type Tenant } from '../middleware/tenant';
import { recomputeClusterMetrics } from './cluster-metrics';
import { requireKeywordSelection } from './keywords-routes';
import { notifySite } from './notify';
import { likePattern, requirePlacement } from './scope';

const clusterResource = scopedResource<typeof clusters.$inferSelect, z.output<typeof clusterListQuery>>({
  table: clusters,
  scope: 'site-rows',
  noun: 'Cluster',
  plural: 'clusters',
  tags: ['planner'],
  orderable: {
    name: clusters.name,
    keywords_count: clusters.keywords_count,
    volume: clusters.volume,
    created_at: clusters.created_at,
    id: clusters.id,
  },
  defaultOrdering: '-volume',
  filters: (q) => [
    q.status ? eq(clusters.status, q.status) : undefined,
    q.search ? sql`${clusters.normalized_name} LIKE ${likePattern(normalizeKeyword(q.search))} ESCAPE '\\'` : undefined,
  ],
  listQuery: clusterListQuery,
  oneSitePerSelection: true,
  // The clusters' keywords stay, unclustered; their ideas stay without a cluster. One batch.
  deleteStatements: (tenant, ids) => {
    const a = tenant.account.id;
    const db = tenant.db;
    return [
      ...forIdsWithinParamLimit(ids, (part) =>
        db
          .delete(keywordClusters)
          .where(and(eq(keywordClusters.account_id, a), inArray(keywordClusters.cluster_id, part))),
      ),
      ...forIdsWithinParamLimit(ids, (part) =>
        db
          .update(keywords)
          .set({ cluster_id: null, status: 'pending' })
          .where(and(eq(keywords.account_id, a), inArray(keywords.cluster_id, part))),
      ),
      ...forIdsWithinParamLimit(ids, (part) =>
        db
          .update(contentIdeas)
          .set({ cluster_id: null })
          .where(and(eq(contentIdeas.account_id, a), inArray(contentIdeas.cluster_id, part))),
      ),
      ...forIdsWithinParamLimit(ids, (part) =>
        db.delete(clusters).where(and(eq(clusters.account_id, a), inArray(clusters.id, part))),
      ),
    ];
  },
  afterWrite: (c, tenant, siteIds, _rows, change) => {
    for (const siteId of siteIds)
      notifySite(c, tenant, siteId, change === 'delete' ? ['clusters', 'keywords'] : ['clusters']);
  },
});

/** The clusters one idea job takes (the ids' cap since the seed): more go in further jobs. */
const CLUSTERS_PER_JOB = 100;

const loadCluster = (tenant: Tenant, id: number) => () =>
  tenant.db
    .select()
    .from(clusters)
    .where(and(eq(clusters.account_id, tenant.account.id), eq(clusters.id, id)))
    .get();

const duplicateName = () =>
  new Conflict('This sector already has a cluster with that name.', 'duplicate', {
    name: ['Already a cluster of this sector.'],
  });

/** Moves keywords into or out of a cluster by hand; metrics follow in the same batch. */
async function editMembers(tenant: Tenant, clusterId: number, keywordIds: number[], mode: 'add' | 'remove') {
  const cluster = await clusterResource.require(tenant, clusterId, 'write');
  const { siteId, rows } = await requireKeywordSelection(tenant, keywordIds);
  if (siteId !== cluster.site_id || rows.some((r) => r.sector_id !== cluster.sector_id)) {
    throw new ValidationError({ keyword_ids: ['Keywords must be in the same sector as the cluster.'] });
  }
  const a = tenant.account.id;
  const now = Date.now();
  const ids = rows.map((r) => r.id);
  const each = (build: (list: SQL) => SQL) => forIdsWithinParamLimit(ids, (part) => build(sqlList(part)));
  const statements =
    mode === 'add'
      ? [
          ...each((list) => sql`DELETE FROM keyword_clusters WHERE account_id = ${a} AND keyword_id IN (${list})`),
          ...each(
            (list) =>
              sql`UPDATE keywords SET cluster_id = ${cluster.id}, status = 'active', updated_at = ${now}
                  WHERE account_id = ${a} AND id IN (${list})`,
          ),
          ...each(
            (list) => sql`INSERT OR IGNORE INTO keyword_clusters (account_id, keyword_id, cluster_id, created_at)
              SELECT ${a}, id, ${cluster.id}, ${now} FROM keywords WHERE account_id = ${a} AND id IN (${list})`,
          ),
        ]
      : [
          ...each(
            (list) =>
              sql`DELETE FROM keyword_clusters
                  WHERE account_id = ${a} AND cluster_id = ${cluster.id} AND keyword_id IN (${list})`,
          ),
          ...each(
            (list) => sql`UPDATE keywords SET cluster_id = NULL, status = 'pending', updated_at = ${now}
              WHERE account_id = ${a} AND cluster_id = ${cluster.id} AND id IN (${list})`,
          ),
        ];
  await runBatch(tenant.db, [...statements, recomputeClusterMetrics(a, [cluster.sector_id])]);
  return cluster;
}

export const clusterRoutes = new Hono<AppEnv>()
  .use('*', authenticate, tenantContext)
  .route('/', clusterResource.routes({ list: clusterListQuery, bulkDelete: true }))
  .post('/', describe('Create a cluster by hand', ['planner']), body(createClusterBody), async (c) => {
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
    SELECT ${a}, ${input.site_id}, ${input.sector_id}, ${input.name}, ${normalized}, ${input.description ?? ''},
           ${now}, ${now}
    WHERE (SELECT count(*) FROM clusters WHERE account_id = ${a}) < ${limitOf(plan.max_clusters)}
    ON CONFLICT (account_id, sector_id, normalized_name) DO NOTHING
    RETURNING id`);
    if (!inserted) {
      const existing = await tenant.db
        .select({ id: clusters.id })
        .from(clusters)
        .where(
          and(
            eq(clusters.account_id, a),
            eq(clusters.sector_id, input.sector_id),
            eq(clusters.normalized_name, normalized),
          ),
        )
        .get();
      throw existing ? duplicateName() : clusterLimitReached(plan, 'name');
    }
    // Just inserted in this request: the row is there.
    const row = (await loadCluster(tenant, inserted.id)())!;
    notifySite(c, tenant, input.site_id, ['clusters']);
    return created(c, row);
  })
  .post(
    '/auto_generate_ideas',
    describe('AI: generate content ideas for the selected clusters (a job)', ['planner'], {
      description:
        'One AI call per cluster; 3–7 ideas each with an H2 outline. ' +
        'Holds 7 credits per cluster and charges 1 per idea created, only on success. ' +
        'By ids (up to 100 clusters) or by the list filter: jobs of 100 clusters each.',
    }),
    body(clusterIdeasSelectionBody),
    async (c) => {
      const tenant = c.get('tenant');
      const input = c.req.valid('json');
      const { siteIds, rows } = await clusterResource.resolve(tenant, input, 'write');
      const ids = rows.map((r) => r.id);
      const jobs = [];
      for (let at = 0; at < ids.length; at += CLUSTERS_PER_JOB) {
        jobs.push(
          await startJob(c, tenant, siteIds[0]!, 'generate_ideas', {
            cluster_ids: ids.slice(at, at + CLUSTERS_PER_JOB),
            ideas_per_cluster: input.ideas_per_cluster ?? 3,
          }),
        );
      }
      return ok(c, { task_id: jobs[0]!.id, job: jobs[0]!, jobs }, 202, 'Idea generation started.');
    },
  )
  .route(
    '/',
    clusterResource.routes({
      get: true,
      patch: {
        body: updateClusterBody,
        summary: 'Rename or describe a cluster, or archive it',
        apply: async (_c, tenant, row, input) => {
          try {
            const [updated] = await tenant.db
              .update(clusters)
              .set({ ...input, ...(input.name ? { normalized_name: normalizeKeyword(input.name) } : {}) })
              .where(and(eq(clusters.account_id, tenant.account.id), eq(clusters.id, row.id)))
              .returning();
            return updated;
          } catch (err) {
            if (isUniqueViolation(err)) throw duplicateName();
            throw err;
          }
        },
      },
      delete: { summary: 'Delete a cluster (its keywords stay, unclustered)' },
    }),
  )
  .post(
    '/:id/add_keywords',
    describe('Add keywords to a cluster', ['planner']),
    body(clusterKeywordsBody),
    async (c) => {
      const tenant = c.get('tenant');
      const cluster = await editMembers(tenant, idParam(c), c.req.valid('json').keyword_ids, 'add');
      notifySite(c, tenant, cluster.site_id, ['clusters', 'keywords']);
      return ok(c, await loadCluster(tenant, cluster.id)());
    },
  )
  .post(
    '/:id/remove_keywords',
    describe('Remove keywords from a cluster', ['planner']),
    body(clusterKeywordsBody),
    async (c) => {
      const tenant = c.get('tenant');
      const cluster = await editMembers(tenant, idParam(c), c.req.valid('json').keyword_ids, 'remove');
      notifySite(c, tenant, cluster.site_id, ['clusters', 'keywords']);
      return ok(c, await loadCluster(tenant, cluster.id)());
    },
  );
