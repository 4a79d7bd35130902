/**
 * Clusters attached to a blueprint, with their coverage: `pending` (no page serves the cluster),
 * `mapped` (a page of the blueprint has it as its cluster, or — a supporting cluster — a blog
 * category files its articles: the term's metadata.cluster_id), `covered` (mapped, and at least one
 * article of the cluster is live on the site). Coverage is computed on read, so it is never stale.
 */
import { and, count, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import {
  clusters,
  content,
  pageBlueprints,
  siteBlueprintClusters,
  siteBlueprintTaxonomies,
} from '../../core/schema/shard';
import type { BlueprintClusterBody } from '../../core/validation/site-builder';
import { runBatch } from '../db/batch';
import type { Tenant } from '../db/tenant';
import { Conflict, NotFound } from '../http/errors';
import { blueprintTouchStatement, type BlueprintRow, listAttachedClusters } from './service';

export type CoverageStatus = 'pending' | 'mapped' | 'covered';

export async function listBlueprintClusters(tenant: Tenant, blueprint: BlueprintRow) {
  const a = tenant.account.id;
  const links = await listAttachedClusters(tenant.db, a, blueprint.id);
  if (links.length === 0) return [];
  const clusterIds = [...new Set(links.map((l) => l.cluster_id))];
  const termCluster = sql<number>`json_extract(${siteBlueprintTaxonomies.metadata}, '$.cluster_id')`;
  const [pages, live, terms] = await tenant.db.batch([
    tenant.db
      .select({ id: pageBlueprints.id, cluster_id: pageBlueprints.cluster_id })
      .from(pageBlueprints)
      .where(
        and(
          eq(pageBlueprints.account_id, a),
          eq(pageBlueprints.site_blueprint_id, blueprint.id),
          inArray(pageBlueprints.cluster_id, clusterIds),
        ),
      )
      .orderBy(pageBlueprints.order, pageBlueprints.id),
    tenant.db
      .select({ cluster_id: content.cluster_id, n: count() })
      .from(content)
      .where(
        and(
          eq(content.account_id, a),
          eq(content.site_id, blueprint.site_id),
          inArray(content.cluster_id, clusterIds),
          isNotNull(content.site_published_at),
        ),
      )
      .groupBy(content.cluster_id),
    tenant.db
      .select({ id: siteBlueprintTaxonomies.id, cluster_id: termCluster })
      .from(siteBlueprintTaxonomies)
      .where(
        and(
          eq(siteBlueprintTaxonomies.account_id, a),
          eq(siteBlueprintTaxonomies.site_blueprint_id, blueprint.id),
          inArray(termCluster, clusterIds),
        ),
      ),
  ]);
  return links.map((l) => {
    const page = pages.find((p) => p.cluster_id === l.cluster_id);
    const liveArticles = live.find((x) => x.cluster_id === l.cluster_id)?.n ?? 0;
    const term = terms.find((t) => t.cluster_id === l.cluster_id);
    const coverage: CoverageStatus = !page && !term ? 'pending' : liveArticles > 0 ? 'covered' : 'mapped';
    return {
      id: l.link_id,
      cluster_id: l.cluster_id,
      cluster_name: l.name,
      role: l.role,
      keyword_count: l.keywords_count,
      coverage_status: coverage,
      page_id: page?.id ?? null,
      term_id: term?.id ?? null,
      live_articles: liveArticles,
    };
  });
}
export type BlueprintClusterView = Awaited<ReturnType<typeof listBlueprintClusters>>[number];

/**
 * Attaches a cluster of the blueprint's own site (any other cluster is "not found"). The unique
 * index (blueprint, cluster, role) settles parallel attaches: one row, the others get 409.
 */
export async function attachCluster(tenant: Tenant, blueprint: BlueprintRow, input: BlueprintClusterBody) {
  const a = tenant.account.id;
  const cluster = await tenant.db
    .select({ id: clusters.id })
    .from(clusters)
    .where(and(eq(clusters.account_id, a), eq(clusters.site_id, blueprint.site_id), eq(clusters.id, input.cluster_id)))
    .get();
  if (!cluster) throw new NotFound('Cluster');
  const now = new Date();
  const [inserted] = await runBatch(tenant.db, [
    tenant.db
      .insert(siteBlueprintClusters)
      .values({
        account_id: a,
        site_id: blueprint.site_id,
        site_blueprint_id: blueprint.id,
        cluster_id: input.cluster_id,
        role: input.role,
        created_at: now,
        updated_at: now,
      })
      .onConflictDoNothing()
      .returning({ id: siteBlueprintClusters.id }),
    blueprintTouchStatement(tenant.db, a, blueprint.id),
  ]);
  const row = inserted!.results[0] as { id: number } | undefined;
  if (!row) {
    throw new Conflict(`This cluster is already attached as ${input.role}.`, 'cluster_attached', {
      cluster_id: ['Already attached to this blueprint with this role.'],
    });
  }
  const views = await listBlueprintClusters(tenant, blueprint);
  return views.find((v) => v.id === row.id)!;
}

/** Detaches one cluster link of the blueprint (404 for a link of another blueprint). */
export async function detachCluster(tenant: Tenant, blueprint: BlueprintRow, linkId: number) {
  const a = tenant.account.id;
  const [deleted] = await runBatch(tenant.db, [
    tenant.db
      .delete(siteBlueprintClusters)
      .where(
        and(
          eq(siteBlueprintClusters.account_id, a),
          eq(siteBlueprintClusters.site_blueprint_id, blueprint.id),
          eq(siteBlueprintClusters.id, linkId),
        ),
      )
      .returning({ id: siteBlueprintClusters.id }),
    blueprintTouchStatement(tenant.db, a, blueprint.id),
  ]);
  if (!deleted!.results[0]) throw new NotFound('Cluster link');
}
