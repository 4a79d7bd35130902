import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { imageFileKey, mediaUrl } from '../../../core/media/image-keys';
import { images } from '../../../core/schema/shard';
import { classifyError, clientFor, decodeImageBase64 } from '../../lib/ai-provider';
import { resolvePrompt } from '../../system/prompts';
import { resolveRunware, runwareRequest } from '../../system/runware';
import { draftRoomOf } from '../../../durable-objects/draft-room/client';
import { forIdsWithinParamLimit, runBatch } from '../../db/batch';
import {
  chunk,
  InvalidJobInput,
  InvalidReply,
  type AiBatch,
  type AiFunctionDefinition,
  type FunctionContext,
} from '../../../durable-objects/site-coordinator/engine/ai-function';

/** Seed cost: 1 credit per image. */
export const CREDITS_PER_IMAGE = 1;

/** after_section: absent in jobs queued before images were placed into drafts (read as null). */
type Meta = {
  image_id: number;
  content_id: number | null;
  image_type: 'featured' | 'in_article';
  after_section?: number | null;
};
type Parsed = Meta & { r2_key: string; mime: string; width: number; height: number; provider: string; model: string };

const input = z.object({ image_ids: z.array(z.number().int().positive()).min(1).max(100) });

/** The file type from its first bytes: only images we can serve and publish are kept. */
export function sniffImage(bytes: Uint8Array): { mime: string; ext: string; width: number; height: number } | null {
  if (bytes.length > 24 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return { mime: 'image/png', ext: 'png', width: dv.getUint32(16), height: dv.getUint32(20) };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
    return { mime: 'image/jpeg', ext: 'jpg', width: 0, height: 0 };
  if (
    bytes.length > 12 &&
    String.fromCharCode(...bytes.subarray(0, 4)) === 'RIFF' &&
    String.fromCharCode(...bytes.subarray(8, 12)) === 'WEBP'
  ) {
    return { mime: 'image/webp', ext: 'webp', width: 0, height: 0 };
  }
  return null;
}

/**
 * Shows a saved in-article image in its content's live draft (the featured image is the post's
 * featured image, never part of the body). Runs from delivered(), after the image's row and its
 * credit landed: an image whose job was cancelled or failed before it was saved is never shown in
 * a draft for free. Best effort: the image and its credit stand without it, and the publisher
 * still inserts an in-article image the HTML lacks after its section. A replayed call finds its
 * node and changes nothing.
 */
async function placeInDraft(ctx: FunctionContext, batch: AiBatch<Meta>, key: string) {
  const { image_id, content_id, image_type } = batch.meta;
  if (image_type !== 'in_article' || content_id === null) return;
  try {
    // Deleted while the image was being made: don't put it back in the draft.
    const row = await ctx.db
      .select({ id: images.id })
      .from(images)
      .where(and(eq(images.account_id, ctx.accountId), eq(images.id, image_id)))
      .get();
    if (!row) return;
    const { alt } = batch.input as { alt: string };
    await draftRoomOf(ctx.env, ctx.accountId, content_id).placeImage({
      imageId: image_id,
      src: mediaUrl(key)!,
      alt,
      afterSection: batch.meta.after_section ?? null,
    });
  } catch (err) {
    console.warn(`generate_images: image ${image_id} not placed in the draft of content ${content_id}`, err);
  }
}

export const generateImages: AiFunctionDefinition<z.output<typeof input>, Meta, Parsed> = {
  name: 'generate_images',
  promptType: 'image_generation',
  unitPlural: 'images',
  input,
  reserve: ({ image_ids }) => new Set(image_ids).size * CREDITS_PER_IMAGE,

  async prepare(ctx, { image_ids }) {
    // In parts: 100 images and the account and site would bind 102 parameters (D1 allows 100).
    const rows = [];
    for (const ids of chunk([...new Set(image_ids)], 90)) {
      rows.push(
        ...(await ctx.db
          .select()
          .from(images)
          .where(and(eq(images.account_id, ctx.accountId), eq(images.site_id, ctx.siteId), inArray(images.id, ids)))
          .all()),
      );
    }
    if (!rows.length) throw new InvalidJobInput('None of the selected images exist any more.');
    const now = new Date();
    await runBatch(
      ctx.db,
      forIdsWithinParamLimit(
        rows.map((r) => r.id),
        (ids) =>
          ctx.db
            .update(images)
            .set({ status: 'generating', updated_at: now })
            .where(and(eq(images.account_id, ctx.accountId), inArray(images.id, ids))),
      ),
    );
    return {
      batches: rows.map((r, index) => ({
        index,
        input: { prompt: r.prompt, alt: r.alt, type: r.image_type },
        meta: { image_id: r.id, content_id: r.content_id, image_type: r.image_type, after_section: r.after_section },
      })),
      summary: `Generating ${rows.length} image${rows.length === 1 ? '' : 's'}`,
      changed: ['images'],
    };
  },

  /** Not generated after all: an image that had a file keeps it ("generated"), a new one is "failed". */
  abandon(ctx, { image_ids }) {
    return {
      statements: [
        sql`UPDATE images SET status = CASE WHEN r2_key IS NULL THEN 'failed' ELSE 'generated' END,
                              updated_at = ${Date.now()}
            WHERE account_id = ${ctx.accountId} AND status = 'generating'
              AND id IN (SELECT value FROM json_each(${JSON.stringify(image_ids)}))`,
      ],
      changed: ['images'],
    };
  },

  /** Images are not a chat: the provider call is the function's own (OpenAI images or Runware). */
  async run(env, ctx, batch, cfg, timeoutMs, signal) {
    const { prompt } = batch.input as { prompt: string };
    const template = await resolvePrompt(ctx.db, ctx.accountId, 'image_generation');
    const text = template.text.includes('{prompt}')
      ? template.text.replace('{prompt}', prompt)
      : `${template.text}\n${prompt}`;
    const [width, height] = batch.meta.image_type === 'featured' ? [1792, 1024] : [1024, 1024];
    let bytes: Uint8Array;
    let provider: string;
    let model: string;
    const runware = await resolveRunware(env, ctx.db, ctx.accountId).catch(() => null);
    if (runware && !runware.isDemo) {
      const data = await runwareRequest(
        runware,
        [
          {
            taskType: 'imageInference',
            taskUUID: crypto.randomUUID(),
            positivePrompt: text,
            width: 1024,
            height: batch.meta.image_type === 'featured' ? 576 : 1024,
            model: runware.model,
            outputType: 'base64Data',
            numberResults: 1,
          },
        ],
        timeoutMs,
        signal,
      );
      const b64 = data.find((d) => d.taskType === 'imageInference')?.imageBase64Data;
      if (typeof b64 !== 'string') throw new InvalidReply('Runware returned no image.');
      bytes = decodeImageBase64(b64);
      provider = 'runware';
      model = runware.model;
    } else {
      model = cfg.isDemo ? 'igny8-dev-image' : 'dall-e-3';
      const result = await clientFor(cfg, timeoutMs)
        .images.generate(
          { model, prompt: text, size: `${width}x${height}` as '1792x1024', n: 1, response_format: 'b64_json' },
          { signal },
        )
        .catch((err: unknown) => {
          throw classifyError(err);
        });
      const b64 = result.data?.[0]?.b64_json;
      if (!b64) throw new InvalidReply('The image provider returned no image.');
      bytes = decodeImageBase64(b64);
      provider = 'openai';
    }
    const kind = sniffImage(bytes);
    if (!kind) throw new InvalidReply('The image provider returned a file that is not a PNG, JPEG or WebP image.');
    // Keyed by image and job: a replayed call overwrites its own object, never another image's.
    const key = imageFileKey(ctx.accountId, ctx.siteId, batch.meta.image_id, ctx.jobId, kind.ext);
    await env.MEDIA.put(key, bytes, {
      httpMetadata: { contentType: kind.mime, cacheControl: 'private, max-age=31536000, immutable' },
    });
    return {
      parsed: {
        ...batch.meta,
        r2_key: key,
        mime: kind.mime,
        width: kind.width || width,
        height: kind.height || height,
        provider,
        model,
      },
      tokensIn: 0,
      tokensOut: 0,
      model,
    };
  },

  save(ctx, _prepared, parsed) {
    const now = Date.now();
    return {
      statements: parsed.map(
        (p) => sql`UPDATE images SET r2_key = ${p.r2_key}, mime_type = ${p.mime}, width = ${p.width},
                   height = ${p.height}, provider = ${p.provider},
                   model = ${p.model}, status = 'generated', wp_media_id = NULL, updated_at = ${now}
                   WHERE account_id = ${ctx.accountId} AND id = ${p.image_id}`,
      ),
      charge: parsed.length * CREDITS_PER_IMAGE,
      changed: ['images'],
      result: { images: parsed.length, image_ids: parsed.map((p) => p.image_id) },
    };
  },

  async delivered(ctx, batches, parsed) {
    for (const [i, batch] of batches.entries()) {
      const saved = parsed[i];
      if (saved) await placeInDraft(ctx, batch, saved.r2_key);
    }
  },
};
