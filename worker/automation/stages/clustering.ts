/**
 * Keywords → clusters: picks the rule's keywords (unclustered, not archived, the rule's sector or the
 * site, in pick order, up to keywords_per_run; or an import event's keyword ids) and clusters them
 * with auto_cluster, keywords_per_call keywords a job. Output: the clusters they landed in.
 */
import { sql } from 'drizzle-orm';
import { limitOf, planOf } from '../../catalog/plan';
import { creditsForKeywords } from '../../planner/ai/auto-cluster';
import { creditRoom, itemsWithin } from './budget';
import { chunkIds, enqueueRecorded, finishedState, recordInput, settleJobs } from './jobs';
import { pickKeywords } from './pick';
import type { Stage, StageContext } from './types';

export const clustering: Stage = {
  name: 'clustering',
  async step(ctx) {
    if (ctx.stage.job_ids.length) return settleJobs(ctx, () => clustersOf(ctx));
    const { run, config } = ctx;
    const perCall = config.batches.keywords_per_call;
    // As the route: not one cluster could be made at the plan's limit, so nothing is reserved for it.
    const maxClusters = limitOf((await planOf(ctx.tenant)).max_clusters);
    const total = await ctx.tenant.db.get<{ n: number }>(
      sql`SELECT count(*) AS n FROM clusters WHERE account_id = ${run.account_id}`,
    );
    if ((total?.n ?? 0) >= maxClusters)
      return { kind: 'done', state: finishedState(ctx, { note: `The plan allows ${maxClusters} clusters.` }) };
    if (ctx.stage.input_ids.length)
      return enqueueRecorded(
        ctx,
        'auto_cluster',
        chunkIds(ctx.stage.input_ids, perCall).map((keyword_ids) => ({ keyword_ids, max_clusters: maxClusters })),
      );

    const eventIds = run.trigger_payload?.keyword_ids;
    const picked = await pickKeywords(
      ctx.tenant.db,
      run.account_id,
      run.site_id,
      run.sector_id,
      config.pick_order,
      config.batches.keywords_per_run,
      { runId: run.id, ...(eventIds ? { onlyIds: eventIds } : {}) },
    );
    if (!picked.length) return recordInput(ctx, [], 'No unclustered keywords to take.');
    // Each call of keywords_per_call keywords costs 1 credit per 30 of them (at least 1).
    const room = await creditRoom(ctx);
    const calls = itemsWithin(room, creditsForKeywords(perCall), Math.ceil(picked.length / perCall));
    const taken = picked.slice(0, calls * perCall).map((k) => k.id);
    return recordInput(ctx, taken, taken.length < picked.length ? room.note(creditsForKeywords(perCall)) : null);
  },
};

/** The clusters the stage's keywords are in now. */
async function clustersOf(ctx: StageContext) {
  const rows = await ctx.tenant.db.all<{ id: number; cluster_id: number | null }>(sql`
    SELECT id, cluster_id FROM keywords
    WHERE account_id = ${ctx.run.account_id}
      AND id IN (SELECT value FROM json_each(${JSON.stringify(ctx.stage.input_ids)}))`);
  const ids = [...new Set(rows.flatMap((r) => (r.cluster_id === null ? [] : [r.cluster_id])))].sort((a, b) => a - b);
  const unplaced = ctx.stage.input_ids.length - rows.filter((r) => r.cluster_id !== null).length;
  return { ids, note: unplaced > 0 ? `${unplaced} keywords were left unclustered` : null };
}
