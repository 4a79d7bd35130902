/**
 * Prompts → images: generate_images for the run's pending image rows (featured only when the rule
 * says `images: featured`), as many as images_per_day still allows today and the credit caps allow
 * (1 credit an image), 100 a job. Output: the images generated.
 */
import { sql } from 'drizzle-orm';
import { CREDITS_PER_IMAGE } from '../../writer/ai/generate-images';
import { takeWithinCaps } from './budget';
import { chunkIds, enqueueRecorded, recordInput, settleJobs } from './jobs';
import { pendingImages } from './pick';
import { inputOf, scopeOf } from './scope';
import type { Stage, StageContext } from './types';

/** The function's limit (its input takes at most 100 images). */
const IMAGES_PER_JOB = 100;
/** When the rule starts here: at most this many of the scope's pending images a run. */
const POOL_LIMIT = 500;

export const images: Stage = {
  name: 'images',
  async step(ctx) {
    if (ctx.stage.job_ids.length) return settleJobs(ctx, () => generatedOf(ctx));
    if (ctx.stage.input_ids.length)
      return enqueueRecorded(
        ctx,
        'generate_images',
        chunkIds(ctx.stage.input_ids, IMAGES_PER_JOB).map((image_ids) => ({ image_ids })),
      );
    const given = inputOf(ctx);
    const featuredOnly = ctx.config.images === 'featured';
    const wanted = await pendingImages(ctx.tenant.db, scopeOf(ctx), given, featuredOnly, given?.length ?? POOL_LIMIT);
    if (!wanted.length) return recordInput(ctx, [], 'No images to generate.');

    const { count, note } = await takeWithinCaps(ctx, 'images', 'images_per_day', CREDITS_PER_IMAGE, wanted.length);
    return recordInput(ctx, wanted.slice(0, count), note);
  },
};

async function generatedOf(ctx: StageContext) {
  const rows = await ctx.tenant.db.all<{ id: number }>(sql`
    SELECT id FROM images
    WHERE account_id = ${ctx.run.account_id} AND status = 'generated'
      AND id IN (SELECT value FROM json_each(${JSON.stringify(ctx.stage.input_ids)}))
    ORDER BY id`);
  return { ids: rows.map((r) => r.id) };
}
