/**
 * Writes of the Site Builder's AI functions that worker/site-builder/service.ts has no builder for
 * (the blueprint's structure map, cluster coverage, putting a status back). This folder is part of
 * the tables' owner (core/schema/owners.ts); each function returns a statement for the job's one
 * D1 batch (DESIGN §7: no interactive transactions).
 */
import { and, eq, sql } from 'drizzle-orm';
import { siteBlueprints } from '../../../core/schema/shard';
import type { Statement } from '../../db/batch';
import type { ShardDb } from '../../db/shards';

/** The structure a generation leaves: the navigation tree and which pages it wrote (and at which version). */
export interface BlueprintStructure {
  nav: { slug: string; title: string; children: { slug: string; title: string }[] }[];
  generated: Record<string, number>;
  generated_at: number;
  job_id: string;
  added_for_coverage: number[];
}

/** Reads `structure.generated` of a stored blueprint (anything else: nothing was generated). */
export function generatedPagesOf(structure: unknown): Record<string, number> {
  const g = (structure as { generated?: unknown } | null)?.generated;
  if (!g || typeof g !== 'object' || Array.isArray(g)) return {};
  return Object.fromEntries(Object.entries(g).filter(([, v]) => typeof v === 'number')) as Record<string, number>;
}

export function structureReadyStatement(
  db: ShardDb,
  accountId: number,
  blueprintId: number,
  structure: BlueprintStructure,
): Statement {
  return db
    .update(siteBlueprints)
    .set({ status: 'ready', structure: structure as unknown as Record<string, unknown>, updated_at: new Date() })
    .where(and(eq(siteBlueprints.account_id, accountId), eq(siteBlueprints.id, blueprintId)));
}

/**
 * A structure job that failed or was cancelled: the blueprint leaves 'generating' for what it is
 * (deployed if its live version is current, ready if it has pages, else draft).
 */
export function blueprintUngeneratingStatement(accountId: number, blueprintId: number): Statement {
  return sql`
    UPDATE site_blueprints SET updated_at = ${Date.now()},
      status = CASE
        WHEN deployed_version IS NOT NULL AND deployed_version = version THEN 'deployed'
        WHEN EXISTS (SELECT 1 FROM page_blueprints
                     WHERE account_id = ${accountId} AND site_blueprint_id = ${blueprintId}) THEN 'ready'
        ELSE 'draft' END
    WHERE account_id = ${accountId} AND id = ${blueprintId} AND status = 'generating'`;
}

/** A page content job that failed or was cancelled: the page shows what it has again. */
export function pageUngeneratingStatement(accountId: number, pageId: number): Statement {
  return sql`
    UPDATE page_blueprints SET updated_at = ${Date.now()},
      status = CASE WHEN blocks IS NULL OR blocks = '[]' THEN 'draft' ELSE 'ready' END
    WHERE account_id = ${accountId} AND id = ${pageId} AND status = 'generating'`;
}

type Scope = { accountId: number; siteId: number; blueprintId: number };

/**
 * Records on each term the cluster it files (`metadata.cluster_id`: a supporting cluster's blog
 * category), so coverage and the builder can tell which cluster a category stands for.
 */
export function termClustersStatement(
  scope: Scope,
  terms: { cluster_id: number; taxonomy_type: string; slug: string }[],
): Statement {
  const { accountId: a, blueprintId: b } = scope;
  const list = JSON.stringify(terms);
  const match = sql`FROM json_each(${list}) j
    WHERE json_extract(j.value, '$.taxonomy_type') = site_blueprint_taxonomies.taxonomy_type
      AND json_extract(j.value, '$.slug') = site_blueprint_taxonomies.slug`;
  return sql`
    UPDATE site_blueprint_taxonomies SET updated_at = ${Date.now()},
      metadata = json_set(
        COALESCE(metadata, '{}'), '$.cluster_id', (SELECT json_extract(j.value, '$.cluster_id') ${match})
      )
    WHERE account_id = ${a} AND site_blueprint_id = ${b} AND EXISTS (SELECT 1 ${match})`;
}

/**
 * Every attached cluster's coverage, from what the batch wrote before it: 'mapped' when a page of
 * the blueprint serves it (or a term files it: a supporting cluster's category), 'covered' when
 * one of its articles is also live on the site, else 'pending'.
 */
export function coverageStatement(scope: Scope): Statement {
  const { accountId: a, siteId: s, blueprintId: b } = scope;
  return sql`
    UPDATE site_blueprint_clusters SET updated_at = ${Date.now()},
      coverage_status = CASE
        WHEN EXISTS (SELECT 1 FROM page_blueprints p
                     WHERE p.account_id = ${a} AND p.site_blueprint_id = ${b}
                       AND p.cluster_id = site_blueprint_clusters.cluster_id)
          OR EXISTS (SELECT 1 FROM site_blueprint_taxonomies t
                     WHERE t.account_id = ${a} AND t.site_blueprint_id = ${b}
                       AND json_extract(t.metadata, '$.cluster_id') = site_blueprint_clusters.cluster_id)
        THEN CASE WHEN EXISTS (SELECT 1 FROM content c
                               WHERE c.account_id = ${a} AND c.site_id = ${s}
                                 AND c.cluster_id = site_blueprint_clusters.cluster_id
                                 AND c.site_published_at IS NOT NULL)
                  THEN 'covered' ELSE 'mapped' END
        ELSE 'pending' END
    WHERE account_id = ${a} AND site_blueprint_id = ${b}`;
}
