/**
 * `reparse_content` (the seed's "Reparse: 1 credit per reparse"): the model reads an article's
 * current HTML — one written by hand or pulled from WordPress — and returns its SEO structure:
 * meta title and description, primary and secondary keywords, tags, categories and the H2 outline.
 *
 * The meta fields live in the shared draft (DESIGN §9), so they are written THROUGH the draft room
 * (every open editor sees them change; the row gets them as the draft's projection), never into
 * the content row. Categories are not a draft field: they go to the row with the job's capture.
 * Charged once, on success; a failed call or an unusable reply costs nothing.
 */
import { and, eq, sql } from 'drizzle-orm';
import { reparseReply } from '../../../core/ai/contracts';
import { htmlToText } from '../../../core/html/sanitize';
import { type DraftMetaFields, META_LIST_MAX, META_TEXT_MAX } from '../../../core/draft/meta';
import { content } from '../../../core/schema/shard';
import { z } from 'zod';
import { draftRoomOf } from '../../../durable-objects/draft-room/client';
import {
  type AiFunctionDefinition,
  InvalidJobInput,
  InvalidReply,
} from '../../../durable-objects/site-coordinator/engine/ai-function';

export const REPARSE_CREDITS = 1;
/** What the model reads at most: a long article's HTML is cut (its headings come first anyway). */
export const REPARSE_MAX_HTML = 60_000;

export const reparseInput = z.object({ content_id: z.number().int().positive() });
type Input = z.output<typeof reparseInput>;
type Meta = { content_id: number };
type Fields = Pick<
  DraftMetaFields,
  'meta_title' | 'meta_description' | 'primary_keyword' | 'secondary_keywords' | 'tags'
>;
export type ReparseResult = Partial<Fields> & { categories: string[]; outline: string[] };

const INSTRUCTIONS =
  'Read the article HTML and report its SEO structure as it stands: a meta title (at most 60 characters), ' +
  'a meta description (120 to 156 characters), the primary keyword, up to 10 secondary keywords, tags, ' +
  'categories, and the H2 headings in order. Take them from the article; do not rewrite it.';

const oneLine = (s: string) => htmlToText(s).replace(/\s+/g, ' ').trim();
const list = (items: string[], max: number) => [...new Set(items.map(oneLine).filter(Boolean))].slice(0, max);

/** The reply as draft fields: empty answers are left out (a reparse never blanks a field). */
export function readReparse(reply: unknown): ReparseResult {
  const parsed = reparseReply.safeParse(reply);
  if (!parsed.success) throw new InvalidReply(`the reply is not an SEO structure (${parsed.error.message})`);
  const r = parsed.data;
  const out: ReparseResult = { categories: list(r.categories, 20), outline: list(r.outline, 40) };
  const text = { meta_title: r.meta_title, meta_description: r.meta_description, primary_keyword: r.primary_keyword };
  for (const [field, value] of Object.entries(text) as [keyof typeof text, string][]) {
    const clean = oneLine(value).slice(0, META_TEXT_MAX[field]);
    if (clean) out[field] = clean;
  }
  const secondary = list(r.secondary_keywords, META_LIST_MAX.secondary_keywords.items);
  if (secondary.length) out.secondary_keywords = secondary;
  const tags = list(r.tags, META_LIST_MAX.tags.items);
  if (tags.length) out.tags = tags;
  if (!out.meta_title && !out.meta_description && !out.primary_keyword)
    throw new InvalidReply('the reply names no meta title, description or keyword');
  return out;
}

export const reparseContent: AiFunctionDefinition<Input, Meta, ReparseResult> = {
  name: 'reparse_content',
  // No prompt type of its own (PROMPT_TYPES is a closed contract): the optimizer's editor prompt
  // plus the instructions in the input, which say what this call is for.
  promptType: 'content_optimization',
  unitPlural: 'articles',
  input: reparseInput,
  reserve: () => REPARSE_CREDITS,

  async prepare(ctx, { content_id }) {
    const row = await ctx.db
      .select({ id: content.id, title: content.title })
      .from(content)
      .where(and(eq(content.account_id, ctx.accountId), eq(content.site_id, ctx.siteId), eq(content.id, content_id)))
      .get();
    if (!row) throw new InvalidJobInput('The article no longer exists.');
    const { html } = await draftRoomOf(ctx.env, ctx.accountId, row.id).snapshotHtml();
    if (!htmlToText(html).trim()) throw new InvalidJobInput('The article has no text to read yet.');
    const input = {
      action: 'reparse',
      instructions: INSTRUCTIONS,
      title: row.title,
      html: html.slice(0, REPARSE_MAX_HTML),
    };
    return { batches: [{ index: 0, input, meta: { content_id: row.id } }], summary: `Reading “${row.title}”` };
  },

  parse: (reply) => readReparse(reply),

  /** The fields land in the shared draft when the reply is read, after a version to go back to. */
  sink(env, ctx, batch) {
    const room = draftRoomOf(env, ctx.accountId, batch.meta.content_id);
    return {
      begin: async () => undefined,
      section: async () => undefined,
      finish: async ({ categories: _c, outline: _o, ...fields }) => {
        // A draft at its version cap still gets the fields: the old values are in the editor's history.
        await room.saveVersion('Before reparse', ctx.userId).catch(() => undefined);
        await room.writeMeta(fields);
      },
      abort: async () => undefined,
    };
  },

  save(ctx, prepared, parsed) {
    const result = parsed[0];
    const contentId = prepared.batches[0]!.meta.content_id;
    const categories = result?.categories ?? [];
    return {
      statements: categories.length
        ? [
            sql`UPDATE content SET categories = ${JSON.stringify(categories)}, updated_at = ${Date.now()}
                WHERE account_id = ${ctx.accountId} AND id = ${contentId}`,
          ]
        : [],
      charge: result ? REPARSE_CREDITS : 0,
      changed: ['content'],
      result: { content_id: contentId, ...(result ?? {}) },
    };
  },
};
