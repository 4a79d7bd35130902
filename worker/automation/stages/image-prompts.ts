/**
 * Articles → image prompts: generate_image_prompts for the run's articles (free: the seed includes
 * them in the article's price), 50 articles a job. Output: the image rows waiting to be generated.
 */
import { sql } from 'drizzle-orm';
import { chunkIds, enqueueRecorded, recordInput, settleJobs } from './jobs';
import { pickDraftsWithoutImages } from './pick';
import { inputOf, scopeOf } from './scope';
import type { Stage, StageContext } from './types';

/** The function's limit (its input takes at most 50 articles). */
const ARTICLES_PER_JOB = 50;

export const imagePrompts: Stage = {
  name: 'image_prompts',
  async step(ctx) {
    if (ctx.stage.job_ids.length) return settleJobs(ctx, () => promptsOf(ctx));
    if (ctx.stage.input_ids.length)
      return enqueueRecorded(
        ctx,
        'generate_image_prompts',
        chunkIds(ctx.stage.input_ids, ARTICLES_PER_JOB).map((content_ids) => ({ content_ids })),
      );
    const given = inputOf(ctx) ?? ctx.run.trigger_payload?.content_ids ?? null;
    const articles = given ?? (await pickDraftsWithoutImages(ctx.tenant.db, scopeOf(ctx), ARTICLES_PER_JOB));
    return recordInput(ctx, articles, articles.length ? null : 'No articles to illustrate.');
  },
};

async function promptsOf(ctx: StageContext) {
  const rows = await ctx.tenant.db.all<{ id: number }>(sql`
    SELECT id FROM images
    WHERE account_id = ${ctx.run.account_id} AND status = 'pending'
      AND content_id IN (SELECT value FROM json_each(${JSON.stringify(ctx.stage.input_ids)}))
    ORDER BY id`);
  return { ids: rows.map((r) => r.id) };
}
