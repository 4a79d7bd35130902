/**
 * The draft's HTML projection in D1: the content row's html_content, word_count and
 * draft_revision, written from the DraftRoom on save. The row is addressed by account_id AND id on
 * the account's shard (defence in depth: a room can only ever touch its own account's row).
 */
import { and, eq, ne, sql } from 'drizzle-orm';
import { content } from '../../core/schema/shard';
import { shardDb, shardOfAccount, type ShardName } from '../../worker/db/shards';
import type { Env } from '../../worker/env';
import type { ProjectionResult } from './protocol';

export interface DraftTarget {
  accountId: number;
  contentId: number;
  shard: ShardName;
  siteId: number;
}

/** D1 caps a row at 2 MB (STACK.md); the row has other columns, so the HTML gets a bit less. */
export const MAX_PROJECTION_BYTES = 1_500_000;

/** The content row behind a room (null: the account or the row is gone). */
export async function resolveTarget(
  env: Env,
  accountId: number,
  contentId: number,
): Promise<(DraftTarget & { html: string }) | null> {
  const shard = await shardOfAccount(env, accountId);
  if (!shard) return null;
  const row = await shardDb(env, shard)
    .select({ site_id: content.site_id, html: content.html_content })
    .from(content)
    .where(and(eq(content.account_id, accountId), eq(content.id, contentId)))
    .get();
  return row ? { accountId, contentId, shard, siteId: row.site_id, html: row.html } : null;
}

/**
 * Writes the projection when it differs from the row's (so a save that changed nothing visible
 * doesn't bump draft_revision), returning the new revision.
 */
export async function writeProjection(
  env: Env,
  target: DraftTarget,
  html: string,
  words: number,
): Promise<ProjectionResult> {
  const bytes = new TextEncoder().encode(html).byteLength;
  if (bytes > MAX_PROJECTION_BYTES) return { kind: 'too_large', bytes };
  const row = await shardDb(env, target.shard)
    .update(content)
    .set({
      html_content: html,
      word_count: words,
      draft_revision: sql`${content.draft_revision} + 1`,
      updated_at: new Date(),
    })
    .where(
      and(eq(content.account_id, target.accountId), eq(content.id, target.contentId), ne(content.html_content, html)),
    )
    .returning({ draft_revision: content.draft_revision })
    .get();
  return row ? { kind: 'written', draft_revision: row.draft_revision } : { kind: 'unchanged' };
}
