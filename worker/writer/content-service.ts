/**
 * The writer owns the `content` table (core/schema/owners.ts): other features change an article
 * through these functions. html_content is the draft room's (its projection), never written here.
 * Functions named `…Statement(s)` return the query unrun, for a caller's single D1 batch
 * (DESIGN §7: no interactive transactions, so what must happen together goes in one batch()).
 */
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { CONTENT_STATUSES } from '../../core/domain/enums';
import { content } from '../../core/schema/shard';
import { forIdsWithinParamLimit, runBatch, type Statement } from '../db/batch';
import type { ShardDb } from '../db/shards';
import { contentPageStatement } from '../inventory/service';
import { idList } from '../db/id-list';

type ContentRow = typeof content.$inferSelect;
type ContentStatus = (typeof CONTENT_STATUSES)[number];
type WordPressPost = { postId: number; url: string | null };

const contentOf = (accountId: number, contentId: number) =>
  and(eq(content.account_id, accountId), eq(content.id, contentId));

/** Keeps the WordPress post an attempt created at once, so the next attempt updates it instead of making another. */
export async function linkWordPressPost(db: ShardDb, accountId: number, contentId: number, post: WordPressPost) {
  await db
    .update(content)
    .set({ wp_post_id: post.postId, wp_post_url: post.url })
    .where(contentOf(accountId, contentId));
}

/**
 * What a finished publish means for the article: live in WordPress → published (its first publish
 * date kept); pushed back to a WordPress draft → no longer live, so back to review.
 */
export async function recordWordPressPublish(
  db: ShardDb,
  row: ContentRow,
  post: WordPressPost & { wpStatus: string; byUserId: number },
): Promise<ContentRow | undefined> {
  const now = new Date();
  const patch: Partial<typeof content.$inferInsert> = { wp_post_id: post.postId, wp_post_url: post.url };
  const statusChange = { status_changed_at: now, status_changed_by_user_id: post.byUserId };
  if (post.wpStatus === 'publish') {
    if (row.status !== 'published') Object.assign(patch, { status: 'published', ...statusChange });
    patch.published_at = row.status === 'published' && row.published_at ? row.published_at : now;
  } else if (row.status === 'published') {
    Object.assign(patch, { status: 'review', ...statusChange });
  }
  const [saved] = await db.update(content).set(patch).where(contentOf(row.account_id, row.id)).returning();
  await refreshContentPage(db, row);
  return saved;
}

/**
 * The article's page in the site inventory follows its status and address (a published article
 * becomes a link target at once, not at its draft's next save). Run after the row changed: the
 * inventory is a read model rebuilt from the row, so a refresh that failed heals on the next one.
 */
export async function refreshContentPage(db: ShardDb, row: { account_id: number; site_id: number; id: number }) {
  await runBatch(db, [contentPageStatement({ accountId: row.account_id, siteId: row.site_id, contentId: row.id })]);
}

/**
 * A site moved to another WordPress: its articles' post ids mean nothing there (or, worse, are
 * other posts). Returned for the caller's batch with the site change.
 */
export function unlinkSiteFromWordPressStatement(db: ShardDb, accountId: number, siteId: number) {
  return db
    .update(content)
    .set({ wp_post_id: null, wp_post_url: null })
    .where(and(eq(content.account_id, accountId), eq(content.site_id, siteId)));
}

/** The sectors' articles, deleted with the sectors (for the sectors' one batch; chunked for D1's bound parameters). */
export function deleteSectorsContentStatements(db: ShardDb, accountId: number, sectorIds: number[]): Statement[] {
  return forIdsWithinParamLimit(sectorIds, (ids) =>
    db.delete(content).where(and(eq(content.account_id, accountId), inArray(content.sector_id, ids))),
  );
}

/**
 * A status change the publisher makes (scheduled; published on the IGNY8 site; back to what it was
 * when unscheduled), for the caller's batch. `from`: only while the row is in one of these statuses,
 * and `onlyIf`: a further condition, so a change that lost a race (a schedule firing after it was
 * cancelled) changes nothing. Going live keeps the first publish date.
 */
export function contentStatusStatement(
  db: ShardDb,
  accountId: number,
  contentId: number,
  change: { status: ContentStatus; byUserId: number; from?: ContentStatus[]; onlyIf?: SQL },
) {
  const now = new Date();
  return db
    .update(content)
    .set({
      status: change.status,
      status_changed_at: now,
      status_changed_by_user_id: change.byUserId,
      ...(change.status === 'published' && { published_at: sql`COALESCE(${content.published_at}, ${now.getTime()})` }),
    })
    .where(
      and(
        contentOf(accountId, contentId),
        change.from ? inArray(content.status, change.from) : undefined,
        change.onlyIf,
      ),
    );
}

/** The article rows themselves, last in the delete's batch (after everything that points at them). */
export function deleteContentStatement(db: ShardDb, accountId: number, contentIds: readonly number[]) {
  return db.delete(content).where(and(eq(content.account_id, accountId), sql`${content.id} IN ${idList(contentIds)}`));
}

/**
 * Editors move articles between draft and review (who and when are recorded), for the caller's
 * batch. A scheduled article is never moved here: it keeps its publish time until it is
 * unscheduled (the publisher's record would be left behind), so the condition is in the statement
 * itself and a schedule set between the read and the write wins.
 */
export function reviewStatusStatement(
  db: ShardDb,
  accountId: number,
  contentIds: readonly number[],
  change: { status: 'draft' | 'review'; byUserId: number },
) {
  return db
    .update(content)
    .set({ status: change.status, status_changed_by_user_id: change.byUserId, status_changed_at: new Date() })
    .where(
      and(
        eq(content.account_id, accountId),
        sql`${content.id} IN ${idList(contentIds)}`,
        sql`${content.status} <> 'scheduled'`,
      ),
    );
}
