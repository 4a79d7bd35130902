/**
 * Drift (issue 13): a WordPress post we published that someone edited in WordPress after our last
 * publish of it. Found by the sync and by webhooks; open until pulled (the WordPress text becomes a
 * new version of the article's draft, "Pulled from WordPress") or dismissed. One row per article:
 * a later edit in WordPress reopens it.
 */
import { and, eq, sql } from 'drizzle-orm';
import { content, integrationDrift } from '../../../core/schema/shard';
import { draftRoomOf } from '../../../durable-objects/draft-room/client';
import type { Statement } from '../../db/batch';
import type { ShardDb } from '../../db/shards';
import type { Tenant } from '../../db/tenant';
import type { Env } from '../../env';
import { Conflict, NotFound } from '../../http/errors';
import { siteScope } from '../../http/site-access';
import { integrationById, wordpressClientFor, type IntegrationRow } from '../connection';
import { recordEvent } from '../service';
import { WordPressError } from '../wordpress-client';
import { idList } from '../../db/id-list';

export type DriftRow = typeof integrationDrift.$inferSelect;

/** The version names a pull leaves in the draft's history (the first is the editors' text before it). */
export const PULLED_VERSION = 'Pulled from WordPress';
export const BEFORE_PULL_VERSION = 'Before pulling from WordPress';

/** One of our articles among the synced posts: its WordPress post and when we last published it. */
export interface OwnArticle {
  contentId: number;
  wpPostId: number;
  lastPublishedAt: number | null;
}

/** Our articles behind these WordPress post ids (wp_post_id), with the time of our last publish to WordPress. */
export async function ownArticlesOf(
  db: ShardDb,
  accountId: number,
  siteId: number,
  postIds: readonly number[],
): Promise<Map<number, OwnArticle>> {
  if (!postIds.length) return new Map();
  const lastPublish = sql<number | null>`(SELECT max(r.published_at) FROM publishing_records r
      WHERE r.account_id = ${content.account_id} AND r.content_id = ${content.id}
        AND r.destination = 'wordpress' AND r.status = 'published')`;
  const rows = await db
    .select({ id: content.id, wp_post_id: content.wp_post_id, published_at: content.published_at, last: lastPublish })
    .from(content)
    .where(
      and(
        eq(content.account_id, accountId),
        eq(content.site_id, siteId),
        sql`${content.wp_post_id} IN (SELECT value FROM json_each(${JSON.stringify(postIds)}))`,
      ),
    )
    .all();
  return new Map(
    rows.map((r) => [
      r.wp_post_id!,
      { contentId: r.id, wpPostId: r.wp_post_id!, lastPublishedAt: r.last ?? r.published_at?.getTime() ?? null },
    ]),
  );
}

/**
 * Edited after our last publish? WordPress keeps modified_gmt in whole seconds, so our publish time
 * is compared at that resolution too (our own update of the post lands in the same second as our
 * record of it, and must not count as an edit).
 */
export function isDrift(remoteModifiedAt: number | null, lastPublishedAt: number | null): boolean {
  if (remoteModifiedAt === null || lastPublishedAt === null) return false;
  return remoteModifiedAt > Math.floor(lastPublishedAt / 1000) * 1000;
}

export interface DriftHit {
  contentId: number;
  wpPostId: number;
  remoteModifiedAt: number;
  lastPublishedAt: number | null;
}

/**
 * Opens a drift row per hit, or reopens one that was pulled or dismissed when WordPress changed the post
 * again since; the same edit seen twice changes nothing. One statement, the hits as one JSON parameter.
 */
export function openDriftStatement(
  integration: Pick<IntegrationRow, 'id' | 'account_id' | 'site_id'>,
  hits: readonly DriftHit[],
): Statement | null {
  if (!hits.length) return null;
  const now = Date.now();
  const json = JSON.stringify(
    hits.map((h) => ({ c: h.contentId, p: h.wpPostId, m: h.remoteModifiedAt, at: h.lastPublishedAt })),
  );
  return sql`
    INSERT INTO integration_drift (account_id, site_id, integration_id, content_id, wp_post_id, remote_modified_at,
                                   published_at, status, detected_at)
    SELECT ${integration.account_id}, ${integration.site_id}, ${integration.id}, json_extract(value, '$.c'),
           json_extract(value, '$.p'), json_extract(value, '$.m'), json_extract(value, '$.at'), 'open', ${now}
      FROM json_each(${json}) WHERE true
    ON CONFLICT (account_id, integration_id, content_id) DO UPDATE SET
      wp_post_id = excluded.wp_post_id, remote_modified_at = excluded.remote_modified_at,
      published_at = excluded.published_at, status = 'open', detected_at = excluded.detected_at,
      resolved_at = NULL, resolved_by_user_id = NULL
    WHERE excluded.remote_modified_at > integration_drift.remote_modified_at`;
}

export function driftView(row: DriftRow, title: string | null) {
  return {
    id: row.id,
    site_id: row.site_id,
    integration_id: row.integration_id,
    content_id: row.content_id,
    content_title: title,
    wp_post_id: row.wp_post_id,
    remote_modified_at: row.remote_modified_at.toISOString(),
    published_at: row.published_at?.toISOString() ?? null,
    status: row.status,
    detected_at: row.detected_at.toISOString(),
    resolved_at: row.resolved_at?.toISOString() ?? null,
  };
}

/** A drift row of a site the member can see (another account's or an unseen site's is 404). */
export async function requireDrift(tenant: Tenant, id: number): Promise<DriftRow> {
  const row = await tenant.db
    .select()
    .from(integrationDrift)
    .where(
      and(
        eq(integrationDrift.account_id, tenant.account.id),
        eq(integrationDrift.id, id),
        await siteScope(tenant, integrationDrift.site_id),
      ),
    )
    .get();
  if (!row) throw new NotFound('Drift');
  return row;
}

export async function titleOf(db: ShardDb, accountId: number, contentId: number): Promise<string | null> {
  const row = await db
    .select({ title: content.title })
    .from(content)
    .where(and(eq(content.account_id, accountId), eq(content.id, contentId)))
    .get();
  return row?.title ?? null;
}

const notOpen = (row: DriftRow) =>
  row.status === 'open'
    ? new Conflict('WordPress changed this post again meanwhile: look at it again.', 'drift_changed')
    : new Conflict(`This change was already ${row.status === 'pulled' ? 'pulled' : 'dismissed'}.`, 'drift_resolved');

/** Marks an open row resolved; null when someone resolved it meanwhile (compare-and-set on status). */
async function resolve(db: ShardDb, row: DriftRow, status: 'pulled' | 'dismissed', userId: number) {
  const [saved] = await db
    .update(integrationDrift)
    .set({ status, resolved_at: new Date(), resolved_by_user_id: userId })
    .where(
      and(
        eq(integrationDrift.account_id, row.account_id),
        eq(integrationDrift.id, row.id),
        eq(integrationDrift.status, 'open'),
        eq(integrationDrift.remote_modified_at, row.remote_modified_at),
      ),
    )
    .returning();
  return saved ?? null;
}

/**
 * Pull: the post's text in WordPress now (edit context: the raw HTML saved there) replaces the draft's
 * body as one change every editor receives, between two named versions: the editors' text before it
 * and "Pulled from WordPress". The drift row turns `pulled`.
 */
export async function pullDrift(env: Env, tenant: Tenant, row: DriftRow): Promise<DriftRow> {
  if (row.status !== 'open') throw notOpen(row);
  const integration = await integrationById(tenant.db, tenant.account.id, row.integration_id);
  if (!integration) throw new NotFound('Integration');
  const started = Date.now();
  const client = await wordpressClientFor(env, integration);
  let post: Awaited<ReturnType<typeof client.getPost>>;
  try {
    post = await client.getPost(row.wp_post_id);
  } catch (err) {
    if (err instanceof WordPressError) throw err.toApiError();
    throw err;
  }
  if (!post || post.status === 'trash')
    throw new Conflict(`WordPress post ${row.wp_post_id} no longer exists: nothing to pull.`, 'wp_post_gone');
  const html = post.content.raw ?? post.content.rendered ?? '';
  const room = draftRoomOf(env, tenant.account.id, row.content_id);
  await room.saveVersion(BEFORE_PULL_VERSION, tenant.user.id);
  await room.replaceWithHtml(html);
  const version = await room.saveVersion(PULLED_VERSION, tenant.user.id);
  const saved = await resolve(tenant.db, row, 'pulled', tenant.user.id);
  await recordEvent(tenant.db, integration, {
    kind: 'pull',
    status: 'ok',
    summary: `Pulled WordPress post ${row.wp_post_id} into article ${row.content_id} as a new draft version.`,
    detail: { drift_id: row.id, content_id: row.content_id, wp_post_id: row.wp_post_id, version_id: version.id },
    duration_ms: Date.now() - started,
  });
  return saved ?? (await requireDriftAgain(tenant.db, row));
}

export async function dismissDrift(tenant: Tenant, row: DriftRow): Promise<DriftRow> {
  if (row.status !== 'open') throw notOpen(row);
  const saved = await resolve(tenant.db, row, 'dismissed', tenant.user.id);
  if (!saved) throw notOpen(await requireDriftAgain(tenant.db, row));
  return saved;
}

async function requireDriftAgain(db: ShardDb, row: DriftRow): Promise<DriftRow> {
  const again = await db
    .select()
    .from(integrationDrift)
    .where(and(eq(integrationDrift.account_id, row.account_id), eq(integrationDrift.id, row.id)))
    .get();
  if (!again) throw new NotFound('Drift');
  return again;
}

/** An article deleted: its open drift (a WordPress edit waiting to be pulled) has nothing to pull into. */
export function removeContentDriftStatement(accountId: number, contentIds: readonly number[]): Statement {
  return sql`DELETE FROM integration_drift WHERE account_id = ${accountId} AND content_id IN ${idList(contentIds)}`;
}
