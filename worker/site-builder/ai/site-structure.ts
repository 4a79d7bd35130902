/**
 * `generate_site_structure` (issue 12, scope 1): a blueprint's pages, navigation and taxonomies
 * from the site and its attached clusters, in one AI call. The reply is read by structure-plan.ts,
 * which maps every attached hub cluster to a page whatever the model answered; the job writes the
 * pages (starter blocks by type), the terms, the structure map and each cluster's coverage in one
 * D1 batch. Pages a user made or edited since the last generation are kept unless `replace`.
 */
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { PAGE_TYPES, TAXONOMY_TYPES } from '../../../core/domain/enums';
import { industries } from '../../../core/schema/control';
import { sectors, sites } from '../../../core/schema/shard';
import {
  type AiFunctionDefinition,
  type FunctionContext,
  InvalidJobInput,
} from '../../../durable-objects/site-coordinator/engine/ai-function';
import { runBatch } from '../../db/batch';
import { controlDb } from '../../db/shards';
import {
  blueprintStatusStatement,
  blueprintTouchStatement,
  getBlueprint,
  listAttachedClusters,
  listPages,
  pagesDeleteStatements,
  pageUpsertStatements,
  taxonomyUpsertStatements,
} from '../service';
import {
  blueprintUngeneratingStatement,
  type BlueprintStructure,
  coverageStatement,
  generatedPagesOf,
  structureReadyStatement,
  termClustersStatement,
} from './statements';
import {
  type ClusterInput,
  type ExistingPage,
  planStructure,
  type StructureMeta,
  type StructurePlan,
} from './structure-plan';

/** Seed-style price: one structure is one AI call, 1 credit (shown by the quote route before the click). */
export const CREDITS_PER_STRUCTURE = 1;
/** The keywords of each cluster the model sees (by volume): enough to name a page, not a keyword dump. */
const TOP_KEYWORDS = 8;

export const structureInput = z.object({
  blueprint_id: z.number().int().positive(),
  replace: z.boolean().default(false),
});
type Input = z.output<typeof structureInput>;

/** The site the model plans for: its name, description, industry and sectors. */
export async function siteBrief(ctx: FunctionContext) {
  const [site, sectorRows] = await Promise.all([
    ctx.db
      .select({ name: sites.name, description: sites.description, industry_id: sites.industry_id })
      .from(sites)
      .where(and(eq(sites.account_id, ctx.accountId), eq(sites.id, ctx.siteId)))
      .get(),
    ctx.db
      .select({ name: sectors.name })
      .from(sectors)
      .where(and(eq(sectors.account_id, ctx.accountId), eq(sectors.site_id, ctx.siteId)))
      .all(),
  ]);
  if (!site) throw new InvalidJobInput('The site no longer exists.');
  const industry = site.industry_id
    ? await controlDb(ctx.env)
        .select({ name: industries.name })
        .from(industries)
        .where(eq(industries.id, site.industry_id))
        .get()
    : undefined;
  return {
    name: site.name,
    description: site.description,
    industry: industry?.name ?? null,
    sectors: sectorRows.map((s) => s.name),
  };
}

/** The highest-volume keywords of each cluster (one query, under any parameter limit). */
export async function topKeywords(ctx: FunctionContext, clusterIds: number[], limit: number) {
  if (!clusterIds.length) return new Map<number, { keyword: string; volume: number }[]>();
  const rows = await ctx.db.all<{ cluster_id: number; keyword: string; volume: number }>(sql`
    SELECT cluster_id, keyword, volume FROM (
      SELECT cluster_id, keyword, volume,
             row_number() OVER (PARTITION BY cluster_id ORDER BY volume DESC, id) AS n
      FROM keywords
      WHERE account_id = ${ctx.accountId} AND site_id = ${ctx.siteId}
        AND cluster_id IN (SELECT value FROM json_each(${JSON.stringify(clusterIds)}))
    ) WHERE n <= ${limit} ORDER BY cluster_id, n`);
  const out = new Map<number, { keyword: string; volume: number }[]>();
  for (const r of rows)
    out.set(r.cluster_id, [...(out.get(r.cluster_id) ?? []), { keyword: r.keyword, volume: r.volume }]);
  return out;
}

/** The navigation tree the structure map keeps: top-level pages in order, their children under them. */
function navOf(plan: StructurePlan, existing: ExistingPage[]): BlueprintStructure['nav'] {
  const slugOfId = new Map(existing.map((p) => [p.id, p.slug]));
  const all = [
    ...plan.kept.map((p) => ({ ...p, parent_slug: p.parent_id ? (slugOfId.get(p.parent_id) ?? null) : null })),
    ...plan.pages,
  ]
    .filter((p) => p.in_nav)
    .sort((a, b) => a.order - b.order);
  return all
    .filter((p) => !p.parent_slug)
    .map((p) => ({
      slug: p.slug,
      title: p.title,
      children: all.filter((c) => c.parent_slug === p.slug).map((c) => ({ slug: c.slug, title: c.title })),
    }));
}

export const generateSiteStructure: AiFunctionDefinition<Input, StructureMeta, StructurePlan> = {
  name: 'generate_site_structure',
  promptType: 'site_structure',
  unitPlural: 'structures',
  input: structureInput,
  reserve: () => CREDITS_PER_STRUCTURE,

  async prepare(ctx, { blueprint_id, replace }) {
    const blueprint = await getBlueprint(ctx.db, ctx.accountId, blueprint_id);
    if (!blueprint || blueprint.site_id !== ctx.siteId) throw new InvalidJobInput('The blueprint no longer exists.');
    const attached = await listAttachedClusters(ctx.db, ctx.accountId, blueprint_id);
    if (!attached.length) {
      throw new InvalidJobInput(
        'Attach at least one cluster to the blueprint before generating its structure: ' +
          'every page plan starts from one.',
      );
    }
    const [site, keywordsOf, pages] = await Promise.all([
      siteBrief(ctx),
      topKeywords(
        ctx,
        attached.map((c) => c.cluster_id),
        TOP_KEYWORDS,
      ),
      listPages(ctx.db, ctx.accountId, blueprint_id),
    ]);
    await runBatch(ctx.db, [blueprintStatusStatement(ctx.db, ctx.accountId, blueprint_id, 'generating')]);
    const generated = generatedPagesOf(blueprint.structure);
    const existing: ExistingPage[] = pages.map((p) => ({
      id: p.id,
      slug: p.slug,
      title: p.title,
      type: p.type,
      cluster_id: p.cluster_id,
      parent_id: p.parent_id,
      in_nav: p.in_nav,
      order: p.order,
      version: p.version,
      // The home page a new blueprint starts with, still empty and never edited, holds no one's work.
      generated: generated[p.slug] === p.version || (p.slug === '' && p.version === 1 && !p.blocks.length),
    }));
    const clusters: ClusterInput[] = attached.map((c) => ({
      cluster_id: c.cluster_id,
      name: c.name,
      role: c.role,
      keywords: keywordsOf.get(c.cluster_id) ?? [],
    }));
    const kept = replace ? [] : existing.filter((p) => !p.generated);
    return {
      batches: [
        {
          index: 0,
          input: {
            site,
            blueprint: { name: blueprint.name, description: blueprint.description, type: blueprint.type },
            clusters: clusters.map((c) => ({ id: c.cluster_id, name: c.name, role: c.role, keywords: c.keywords })),
            // Pages that stay as they are: the model plans around them (their slugs are taken).
            existing_pages: kept.map((p) => ({ slug: p.slug, title: p.title, type: p.type, cluster_id: p.cluster_id })),
            page_types: PAGE_TYPES,
            taxonomy_types: TAXONOMY_TYPES,
          },
          meta: { blueprint_id, blueprint_type: blueprint.type, replace, clusters, existing },
        },
      ],
      summary:
        `Planning the structure of ${blueprint.name} from ${attached.length} ` +
        `cluster${attached.length === 1 ? '' : 's'}`,
      changed: ['blueprints'],
    };
  },

  parse(reply, batch) {
    return planStructure(reply, batch.meta);
  },

  save(ctx, prepared, parsed) {
    const plan = parsed[0]!;
    const meta = prepared.batches[0]!.meta;
    const scope = { accountId: ctx.accountId, siteId: ctx.siteId, blueprintId: meta.blueprint_id };
    const structure: BlueprintStructure = {
      nav: navOf(plan, meta.existing),
      generated: plan.generated,
      generated_at: Date.now(),
      job_id: ctx.jobId,
      added_for_coverage: plan.added_for_coverage,
    };
    const filed = plan.taxonomies.flatMap((t) =>
      t.cluster_id ? [{ cluster_id: t.cluster_id, taxonomy_type: t.taxonomy_type, slug: t.slug }] : [],
    );
    return {
      statements: [
        ...pagesDeleteStatements(
          ctx.db,
          ctx.accountId,
          meta.blueprint_id,
          plan.removed.map((p) => p.id),
        ),
        ...pageUpsertStatements(ctx.db, scope, plan.pages),
        ...taxonomyUpsertStatements(ctx.db, scope, plan.taxonomies),
        structureReadyStatement(ctx.db, ctx.accountId, meta.blueprint_id, structure),
        blueprintTouchStatement(ctx.db, ctx.accountId, meta.blueprint_id),
        termClustersStatement(scope, filed),
        coverageStatement(scope),
      ],
      charge: CREDITS_PER_STRUCTURE,
      changed: ['blueprints', 'pages'],
      result: {
        blueprint_id: meta.blueprint_id,
        pages: plan.pages.length,
        page_slugs: plan.pages.map((p) => p.slug),
        kept_pages: plan.kept.length,
        removed_pages: plan.removed.length,
        taxonomies: plan.taxonomies.length,
        pages_added_for_coverage: plan.added_for_coverage.length,
        items_dropped: plan.dropped,
        unknown_clusters_dropped: plan.unknown_clusters,
      },
    };
  },

  abandon(ctx, { blueprint_id }) {
    return { statements: [blueprintUngeneratingStatement(ctx.accountId, blueprint_id)], changed: ['blueprints'] };
  },
};
