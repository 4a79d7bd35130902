/**
 * The Linker's suggestions and settings (issue 11, scope item 5): the owner of `link_suggestions`
 * and `linker_settings`. Suggestions are made by the draft room from its live document
 * (durable-objects/draft-room/links.ts); accepting one asks the room to put the link into the
 * shared draft, in one transaction, only while the anchor text is still there.
 *
 * The anchor is stored as the two halves of `encodeRange`'s "start.end" string: `anchor_start`
 * and `anchor_end` hold the base64 relative positions of its first and last character.
 */
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { linkerSettings, linkSuggestions, sitePages } from '../../core/schema/shard';
import type { LinkerSettingsBody } from '../../core/validation/linker';
import { draftRoomOf } from '../../durable-objects/draft-room/client';
import type { RoomLinkSuggestion } from '../../durable-objects/draft-room/protocol';
import type { Statement } from '../db/batch';
import type { ShardDb } from '../db/shards';
import type { Env } from '../env';
import { NotFound } from '../http/errors';
import { idList } from '../db/id-list';

export type SuggestionRow = typeof linkSuggestions.$inferSelect;
export type SuggestionStatus = SuggestionRow['status'];

/** A suggestion as the API shows it: its anchor as the one `range` string the browser can resolve in its own copy. */
export function suggestionView(row: SuggestionRow) {
  const { anchor_start, anchor_end, account_id: _account, ...rest } = row;
  return { ...rest, range: `${anchor_start}.${anchor_end}` };
}
export type SuggestionView = ReturnType<typeof suggestionView>;

const splitRange = (range: string) => {
  const [start = '', end = ''] = range.split('.');
  return { anchor_start: start, anchor_end: end };
};

type Origin = { direction: 'outbound' | 'inbound'; origin: 'rules' | 'ai'; jobId: string | null };

/**
 * Replaces an article's pending suggestions (of one direction; inbound: to the given targets only)
 * with `found`, for the caller's one batch. A suggestion the user rejected before (same target,
 * same words) is not made again.
 */
export function storeSuggestionsStatements(
  ref: { accountId: number; siteId: number; contentId: number },
  found: readonly RoomLinkSuggestion[],
  how: Origin & { onlyTargets?: readonly number[] },
): Statement[] {
  const { accountId, siteId, contentId } = ref;
  const targets = how.onlyTargets ? JSON.stringify(how.onlyTargets) : null;
  const now = Date.now();
  return [
    sql`DELETE FROM link_suggestions
         WHERE account_id = ${accountId} AND content_id = ${contentId} AND status = 'pending'
           AND direction = ${how.direction}
           AND (${targets} IS NULL OR target_page_id IN (SELECT value FROM json_each(${targets})))`,
    ...found.map((s) => {
      const { anchor_start, anchor_end } = splitRange(s.range);
      return sql`
        INSERT INTO link_suggestions (account_id, site_id, content_id, target_page_id, target_url, target_title,
                                      anchor_text, anchor_start, anchor_end, score, reason, origin, direction,
                                      status, job_id, created_at, updated_at)
        SELECT ${accountId}, ${siteId}, ${contentId}, ${s.target_page_id}, ${s.target_url}, ${s.target_title},
               ${s.anchor_text}, ${anchor_start}, ${anchor_end}, ${s.score}, ${s.reason}, ${how.origin},
               ${how.direction}, 'pending', ${how.jobId}, ${now}, ${now}
         WHERE NOT EXISTS (SELECT 1 FROM link_suggestions r
                            WHERE r.account_id = ${accountId} AND r.content_id = ${contentId}
                              AND r.target_page_id = ${s.target_page_id} AND r.anchor_text = ${s.anchor_text}
                              AND r.status IN ('rejected', 'pending'))`;
    }),
  ];
}

/**
 * Suggestions listed per article: every pending one (a run makes at most 10 outbound and inbound
 * ones per target) and the most recent decisions; years of decided rows stay out of the panel.
 */
export const MAX_LISTED_SUGGESTIONS = 200;

/** An article's suggestions: pending first (best first), then the decided ones, newest first. */
export function listSuggestions(db: ShardDb, accountId: number, contentId: number) {
  return db
    .select()
    .from(linkSuggestions)
    .where(and(eq(linkSuggestions.account_id, accountId), eq(linkSuggestions.content_id, contentId)))
    .orderBy(
      sql`CASE ${linkSuggestions.status} WHEN 'pending' THEN 0 ELSE 1 END`,
      desc(sql`CASE ${linkSuggestions.status} WHEN 'pending' THEN ${linkSuggestions.score} ELSE 0 END`),
      desc(linkSuggestions.updated_at),
      asc(linkSuggestions.id),
    )
    .limit(MAX_LISTED_SUGGESTIONS)
    .all();
}

export async function requireSuggestion(db: ShardDb, accountId: number, id: number): Promise<SuggestionRow> {
  const row = await db
    .select()
    .from(linkSuggestions)
    .where(and(eq(linkSuggestions.account_id, accountId), eq(linkSuggestions.id, id)))
    .get();
  if (!row) throw new NotFound('Suggestion');
  return row;
}

/** Records a decision on a pending suggestion; one already decided keeps its first decision. */
async function decide(db: ShardDb, row: SuggestionRow, status: SuggestionStatus, userId: number | null) {
  const now = new Date();
  await db
    .update(linkSuggestions)
    .set({ status, decided_by_user_id: userId, decided_at: now, updated_at: now })
    .where(
      and(
        eq(linkSuggestions.account_id, row.account_id),
        eq(linkSuggestions.id, row.id),
        eq(linkSuggestions.status, 'pending'),
      ),
    )
    .run();
  return requireSuggestion(db, row.account_id, row.id);
}

/** Whether the target is still a page a link may point to (published or scheduled). */
async function targetIsLive(db: ShardDb, row: SuggestionRow): Promise<boolean> {
  const page = await db
    .select({ status: sitePages.status })
    .from(sitePages)
    .where(
      and(
        eq(sitePages.account_id, row.account_id),
        eq(sitePages.site_id, row.site_id),
        eq(sitePages.id, row.target_page_id),
      ),
    )
    .get();
  return page?.status === 'published' || page?.status === 'scheduled';
}

/**
 * Puts the link into the shared draft: 'accepted' when it landed (accepting again finds it there
 * and changes nothing), 'stale' when the target is no longer live or the anchor text changed.
 * A suggestion already decided is answered as it stands.
 */
export async function acceptSuggestion(env: Env, db: ShardDb, row: SuggestionRow, userId: number | null) {
  if (row.status !== 'pending') return row;
  if (!(await targetIsLive(db, row))) return decide(db, row, 'stale', userId);
  const { outcome } = await draftRoomOf(env, row.account_id, row.content_id).applyLink({
    range: `${row.anchor_start}.${row.anchor_end}`,
    expectedText: row.anchor_text,
    href: row.target_url,
  });
  return decide(db, row, outcome === 'applied' ? 'accepted' : 'stale', userId);
}

export function rejectSuggestion(db: ShardDb, row: SuggestionRow, userId: number) {
  return row.status === 'pending' ? decide(db, row, 'rejected', userId) : Promise.resolve(row);
}

// ---------------------------------------------------------------- settings

export const DEFAULT_LINKER_SETTINGS = { max_links: 10, ai_pass: false, inbound_on_publish: true };
export type LinkerSettingsView = typeof DEFAULT_LINKER_SETTINGS & { site_id: number };

export async function linkerSettingsOf(db: ShardDb, accountId: number, siteId: number): Promise<LinkerSettingsView> {
  const row = await db
    .select({
      max_links: linkerSettings.max_links,
      ai_pass: linkerSettings.ai_pass,
      inbound_on_publish: linkerSettings.inbound_on_publish,
    })
    .from(linkerSettings)
    .where(and(eq(linkerSettings.account_id, accountId), eq(linkerSettings.site_id, siteId)))
    .get();
  return { site_id: siteId, ...DEFAULT_LINKER_SETTINGS, ...row };
}

export async function saveLinkerSettings(db: ShardDb, accountId: number, siteId: number, patch: LinkerSettingsBody) {
  const merged = { ...(await linkerSettingsOf(db, accountId, siteId)), ...patch };
  const now = new Date();
  const values = {
    max_links: merged.max_links,
    ai_pass: merged.ai_pass,
    inbound_on_publish: merged.inbound_on_publish,
    updated_at: now,
  };
  await db
    .insert(linkerSettings)
    .values({ account_id: accountId, site_id: siteId, ...values, created_at: now })
    .onConflictDoUpdate({ target: [linkerSettings.account_id, linkerSettings.site_id], set: values })
    .run();
  return linkerSettingsOf(db, accountId, siteId);
}

/** An article deleted: the links suggested for it go with it (for the delete's one batch). */
export function removeContentSuggestionsStatement(accountId: number, contentIds: readonly number[]): Statement {
  return sql`DELETE FROM link_suggestions WHERE account_id = ${accountId} AND content_id IN ${idList(contentIds)}`;
}
