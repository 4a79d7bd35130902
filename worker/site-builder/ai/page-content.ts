/**
 * `generate_page_content` (issue 12, scope 1): one page's blocks written by the model from the
 * site, the page and the cluster it serves. The page shows 'generating' while the job runs (and
 * goes back if it fails); the saved blocks bump the page's version, so an editor still holding the
 * version before the AI wrote gets 409 instead of overwriting the AI's work.
 */
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { BLOCK_TYPES } from '../../../core/domain/enums';
import { clusters } from '../../../core/schema/shard';
import type { PageBlock } from '../../../core/validation/site-blocks';
import {
  type AiFunctionDefinition,
  InvalidJobInput,
} from '../../../durable-objects/site-coordinator/engine/ai-function';
import { runBatch } from '../../db/batch';
import {
  blueprintTouchStatement,
  getBlueprint,
  getPage,
  listAttachedClusters,
  listTaxonomies,
  pageContentStatement,
  pageStatusStatements,
} from '../service';
import { type BlockScope, readPageBlocks } from './page-blocks';
import { siteBrief, topKeywords } from './site-structure';
import { pageUngeneratingStatement } from './statements';

/** One page is one AI call: 1 credit. */
export const CREDITS_PER_PAGE = 1;
const PAGE_KEYWORDS = 12;

export const pageContentInput = z.object({ page_id: z.number().int().positive() });
type Input = z.output<typeof pageContentInput>;
type Meta = BlockScope & { page_id: number; blueprint_id: number };
type Parsed = { page_id: number; blocks: PageBlock[]; dropped: number };

export const generatePageContent: AiFunctionDefinition<Input, Meta, Parsed> = {
  name: 'generate_page_content',
  promptType: 'page_content',
  unitPlural: 'pages',
  input: pageContentInput,
  reserve: () => CREDITS_PER_PAGE,

  async prepare(ctx, { page_id }) {
    const page = await getPage(ctx.db, ctx.accountId, page_id);
    if (!page || page.site_id !== ctx.siteId) throw new InvalidJobInput('The page no longer exists.');
    const [blueprint, site, attached, terms, cluster] = await Promise.all([
      getBlueprint(ctx.db, ctx.accountId, page.site_blueprint_id),
      siteBrief(ctx),
      listAttachedClusters(ctx.db, ctx.accountId, page.site_blueprint_id),
      listTaxonomies(ctx.db, ctx.accountId, page.site_blueprint_id),
      page.cluster_id
        ? ctx.db
            .select({ id: clusters.id, name: clusters.name, description: clusters.description })
            .from(clusters)
            .where(and(eq(clusters.account_id, ctx.accountId), eq(clusters.id, page.cluster_id)))
            .get()
        : undefined,
    ]);
    if (!blueprint) throw new InvalidJobInput('The page no longer belongs to a blueprint.');
    const keywords = cluster ? ((await topKeywords(ctx, [cluster.id], PAGE_KEYWORDS)).get(cluster.id) ?? []) : [];
    await runBatch(ctx.db, pageStatusStatements(ctx.db, ctx.accountId, [page.id], 'generating'));
    const meta: Meta = {
      page_id: page.id,
      blueprint_id: blueprint.id,
      cluster_id: cluster?.id ?? null,
      cluster_ids: [...new Set([...attached.map((c) => c.cluster_id), ...(cluster ? [cluster.id] : [])])],
      taxonomy_ids: terms.map((t) => t.id),
    };
    return {
      batches: [
        {
          index: 0,
          input: {
            site,
            blueprint: { name: blueprint.name, type: blueprint.type },
            page: {
              type: page.type,
              title: page.title,
              slug: page.slug,
              meta_description: page.meta_description,
              cluster: cluster
                ? { id: cluster.id, name: cluster.name, description: cluster.description, keywords }
                : null,
            },
            taxonomies: terms.map((t) => ({ id: t.id, name: t.name, taxonomy_type: t.taxonomy_type })),
            block_types: BLOCK_TYPES,
          },
          meta,
        },
      ],
      summary: `Writing the page ${page.title}`,
      changed: ['pages'],
    };
  },

  parse(reply, batch) {
    return { page_id: batch.meta.page_id, ...readPageBlocks(reply, batch.meta) };
  },

  save(ctx, prepared, parsed) {
    const p = parsed[0]!;
    const { blueprint_id } = prepared.batches[0]!.meta;
    return {
      statements: [
        pageContentStatement(ctx.db, ctx.accountId, p.page_id, { blocks: p.blocks, status: 'ready' }),
        blueprintTouchStatement(ctx.db, ctx.accountId, blueprint_id),
      ],
      charge: CREDITS_PER_PAGE,
      changed: ['pages', 'blueprints'],
      result: {
        page_id: p.page_id,
        blocks: p.blocks.length,
        block_types: p.blocks.map((b) => b.type),
        blocks_dropped: p.dropped,
      },
    };
  },

  abandon(ctx, { page_id }) {
    return { statements: [pageUngeneratingStatement(ctx.accountId, page_id)], changed: ['pages'] };
  },
};
