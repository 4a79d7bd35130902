import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { imagePromptsReply } from '../../../core/ai/contracts';
import { normalizeImagePromptsReply } from '../../../core/ai/normalize-reply';
import { htmlToText } from '../../../core/html/sanitize';
import { content, images } from '../../../core/schema/shard';
import { draftRoomOf } from '../../../durable-objects/draft-room/client';
import { forIdsWithinParamLimit, sqlList, withinParamLimit } from '../../db/batch';
import {
  InvalidJobInput,
  InvalidReply,
  type AiFunctionDefinition,
  type FunctionContext,
} from '../../../durable-objects/site-coordinator/engine/ai-function';

/** In-article images asked for per article: one per two sections, at most 4. */
const inArticleCount = (sections: number) => Math.max(0, Math.min(4, Math.floor(sections / 2)));

type Meta = { content_id: number; task_id: number | null; sector_id: number; sections: number };
/** dropped: in-article prompts of the reply that were unusable and left out. */
type Parsed = z.output<typeof imagePromptsReply> & Meta & { dropped: number };

const input = z.object({ content_ids: z.array(z.number().int().positive()).min(1).max(50) });

/** Splits an article into its H2 sections (text only) for the art director prompt. */
export function sectionsOf(html: string) {
  return html
    .split(/<h2[^>]*>/i)
    .slice(1)
    .map((part) => {
      const [head = '', ...rest] = part.split(/<\/h2>/i);
      return { h2: htmlToText(head).trim(), text: htmlToText(rest.join(' ')).slice(0, 600) };
    });
}

/**
 * New prompts replace the images not generated yet (save() deletes them). A failed image job may
 * already have put one of those into a draft (placement happens when the file is stored, before
 * the job saves): take such nodes out first, so no draft keeps showing an image that has no row.
 * Idempotent, and harmless if this job fails later: those images had no usable row anyway.
 */
async function removeUngeneratedFromDrafts(ctx: FunctionContext, contentIds: number[]) {
  const stale = await ctx.db
    .select({ id: images.id, content_id: images.content_id })
    .from(images)
    .where(
      and(
        eq(images.account_id, ctx.accountId),
        inArray(images.content_id, contentIds),
        inArray(images.status, ['pending', 'failed']),
      ),
    )
    .all();
  for (const image of stale) {
    if (image.content_id !== null) await draftRoomOf(ctx.env, ctx.accountId, image.content_id).removeImage(image.id);
  }
}

/** Seed: image prompts are included in the price of content generation (no credits). */
export const generateImagePrompts: AiFunctionDefinition<z.output<typeof input>, Meta, Parsed> = {
  name: 'generate_image_prompts',
  promptType: 'image_prompt_extraction',
  unitPlural: "articles' image prompts",
  input,
  reserve: () => 0,

  async prepare(ctx, { content_ids }) {
    const rows = await ctx.db
      .select()
      .from(content)
      .where(
        and(
          eq(content.account_id, ctx.accountId),
          eq(content.site_id, ctx.siteId),
          inArray(content.id, [...new Set(content_ids)]),
        ),
      )
      .all();
    const written = rows.filter((r) => r.html_content.trim());
    if (!written.length) throw new InvalidJobInput('None of the selected drafts has any text yet.');
    await removeUngeneratedFromDrafts(
      ctx,
      written.map((r) => r.id),
    );
    return {
      batches: written.map((row, index) => {
        const sections = sectionsOf(row.html_content);
        return {
          index,
          input: { title: row.title, sections, in_article_count: inArticleCount(sections.length) },
          meta: { content_id: row.id, task_id: row.task_id, sector_id: row.sector_id, sections: sections.length },
        };
      }),
      summary: `Image prompts for ${written.length} article${written.length === 1 ? '' : 's'}`,
    };
  },

  parse(reply, batch) {
    const result = normalizeImagePromptsReply(reply);
    if (!result.ok) throw new InvalidReply(result.reason);
    const last = Math.max(0, batch.meta.sections - 1);
    return {
      ...result.value,
      dropped: result.dropped,
      in_article: result.value.in_article
        .slice(0, 4)
        .map((p) => ({ ...p, after_section: Math.min(last, p.after_section) })),
      ...batch.meta,
    };
  },

  save(ctx, _prepared, parsed) {
    const now = Date.now();
    const a = ctx.accountId;
    const rows = parsed.flatMap((p) => [
      { p, type: 'featured', prompt: p.featured.prompt, alt: p.featured.alt, after: null as number | null },
      ...p.in_article.map((i) => ({ p, type: 'in_article', prompt: i.prompt, alt: i.alt, after: i.after_section })),
    ]);
    // Every statement under D1's 100 bound parameters, all in the job's one batch: first the
    // prompts not generated yet of these articles go (generated images stay until deleted), then
    // the new prompts, several rows an INSERT.
    const statements = [
      ...forIdsWithinParamLimit(
        parsed.map((p) => p.content_id),
        (ids) =>
          sql`DELETE FROM images
              WHERE account_id = ${a} AND status IN ('pending', 'failed') AND content_id IN (${sqlList(ids)})`,
      ),
      ...withinParamLimit(
        rows,
        (part) => sql`INSERT INTO images (account_id, site_id, sector_id, task_id, content_id, image_type, prompt, alt,
                                     after_section, status, created_at, updated_at)
                      VALUES ${sql.join(
                        part.map(
                          ({ p, type, prompt, alt, after }) =>
                            sql`(${a}, ${ctx.siteId}, ${p.sector_id}, ${p.task_id}, ${p.content_id}, ${type},
                                 ${prompt}, ${alt}, ${after}, 'pending', ${now}, ${now})`,
                        ),
                        sql`, `,
                      )}`,
      ),
    ];
    return {
      statements,
      charge: 0,
      changed: ['images'],
      result: {
        articles: parsed.length,
        prompts: parsed.reduce((n, p) => n + 1 + p.in_article.length, 0),
        prompts_dropped: parsed.reduce((n, p) => n + p.dropped, 0),
      },
    };
  },
};
