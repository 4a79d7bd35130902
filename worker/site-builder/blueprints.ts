/**
 * Blueprints: what an IGNY8-hosted site is built from. A new blueprint starts with its home page
 * (slug '', the only one), and needs at least one attached cluster before its structure can be
 * generated or it can be deployed (cluster-first planning): `requirements` says what is missing.
 */
import { and, count, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { siteDirectory } from '../../core/schema/control';
import {
  clusters,
  deploymentRecords,
  pageBlueprints,
  siteAssets,
  siteBlueprintClusters,
  siteBlueprints,
  siteBlueprintTaxonomies,
} from '../../core/schema/shard';
import {
  blueprintConfig,
  type BlueprintConfig,
  type BlueprintCreateBody,
  type BlueprintUpdateBody,
} from '../../core/validation/site-builder';
import { runBatch } from '../db/batch';
import type { Tenant } from '../db/tenant';
import { Conflict, NotFound } from '../http/errors';
import { requireSiteOf, type AccessMode } from '../http/site-access';
import { blueprintRequirements, type BlueprintRow, getBlueprint } from './service';

/** The blueprint of the account that the user may see (else 404); `write` needs a writer role (else 403). */
export async function requireBlueprint(tenant: Tenant, id: number, mode: AccessMode): Promise<BlueprintRow> {
  const row = await getBlueprint(tenant.db, tenant.account.id, id);
  if (!row) throw new NotFound('Blueprint');
  await requireSiteOf(tenant, row.site_id, mode, 'Blueprint');
  return row;
}

/** A stored config with today's defaults filled in (older rows may lack newer fields). */
export function configOf(stored: unknown): BlueprintConfig {
  const parsed = blueprintConfig.safeParse(stored ?? {});
  return parsed.success ? parsed.data : blueprintConfig.parse({});
}

export interface LiveSite {
  slug: string;
  url: string;
  version: number;
  deployment_id: number;
}

/** Pages and (existing) attached clusters per blueprint, in one round trip. */
async function countsOf(tenant: Tenant, ids: number[]) {
  const a = tenant.account.id;
  const out = new Map<number, { page_count: number; cluster_count: number }>();
  if (ids.length === 0) return out;
  const [pages, links] = await tenant.db.batch([
    tenant.db
      .select({ id: pageBlueprints.site_blueprint_id, n: count() })
      .from(pageBlueprints)
      .where(and(eq(pageBlueprints.account_id, a), inArray(pageBlueprints.site_blueprint_id, ids)))
      .groupBy(pageBlueprints.site_blueprint_id),
    tenant.db
      .select({ id: siteBlueprintClusters.site_blueprint_id, n: count() })
      .from(siteBlueprintClusters)
      .innerJoin(clusters, and(eq(clusters.account_id, a), eq(clusters.id, siteBlueprintClusters.cluster_id)))
      .where(and(eq(siteBlueprintClusters.account_id, a), inArray(siteBlueprintClusters.site_blueprint_id, ids)))
      .groupBy(siteBlueprintClusters.site_blueprint_id),
  ]);
  for (const id of ids) out.set(id, { page_count: 0, cluster_count: 0 });
  for (const p of pages) out.get(p.id)!.page_count = p.n;
  for (const l of links) out.get(l.id)!.cluster_count = l.n;
  return out;
}

/**
 * Which of these blueprints is live, and where: the site directory (control DB) names the live
 * deployment of each site, and that deployment names the blueprint it was built from.
 */
export async function liveSitesOf(tenant: Tenant, rows: BlueprintRow[], origin: string) {
  const out = new Map<number, LiveSite>();
  const siteIds = [...new Set(rows.map((r) => r.site_id))];
  if (siteIds.length === 0) return out;
  const directory = await tenant.control
    .select()
    .from(siteDirectory)
    .where(
      and(
        eq(siteDirectory.account_id, tenant.account.id),
        inArray(siteDirectory.site_id, siteIds),
        isNotNull(siteDirectory.live_deployment_id),
      ),
    )
    .all();
  const deploymentIds = directory.map((d) => d.live_deployment_id!);
  if (deploymentIds.length === 0) return out;
  const deployments = await tenant.db
    .select({ id: deploymentRecords.id, blueprint: deploymentRecords.site_blueprint_id })
    .from(deploymentRecords)
    .where(and(eq(deploymentRecords.account_id, tenant.account.id), inArray(deploymentRecords.id, deploymentIds)))
    .all();
  for (const d of directory) {
    const blueprint = deployments.find((x) => x.id === d.live_deployment_id)?.blueprint;
    if (blueprint === undefined || d.live_version === null) continue;
    const url = d.hostname ? `https://${d.hostname}/` : `${origin}/s/${d.slug}/`;
    out.set(blueprint, { slug: d.slug, url, version: d.live_version, deployment_id: d.live_deployment_id! });
  }
  return out;
}

/** Blueprints as the API shows them: counts, what is missing before generate/deploy, the live site. */
export async function presentBlueprints(tenant: Tenant, rows: BlueprintRow[], origin: string) {
  const [counts, live] = await Promise.all([
    countsOf(
      tenant,
      rows.map((r) => r.id),
    ),
    liveSitesOf(tenant, rows, origin),
  ]);
  return rows.map((r) => {
    const c = counts.get(r.id) ?? { page_count: 0, cluster_count: 0 };
    return {
      id: r.id,
      site_id: r.site_id,
      name: r.name,
      description: r.description,
      type: r.type,
      theme: r.theme,
      config: configOf(r.config),
      status: r.status,
      version: r.version,
      deployed_version: r.deployed_version,
      ...c,
      ...blueprintRequirements(c),
      created_at: r.created_at,
      updated_at: r.updated_at,
      live: live.get(r.id) ?? null,
    };
  });
}
export type BlueprintView = Awaited<ReturnType<typeof presentBlueprints>>[number];

/** 404 unless the asset is an asset of this site (a logo must be the site's own upload). */
async function requireSiteAsset(tenant: Tenant, siteId: number, assetId: number | null | undefined) {
  if (assetId === null || assetId === undefined) return;
  const asset = await tenant.db
    .select({ id: siteAssets.id })
    .from(siteAssets)
    .where(
      and(eq(siteAssets.account_id, tenant.account.id), eq(siteAssets.site_id, siteId), eq(siteAssets.id, assetId)),
    )
    .get();
  if (!asset) throw new NotFound('Asset');
}

/** Creates the blueprint and its home page in one batch. */
export async function createBlueprint(tenant: Tenant, input: BlueprintCreateBody): Promise<BlueprintRow> {
  await requireSiteAsset(tenant, input.site_id, input.config.logo_asset_id);
  const a = tenant.account.id;
  const now = new Date();
  const [inserted] = await runBatch(tenant.db, [
    tenant.db
      .insert(siteBlueprints)
      .values({ account_id: a, ...input, created_at: now, updated_at: now })
      .returning({ id: siteBlueprints.id }),
    tenant.db.insert(pageBlueprints).values({
      account_id: a,
      site_id: input.site_id,
      // The blueprint inserted by the statement before, in the same transaction.
      site_blueprint_id: sql`last_insert_rowid()` as unknown as number,
      slug: '',
      title: 'Home',
      type: 'home',
      order: 0,
      created_at: now,
      updated_at: now,
    }),
  ]);
  const id = (inserted!.results[0] as { id: number }).id;
  return (await getBlueprint(tenant.db, a, id))!;
}

/** Changes name, description, type, theme or config (merged field by field); bumps the version. */
export async function updateBlueprint(tenant: Tenant, row: BlueprintRow, input: BlueprintUpdateBody) {
  const { config, ...fields } = input;
  const merged = config ? blueprintConfig.parse({ ...configOf(row.config), ...config }) : undefined;
  if (config?.logo_asset_id) await requireSiteAsset(tenant, row.site_id, config.logo_asset_id);
  await tenant.db
    .update(siteBlueprints)
    .set({
      ...fields,
      ...(merged ? { config: merged } : {}),
      version: sql`${siteBlueprints.version} + 1`,
      updated_at: new Date(),
    })
    .where(and(eq(siteBlueprints.account_id, tenant.account.id), eq(siteBlueprints.id, row.id)))
    .run();
  return (await getBlueprint(tenant.db, tenant.account.id, row.id))!;
}

/**
 * Deletes the blueprint with its pages, cluster links and taxonomies in one batch. A blueprint
 * whose deployment is the site's live one is refused (409 `blueprint_live`) unless `force`: then
 * its data goes, and the deployed files keep being served until another deploy, a rollback or an
 * unpublish replaces them (the site directory and the deployment history are the publisher's).
 */
export async function deleteBlueprint(tenant: Tenant, row: BlueprintRow, force: boolean, origin: string) {
  const live = await liveSitesOf(tenant, [row], origin);
  if (live.has(row.id) && !force) {
    throw new Conflict(
      'This blueprint is the live site. Delete it with ?force=true (the deployed site stays online).',
      'blueprint_live',
    );
  }
  const a = tenant.account.id;
  await runBatch(tenant.db, [
    tenant.db
      .delete(pageBlueprints)
      .where(and(eq(pageBlueprints.account_id, a), eq(pageBlueprints.site_blueprint_id, row.id))),
    tenant.db
      .delete(siteBlueprintClusters)
      .where(and(eq(siteBlueprintClusters.account_id, a), eq(siteBlueprintClusters.site_blueprint_id, row.id))),
    tenant.db
      .delete(siteBlueprintTaxonomies)
      .where(and(eq(siteBlueprintTaxonomies.account_id, a), eq(siteBlueprintTaxonomies.site_blueprint_id, row.id))),
    tenant.db.delete(siteBlueprints).where(and(eq(siteBlueprints.account_id, a), eq(siteBlueprints.id, row.id))),
  ]);
}
