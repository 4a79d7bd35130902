/**
 * The publisher's own writes for scheduling and IGNY8 publishing, as statements for one D1 batch:
 * PublishingRecords, and the content columns the publisher owns (publish_at, publish_destination,
 * site_published_at: core/schema/owners.ts). content.status is the writer's
 * (worker/writer/content-service.ts contentStatusStatement).
 */
import { and, eq, ne, sql, type SQL } from 'drizzle-orm';
import type { PublishDestination } from '../../core/domain/enums';
import { content, publishingRecords } from '../../core/schema/shard';
import { absoluteUrl, sitePaths } from '../../core/site/paths';
import type { ShardDb } from '../db/shards';

export type RecordRow = typeof publishingRecords.$inferSelect;
export type ContentRow = typeof content.$inferSelect;

/** What a scheduled (or IGNY8) record says beside the WordPress attempt's own metadata. */
export interface ScheduleMetadata {
  publish_at?: string;
  scheduled_by?: { id: number; name: string };
  /** The status to go back to when unscheduled (draft or review, or published). */
  previous_status?: ContentRow['status'];
  wp_status?: 'draft' | 'publish';
  fired_at?: string;
  cancelled?: boolean;
  /** IGNY8: publish or unpublish, the deploy that carries it, the site's base URL. */
  action?: 'publish' | 'unpublish';
  deployment_id?: number;
  job_id?: string;
  base_url?: string;
}

const recordOf = (accountId: number, recordId: number) =>
  and(eq(publishingRecords.account_id, accountId), eq(publishingRecords.id, recordId));
const contentOf = (accountId: number, contentId: number) =>
  and(eq(content.account_id, accountId), eq(content.id, contentId));

/** A new record (one statement, RETURNING the row). */
export function insertRecordStatement(
  db: ShardDb,
  row: { account_id: number; site_id: number; id: number },
  record: { destination: PublishDestination; status: RecordRow['status']; userId: number; metadata: ScheduleMetadata },
) {
  const now = new Date();
  return db
    .insert(publishingRecords)
    .values({
      account_id: row.account_id,
      site_id: row.site_id,
      content_id: row.id,
      destination: record.destination,
      status: record.status,
      metadata: record.metadata as Record<string, unknown>,
      created_by_user_id: record.userId,
      created_at: now,
      updated_at: now,
    })
    .returning();
}

/** Merges `patch` into the record's metadata and sets `fields`; `onlyIf` guards it (a compare-and-set). */
export function updateRecordStatement(
  db: ShardDb,
  accountId: number,
  recordId: number,
  fields: Partial<Pick<RecordRow, 'status' | 'error_message' | 'destination_url' | 'destination_id' | 'published_at'>>,
  patch: ScheduleMetadata = {},
  onlyIf?: SQL,
) {
  return db
    .update(publishingRecords)
    .set({
      ...fields,
      metadata: sql`json_patch(${publishingRecords.metadata}, ${JSON.stringify(patch)})`,
      updated_at: new Date(),
    })
    .where(and(recordOf(accountId, recordId), onlyIf));
}

/** The content's pending scheduled records but `except`, closed as failed with `reason` (cancelled). */
export function retirePendingRecordsStatement(
  db: ShardDb,
  accountId: number,
  contentId: number,
  reason: string,
  except?: number,
) {
  return db
    .update(publishingRecords)
    .set({
      status: 'failed',
      error_message: reason,
      metadata: sql`json_patch(${publishingRecords.metadata}, ${JSON.stringify({ cancelled: true })})`,
      updated_at: new Date(),
    })
    .where(
      and(
        eq(publishingRecords.account_id, accountId),
        eq(publishingRecords.content_id, contentId),
        eq(publishingRecords.status, 'pending'),
        sql`json_extract(${publishingRecords.metadata}, '$.publish_at') IS NOT NULL`,
        except ? ne(publishingRecords.id, except) : undefined,
      ),
    );
}

/** The content's pending scheduled record (the one a schedule fires), if any. */
export function pendingScheduledRecord(db: ShardDb, accountId: number, contentId: number) {
  return db
    .select()
    .from(publishingRecords)
    .where(
      and(
        eq(publishingRecords.account_id, accountId),
        eq(publishingRecords.content_id, contentId),
        eq(publishingRecords.status, 'pending'),
        sql`json_extract(${publishingRecords.metadata}, '$.publish_at') IS NOT NULL`,
      ),
    )
    .orderBy(sql`${publishingRecords.id} DESC`)
    .get();
}

/** When and where the content waits to be published (null, null: not scheduled). `onlyIf` guards it. */
export function scheduleColumnsStatement(
  db: ShardDb,
  accountId: number,
  contentId: number,
  schedule: { publishAt: Date | null; destination: PublishDestination | null },
  onlyIf?: SQL,
) {
  return db
    .update(content)
    .set({ publish_at: schedule.publishAt, publish_destination: schedule.destination })
    .where(and(contentOf(accountId, contentId), onlyIf));
}

/** Live on the IGNY8 site from `at` (kept if it was live already), or taken off it (null). */
export function sitePublishedStatement(
  db: ShardDb,
  accountId: number,
  contentId: number,
  at: Date | null,
  onlyIf?: SQL,
) {
  return db
    .update(content)
    .set({
      site_published_at: at ? sql`COALESCE(${content.site_published_at}, ${at.getTime()})` : null,
      publish_at: null,
      publish_destination: null,
    })
    .where(and(contentOf(accountId, contentId), onlyIf));
}

/** Puts the IGNY8 columns back as they were (a publish that could not start its deploy). */
export function restoreSiteColumnsStatement(
  db: ShardDb,
  accountId: number,
  contentId: number,
  sitePublishedAt: Date | null,
) {
  return db
    .update(content)
    .set({ site_published_at: sitePublishedAt, publish_at: null, publish_destination: null })
    .where(contentOf(accountId, contentId));
}

/** The article's address on the IGNY8 site (core/site/paths.ts; the slug as the site model gives it). */
export function articleUrl(baseUrl: string, row: Pick<ContentRow, 'slug' | 'id'>): string {
  return absoluteUrl(baseUrl, sitePaths.article(row.slug || `article-${row.id}`));
}
