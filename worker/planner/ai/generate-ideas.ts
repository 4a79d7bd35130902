import { and, desc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { ideasReply } from '../../../core/ai/contracts';
import { normalizeIdeasReply } from '../../../core/ai/normalize-reply';
import { normalizeKeyword } from '../../../core/domain/normalize';
import { strategySection } from '../../../core/ai/writing-brief';
import { clusters, contentIdeas, keywordClusters, keywords, strategies } from '../../../core/schema/shard';
import type { ShardDb } from '../../db/shards';
import { withinParamLimit } from '../../db/batch';
import {
  chunk,
  InvalidJobInput,
  InvalidReply,
  type AiFunctionDefinition,
} from '../../../durable-objects/site-coordinator/engine/ai-function';

/** The contract asks for 3–7 ideas per cluster; the hold covers the most it can cost (1 credit per idea). */
export const MAX_IDEAS_PER_CLUSTER = 7;
const MAX_OUTLINE_SECTIONS = 10;

type Meta = { cluster_id: number; sector_id: number; keywords: string[] };
type ParsedIdea = z.output<typeof ideasReply>['ideas'][number];
/** dropped: ideas of the reply that were unusable (or repeated) and left out. */
type Parsed = { cluster_id: number; sector_id: number; ideas: ParsedIdea[]; dropped: number };

const input = z.object({
  cluster_ids: z.array(z.number().int().positive()).min(1).max(100),
  ideas_per_cluster: z.number().int().min(3).max(MAX_IDEAS_PER_CLUSTER).default(3),
});

/**
 * The active 'ideas' strategy of each sector (at most one: the strategies API refuses overlaps).
 * Read here, not through the writer's service: the writer imports the planner, not the reverse.
 */
async function ideaStrategies(db: ShardDb, accountId: number, sectorIds: number[]) {
  const bySector = new Map<number, typeof strategies.$inferSelect>();
  for (const ids of chunk([...new Set(sectorIds)], 90)) {
    const rows = await db
      .select()
      .from(strategies)
      .where(
        and(eq(strategies.account_id, accountId), eq(strategies.is_active, true), inArray(strategies.sector_id, ids)),
      )
      .orderBy(strategies.id)
      .all();
    for (const r of rows) {
      if (r.sector_id != null && r.prompt_types.includes('ideas') && !bySector.has(r.sector_id))
        bySector.set(r.sector_id, r);
    }
  }
  return bySector;
}

export const generateIdeas: AiFunctionDefinition<z.output<typeof input>, Meta, Parsed> = {
  name: 'generate_ideas',
  promptType: 'ideas',
  unitPlural: "clusters' ideas",
  input,
  reserve: ({ cluster_ids }) => new Set(cluster_ids).size * MAX_IDEAS_PER_CLUSTER,

  async prepare(ctx, { cluster_ids, ideas_per_cluster }) {
    // In parts: 100 clusters and the account and site would bind 102 parameters (D1 allows 100).
    const rows = [];
    for (const ids of chunk([...new Set(cluster_ids)], 90)) {
      rows.push(
        ...(await ctx.db
          .select()
          .from(clusters)
          .where(
            and(eq(clusters.account_id, ctx.accountId), eq(clusters.site_id, ctx.siteId), inArray(clusters.id, ids)),
          )
          .all()),
      );
    }
    if (!rows.length) throw new InvalidJobInput('None of the selected clusters exist any more.');
    const batches = [];
    const strategyOf = await ideaStrategies(
      ctx.db,
      ctx.accountId,
      rows.map((r) => r.sector_id),
    );
    // Seed: one cluster per AI call, so every idea keeps its cluster and outline.
    for (const cluster of rows.sort((a, b) => a.id - b.id)) {
      const kws = await ctx.db
        .select({ keyword: keywords.keyword })
        .from(keywordClusters)
        .innerJoin(
          keywords,
          and(eq(keywords.account_id, keywordClusters.account_id), eq(keywords.id, keywordClusters.keyword_id)),
        )
        .where(and(eq(keywordClusters.account_id, ctx.accountId), eq(keywordClusters.cluster_id, cluster.id)))
        .orderBy(desc(keywords.volume))
        .limit(25)
        .all();
      const list = kws.map((k) => k.keyword);
      batches.push({
        index: batches.length,
        input: {
          clusters: [{ id: cluster.id, name: cluster.name, description: cluster.description, keywords: list }],
          ideas_per_cluster,
          // The sector's strategy: its required sections belong in every outline, its range in the estimate.
          ...(strategyOf.has(cluster.sector_id)
            ? { strategy: strategySection(strategyOf.get(cluster.sector_id)!) }
            : {}),
        },
        meta: { cluster_id: cluster.id, sector_id: cluster.sector_id, keywords: list.length ? list : [cluster.name] },
      });
    }
    return { batches, summary: `Generating ideas for ${rows.length} cluster${rows.length === 1 ? '' : 's'}` };
  },

  parse(reply, batch) {
    const result = normalizeIdeasReply(reply);
    if (!result.ok) throw new InvalidReply(result.reason);
    const own = new Map(batch.meta.keywords.map((k) => [normalizeKeyword(k), k]));
    const seen = new Set<string>();
    const ideas = result.value.ideas
      .filter((idea) => {
        const key = normalizeKeyword(idea.title);
        return !seen.has(key) && seen.add(key);
      })
      .slice(0, MAX_IDEAS_PER_CLUSTER)
      .map((idea) => {
        // Target keywords come from the cluster; anything else the model offers is dropped.
        const targets = [
          ...new Set(idea.target_keywords.map((k) => own.get(normalizeKeyword(k))).filter((k): k is string => !!k)),
        ];
        return {
          ...idea,
          target_keywords: targets.length ? targets : batch.meta.keywords.slice(0, 1),
          outline: idea.outline.slice(0, MAX_OUTLINE_SECTIONS),
        };
      });
    if (!ideas.length) throw new InvalidReply('no ideas in the reply');
    return {
      cluster_id: batch.meta.cluster_id,
      sector_id: batch.meta.sector_id,
      ideas,
      dropped: result.dropped + result.value.ideas.length - ideas.length,
    };
  },

  save(ctx, _prepared, parsed) {
    const now = new Date();
    const rows = parsed.flatMap((p) =>
      p.ideas.map((idea) => ({
        account_id: ctx.accountId,
        site_id: ctx.siteId,
        sector_id: p.sector_id,
        cluster_id: p.cluster_id,
        idea_title: idea.title,
        description: idea.description,
        content_type: idea.content_type,
        content_structure: idea.content_structure,
        target_keywords: idea.target_keywords,
        estimated_word_count: idea.estimated_word_count,
        outline: idea.outline,
        status: 'new' as const,
        source_job_id: ctx.jobId,
        created_at: now,
        updated_at: now,
      })),
    );
    return {
      // Each INSERT under D1's 100 bound parameters (15 a row: 6 rows a statement), in the job's one batch.
      statements: withinParamLimit(rows, (part) => ctx.db.insert(contentIdeas).values(part).onConflictDoNothing()),
      charge: rows.length,
      changed: ['ideas'],
      result: {
        ideas: rows.length,
        clusters: parsed.length,
        titles: rows.map((r) => r.idea_title).slice(0, 50),
        ideas_dropped: parsed.reduce((n, p) => n + p.dropped, 0),
      },
    };
  },
};
