/**
 * Tasks → articles: generate_content in jobs of tasks_per_batch tasks, as many articles as
 * articles_per_day still allows today (the rule's runs of the local day count) and the credit caps
 * allow (3 credits an article). Output: the articles written.
 */
import { sql } from 'drizzle-orm';
import { CREDITS_PER_PIECE, MAX_TASKS_PER_JOB } from '../../writer/ai/generate-content';
import { takeWithinCaps } from './budget';
import { chunkIds, enqueueRecorded, recordInput, settleJobs } from './jobs';
import { writableTasks } from './pick';
import { inputOf, scopeOf } from './scope';
import type { Stage, StageContext } from './types';

export const content: Stage = {
  name: 'content',
  async step(ctx) {
    if (ctx.stage.job_ids.length) return settleJobs(ctx, () => articlesOf(ctx));
    const perJob = Math.min(ctx.config.batches.tasks_per_batch, MAX_TASKS_PER_JOB);
    if (ctx.stage.input_ids.length)
      return enqueueRecorded(
        ctx,
        'generate_content',
        chunkIds(ctx.stage.input_ids, perJob).map((task_ids) => ({ task_ids })),
      );
    const given = inputOf(ctx);
    const candidates = await writableTasks(ctx.tenant.db, scopeOf(ctx), given, given?.length ?? perJob);
    if (!candidates.length) return recordInput(ctx, [], 'No tasks to write.');

    const { count, note } = await takeWithinCaps(
      ctx,
      'content',
      'articles_per_day',
      CREDITS_PER_PIECE,
      candidates.length,
    );
    return recordInput(ctx, candidates.slice(0, count), note);
  },
};

/** The articles of the stage's tasks that were written (their task completed). */
async function articlesOf(ctx: StageContext) {
  const rows = await ctx.tenant.db.all<{ content_id: number }>(sql`
    SELECT content_id FROM tasks
    WHERE account_id = ${ctx.run.account_id} AND status = 'completed' AND content_id IS NOT NULL
      AND id IN (SELECT value FROM json_each(${JSON.stringify(ctx.stage.input_ids)}))
    ORDER BY content_id`);
  return { ids: rows.map((r) => r.content_id) };
}
