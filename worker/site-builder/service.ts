/**
 * The Site Builder's tables (core/schema/owners.ts: this folder is their only writer): reads other
 * features need, and the statements they put into their own batches (the structure and page
 * content AI functions, deploys). Statement builders only build: the caller runs them in ONE
 * runBatch with the rest of its writes (D1 has no interactive transactions, DESIGN §7).
 */
import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { BLUEPRINT_STATUSES, PAGE_STATUSES, PageType, TaxonomyType } from '../../core/domain/enums';
import {
  clusters,
  pageBlueprints,
  siteBlueprintClusters,
  siteBlueprints,
  siteBlueprintTaxonomies,
} from '../../core/schema/shard';
import type { PageBlock } from '../../core/validation/site-blocks';
import { slugify } from '../../core/validation/common';
import { forIdsWithinParamLimit, type Statement } from '../db/batch';
import type { ShardDb } from '../db/shards';

export type BlueprintRow = typeof siteBlueprints.$inferSelect;
export type PageRow = typeof pageBlueprints.$inferSelect;
export type TaxonomyRow = typeof siteBlueprintTaxonomies.$inferSelect;
export type BlueprintStatus = (typeof BLUEPRINT_STATUSES)[number];
export type PageStatus = (typeof PAGE_STATUSES)[number];

/** Where a blueprint's rows live: every statement filters by the account first (tenant indexes). */
export interface BlueprintScope {
  accountId: number;
  siteId: number;
  blueprintId: number;
}

/** The blueprint `id` of the account, or undefined (another account's id reads as no row). */
export async function getBlueprint(db: ShardDb, accountId: number, id: number): Promise<BlueprintRow | undefined> {
  return db
    .select()
    .from(siteBlueprints)
    .where(and(eq(siteBlueprints.account_id, accountId), eq(siteBlueprints.id, id)))
    .get();
}

/** The blueprint's pages in navigation order (`order`, then id). */
export async function listPages(db: ShardDb, accountId: number, blueprintId: number): Promise<PageRow[]> {
  return db
    .select()
    .from(pageBlueprints)
    .where(and(eq(pageBlueprints.account_id, accountId), eq(pageBlueprints.site_blueprint_id, blueprintId)))
    .orderBy(asc(pageBlueprints.order), asc(pageBlueprints.id))
    .all();
}

/** The page `id` of the account, or undefined. */
export async function getPage(db: ShardDb, accountId: number, id: number): Promise<PageRow | undefined> {
  return db
    .select()
    .from(pageBlueprints)
    .where(and(eq(pageBlueprints.account_id, accountId), eq(pageBlueprints.id, id)))
    .get();
}

/** The blueprint's taxonomy terms (by type, then name). */
export async function listTaxonomies(db: ShardDb, accountId: number, blueprintId: number): Promise<TaxonomyRow[]> {
  return db
    .select()
    .from(siteBlueprintTaxonomies)
    .where(
      and(
        eq(siteBlueprintTaxonomies.account_id, accountId),
        eq(siteBlueprintTaxonomies.site_blueprint_id, blueprintId),
      ),
    )
    .orderBy(asc(siteBlueprintTaxonomies.taxonomy_type), asc(siteBlueprintTaxonomies.name))
    .all();
}

/** A cluster attached to a blueprint, with the cluster's own name and size (deleted clusters drop out). */
export interface AttachedCluster {
  link_id: number;
  cluster_id: number;
  role: 'hub' | 'supporting' | 'attribute';
  name: string;
  keywords_count: number;
}

/** The clusters attached to the blueprint (structure generation maps each of them to a page). */
export async function listAttachedClusters(
  db: ShardDb,
  accountId: number,
  blueprintId: number,
): Promise<AttachedCluster[]> {
  return db
    .select({
      link_id: siteBlueprintClusters.id,
      cluster_id: siteBlueprintClusters.cluster_id,
      role: siteBlueprintClusters.role,
      name: clusters.name,
      keywords_count: clusters.keywords_count,
    })
    .from(siteBlueprintClusters)
    .innerJoin(
      clusters,
      and(eq(clusters.account_id, siteBlueprintClusters.account_id), eq(clusters.id, siteBlueprintClusters.cluster_id)),
    )
    .where(
      and(eq(siteBlueprintClusters.account_id, accountId), eq(siteBlueprintClusters.site_blueprint_id, blueprintId)),
    )
    .orderBy(asc(siteBlueprintClusters.id))
    .all();
}

/** What still stands between a blueprint and structure generation / deploy (empty: nothing). */
export function blueprintRequirements(counts: { cluster_count: number; page_count: number }) {
  const requirements: string[] = [];
  if (counts.cluster_count < 1) requirements.push('Attach at least one cluster.');
  const can_generate = requirements.length === 0;
  if (counts.page_count < 1) requirements.push('Add a page or generate the structure.');
  return { requirements, can_generate, can_deploy: requirements.length === 0 };
}

/** Sets the blueprint's status ('generating' while a structure job runs, 'ready' after it, …). */
export function blueprintStatusStatement(
  db: ShardDb,
  accountId: number,
  blueprintId: number,
  status: BlueprintStatus,
): Statement {
  return db
    .update(siteBlueprints)
    .set({ status, updated_at: new Date() })
    .where(and(eq(siteBlueprints.account_id, accountId), eq(siteBlueprints.id, blueprintId)));
}

/** Bumps the blueprint's version: something the site is built from changed (version ≠ deployed_version). */
export function blueprintTouchStatement(db: ShardDb, accountId: number, blueprintId: number): Statement {
  return db
    .update(siteBlueprints)
    .set({ version: sql`${siteBlueprints.version} + 1`, updated_at: new Date() })
    .where(and(eq(siteBlueprints.account_id, accountId), eq(siteBlueprints.id, blueprintId)));
}

/** After a successful deploy (publisher): status 'deployed' and the blueprint version it was built from. */
export function blueprintDeployedStatement(
  db: ShardDb,
  accountId: number,
  blueprintId: number,
  builtFromVersion: number,
): Statement {
  return db
    .update(siteBlueprints)
    .set({ status: 'deployed', deployed_version: builtFromVersion, updated_at: new Date() })
    .where(and(eq(siteBlueprints.account_id, accountId), eq(siteBlueprints.id, blueprintId)));
}

/** A page as the structure generator writes it; `parent_slug` names a page written earlier in the same batch. */
export interface PageDraft {
  slug: string;
  title: string;
  type: PageType;
  blocks?: PageBlock[];
  status?: PageStatus;
  order: number;
  parent_slug?: string | null;
  cluster_id?: number | null;
  in_nav?: boolean;
  meta_description?: string;
}

/**
 * One INSERT … ON CONFLICT(slug) DO UPDATE per page, parents first: a page whose slug exists is
 * updated in place (its id, so links to it, survive a regeneration) and its version bumped, so an
 * editor holding the old version gets 409 instead of overwriting the generated page. The home
 * page is slug ''. Blocks are written only when given (a structure pass keeps existing content).
 */
export function pageUpsertStatements(db: ShardDb, scope: BlueprintScope, pages: PageDraft[]): Statement[] {
  const parentsFirst = [...pages].sort((a, b) => Number(Boolean(a.parent_slug)) - Number(Boolean(b.parent_slug)));
  return parentsFirst.map((p) => {
    const parent = p.parent_slug
      ? sql`(SELECT id FROM page_blueprints WHERE account_id = ${scope.accountId}
             AND site_blueprint_id = ${scope.blueprintId} AND slug = ${p.parent_slug})`
      : null;
    const now = new Date();
    const values = {
      account_id: scope.accountId,
      site_id: scope.siteId,
      site_blueprint_id: scope.blueprintId,
      slug: p.slug,
      title: p.title,
      type: p.type,
      blocks: p.blocks ?? [],
      status: p.status ?? 'draft',
      order: p.order,
      parent_id: parent,
      cluster_id: p.cluster_id ?? null,
      in_nav: p.in_nav ?? true,
      meta_description: p.meta_description ?? '',
      created_at: now,
      updated_at: now,
    };
    return db
      .insert(pageBlueprints)
      .values(values)
      .onConflictDoUpdate({
        target: [pageBlueprints.account_id, pageBlueprints.site_blueprint_id, pageBlueprints.slug],
        set: {
          title: p.title,
          type: p.type,
          ...(p.blocks ? { blocks: p.blocks } : {}),
          ...(p.status ? { status: p.status } : {}),
          order: p.order,
          parent_id: parent,
          cluster_id: p.cluster_id ?? null,
          in_nav: p.in_nav ?? true,
          meta_description: p.meta_description ?? '',
          version: sql`${pageBlueprints.version} + 1`,
          updated_at: now,
        },
      });
  });
}

/**
 * Writes a page's blocks (page content generation) and its status, bumping its version. With
 * `expectedVersion` the write only lands on that version (the caller checks `meta.changes`).
 */
export function pageContentStatement(
  db: ShardDb,
  accountId: number,
  pageId: number,
  change: { blocks?: PageBlock[]; status?: PageStatus; meta_description?: string },
  expectedVersion?: number,
): Statement {
  return db
    .update(pageBlueprints)
    .set({ ...change, version: sql`${pageBlueprints.version} + 1`, updated_at: new Date() })
    .where(
      and(
        eq(pageBlueprints.account_id, accountId),
        eq(pageBlueprints.id, pageId),
        expectedVersion === undefined ? undefined : eq(pageBlueprints.version, expectedVersion),
      ),
    );
}

/** Sets pages' status (e.g. 'generating' while their content job runs) without touching their content. */
export function pageStatusStatements(db: ShardDb, accountId: number, pageIds: number[], status: PageStatus) {
  return forIdsWithinParamLimit(pageIds, (ids) =>
    db
      .update(pageBlueprints)
      .set({ status, updated_at: new Date() })
      .where(and(eq(pageBlueprints.account_id, accountId), inArray(pageBlueprints.id, ids))),
  );
}

/**
 * Deletes pages of a blueprint; their children move up to the top level first (never dangling).
 * The home page (slug '') is never deleted: a blueprint always has exactly one.
 */
export function pagesDeleteStatements(db: ShardDb, accountId: number, blueprintId: number, pageIds: number[]) {
  const inBlueprint = and(eq(pageBlueprints.account_id, accountId), eq(pageBlueprints.site_blueprint_id, blueprintId));
  return [
    ...forIdsWithinParamLimit(pageIds, (ids) =>
      db
        .update(pageBlueprints)
        .set({ parent_id: null, version: sql`${pageBlueprints.version} + 1`, updated_at: new Date() })
        .where(and(inBlueprint, inArray(pageBlueprints.parent_id, ids))),
    ),
    ...forIdsWithinParamLimit(pageIds, (ids) =>
      db.delete(pageBlueprints).where(and(inBlueprint, ne(pageBlueprints.slug, ''), inArray(pageBlueprints.id, ids))),
    ),
  ];
}

/** A taxonomy term as the structure generator writes it (upserted by type + slug). */
export interface TaxonomyDraft {
  name: string;
  slug?: string;
  taxonomy_type: TaxonomyType;
  description?: string;
}

/** One upsert per term, keyed by (blueprint, type, slug): a regenerated term keeps its id. */
export function taxonomyUpsertStatements(db: ShardDb, scope: BlueprintScope, terms: TaxonomyDraft[]): Statement[] {
  return terms.map((t) => {
    const now = new Date();
    return db
      .insert(siteBlueprintTaxonomies)
      .values({
        account_id: scope.accountId,
        site_id: scope.siteId,
        site_blueprint_id: scope.blueprintId,
        name: t.name,
        slug: t.slug || slugify(t.name),
        taxonomy_type: t.taxonomy_type,
        description: t.description ?? '',
        created_at: now,
        updated_at: now,
      })
      .onConflictDoUpdate({
        target: [
          siteBlueprintTaxonomies.account_id,
          siteBlueprintTaxonomies.site_blueprint_id,
          siteBlueprintTaxonomies.taxonomy_type,
          siteBlueprintTaxonomies.slug,
        ],
        set: { name: t.name, description: t.description ?? '', updated_at: now },
      });
  });
}

/** Removes the links of deleted clusters from every blueprint (for the planner's cluster delete batch). */
export function clusterLinksDeleteStatements(db: ShardDb, accountId: number, clusterIds: number[]) {
  return forIdsWithinParamLimit(clusterIds, (ids) =>
    db
      .delete(siteBlueprintClusters)
      .where(and(eq(siteBlueprintClusters.account_id, accountId), inArray(siteBlueprintClusters.cluster_id, ids))),
  );
}

/**
 * `base` made unique among `taken` by a numeric suffix ("about", "about-2", …), within the 80
 * characters a slug may have. `base` is slugified first ('' stays '' only when allowed).
 */
export function uniqueSlug(base: string, taken: ReadonlySet<string>): string {
  const root = slugify(base).replace(/-+$/, '') || 'page';
  if (!taken.has(root)) return root;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = `${root.slice(0, 80 - suffix.length).replace(/-+$/, '')}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}
