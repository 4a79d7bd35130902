/**
 * Clusters → ideas: generate_ideas for the clusters the run's keywords landed in that have no ideas
 * yet (or, when the rule starts here, the scope's clusters without ideas). The function makes one AI
 * call per cluster whatever a job holds, so a job takes up to 50 clusters. Output: the ideas made.
 */
import { sql } from 'drizzle-orm';
import { MAX_IDEAS_PER_CLUSTER } from '../../planner/ai/generate-ideas';
import { creditRoom, itemsWithin } from './budget';
import { chunkIds, enqueueRecorded, recordInput, settleJobs } from './jobs';
import { clustersWithoutIdeas, pickClustersWithoutIdeas } from './pick';
import { inputOf, scopeOf } from './scope';
import type { Stage, StageContext } from './types';

const CLUSTERS_PER_JOB = 50;

export const ideas: Stage = {
  name: 'ideas',
  async step(ctx) {
    if (ctx.stage.job_ids.length) return settleJobs(ctx, () => ideasOf(ctx));
    if (ctx.stage.input_ids.length)
      return enqueueRecorded(
        ctx,
        'generate_ideas',
        chunkIds(ctx.stage.input_ids, CLUSTERS_PER_JOB).map((cluster_ids) => ({ cluster_ids })),
      );
    const db = ctx.tenant.db;
    const given = inputOf(ctx);
    const candidates =
      given === null
        ? await pickClustersWithoutIdeas(db, scopeOf(ctx), ctx.config.batches.keywords_per_run)
        : await clustersWithoutIdeas(db, ctx.run.account_id, given);
    if (!candidates.length) return recordInput(ctx, [], 'No clusters without ideas.');
    // The hold is the most a cluster can cost (MAX_IDEAS_PER_CLUSTER ideas at 1 credit).
    const room = await creditRoom(ctx);
    const taken = candidates.slice(0, itemsWithin(room, MAX_IDEAS_PER_CLUSTER, candidates.length));
    return recordInput(ctx, taken, taken.length < candidates.length ? room.note(MAX_IDEAS_PER_CLUSTER) : null);
  },
};

async function ideasOf(ctx: StageContext) {
  const rows = await ctx.tenant.db.all<{ id: number }>(sql`
    SELECT id FROM content_ideas
    WHERE account_id = ${ctx.run.account_id}
      AND source_job_id IN (SELECT value FROM json_each(${JSON.stringify(ctx.stage.job_ids)}))
    ORDER BY id`);
  return { ids: rows.map((r) => r.id) };
}
