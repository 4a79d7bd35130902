/**
 * The draft's projection in D1: the content row's html_content, word_count and draft_revision, and
 * the meta fields of the draft's meta map (title, slug, SEO fields, keywords, tags), written from the
 * DraftRoom on save, in one batch with what the room derived from the same document (the article's
 * inventory page, its links, its score: analysis.ts). The row is addressed by account_id AND id on
 * the account's shard (defence in depth: a room can only ever touch its own account's row).
 */
import { and, eq, ne, sql } from 'drizzle-orm';
import type { DraftMetaFields } from '../../core/draft/meta';
import { content } from '../../core/schema/shard';
import { slugify } from '../../core/validation/common';
import { runBatch, type Statement } from '../../worker/db/batch';
import { shardDb, shardOfAccount, type ShardName } from '../../worker/db/shards';
import type { Env } from '../../worker/env';
import type { ProjectionResult } from './protocol';

export interface DraftTarget {
  accountId: number;
  contentId: number;
  shard: ShardName;
  siteId: number;
}

/** What a room starts a new document (or a document from before meta fields) from. */
export type ContentSeed = DraftTarget & { html: string; meta: DraftMetaFields };

/** D1 caps a row at 2 MB (STACK.md); the row has other columns, so the HTML gets a bit less. */
export const MAX_PROJECTION_BYTES = 1_500_000;

/** The content row behind a room (null: the account or the row is gone). */
export async function resolveTarget(env: Env, accountId: number, contentId: number): Promise<ContentSeed | null> {
  const shard = await shardOfAccount(env, accountId);
  if (!shard) return null;
  const row = await shardDb(env, shard)
    .select({
      site_id: content.site_id,
      html: content.html_content,
      title: content.title,
      slug: content.slug,
      meta_title: content.meta_title,
      meta_description: content.meta_description,
      primary_keyword: content.primary_keyword,
      secondary_keywords: content.secondary_keywords,
      tags: content.tags,
    })
    .from(content)
    .where(and(eq(content.account_id, accountId), eq(content.id, contentId)))
    .get();
  if (!row) return null;
  const { site_id, html, ...meta } = row;
  return { accountId, contentId, shard, siteId: site_id, html, meta };
}

/**
 * The slug the row gets: the one typed (as a slug), else the title's; when another article of the
 * site holds it, this one's id is appended (slugs are unique per site, content_site_slug_idx).
 */
export async function projectedSlug(env: Env, target: DraftTarget, meta: DraftMetaFields): Promise<string> {
  const wanted = meta.slug || meta.title;
  if (!wanted.trim()) return '';
  const slug = slugify(wanted);
  const taken = await shardDb(env, target.shard)
    .select({ id: content.id })
    .from(content)
    .where(
      and(
        eq(content.account_id, target.accountId),
        eq(content.site_id, target.siteId),
        eq(content.slug, slug),
        ne(content.id, target.contentId),
      ),
    )
    .get();
  return taken ? `${slug.slice(0, 70)}-${target.contentId}` : slug;
}

export type Projection = { html: string; words: number; meta: DraftMetaFields | null; slug: string };

/**
 * Writes the projection when it differs from the row's (so a save that changed nothing visible
 * doesn't bump draft_revision), returning the new revision; `derived` (inventory, links, score)
 * goes in the same batch, after the row, so it reads the row as just written.
 */
export async function writeProjection(
  env: Env,
  target: DraftTarget,
  projection: Projection,
  derived: Statement[] = [],
): Promise<ProjectionResult> {
  const { html, words, meta, slug } = projection;
  const bytes = new TextEncoder().encode(html).byteLength;
  if (bytes > MAX_PROJECTION_BYTES) return { kind: 'too_large', bytes };
  const a = target.accountId;
  const c = target.contentId;
  // An empty title in the map keeps the row's (a content row always has one); the rest as written.
  const fields = meta
    ? sql`, title = COALESCE(NULLIF(${meta.title}, ''), title), slug = ${slug}, meta_title = ${meta.meta_title},
           meta_description = ${meta.meta_description}, primary_keyword = ${meta.primary_keyword},
           secondary_keywords = ${JSON.stringify(meta.secondary_keywords)}, tags = ${JSON.stringify(meta.tags)}`
    : sql``;
  const changed = meta
    ? sql`(html_content <> ${html} OR title <> COALESCE(NULLIF(${meta.title}, ''), title) OR slug <> ${slug}
           OR meta_title <> ${meta.meta_title} OR meta_description <> ${meta.meta_description}
           OR primary_keyword <> ${meta.primary_keyword}
           OR secondary_keywords <> ${JSON.stringify(meta.secondary_keywords)} OR tags <> ${JSON.stringify(meta.tags)})`
    : sql`html_content <> ${html}`;
  const update = sql`UPDATE content SET html_content = ${html}, word_count = ${words},
                       draft_revision = draft_revision + 1, updated_at = ${Date.now()} ${fields}
                      WHERE account_id = ${a} AND id = ${c} AND ${changed}
                      RETURNING draft_revision`;
  const [written] = await runBatch(shardDb(env, target.shard), [update, ...derived]);
  const row = (written?.results as { draft_revision: number }[] | undefined)?.[0];
  return row ? { kind: 'written', draft_revision: row.draft_revision } : { kind: 'unchanged' };
}
