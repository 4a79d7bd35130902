/**
 * The publishing calendar of a site: what is scheduled, what went live and what failed, per
 * destination, in a window of at most 92 days (core/validation/publisher.ts calendarQuery).
 * Two bounded queries on indexed scopes: the content waiting in the window, and the records that
 * ended in it. Cancelled schedules ("Unscheduled by Ann") and WordPress draft pushes are not
 * calendar events; an IGNY8 unpublish is not either.
 */
import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import type { PublishDestination } from '../../core/domain/enums';
import { content, publishingRecords } from '../../core/schema/shard';
import type { CalendarQuery } from '../../core/validation/publisher';
import type { Tenant } from '../middleware/tenant';
import { requireSite } from '../sites/access';

export interface CalendarItem {
  content_id: number;
  title: string;
  destination: PublishDestination;
  state: 'scheduled' | 'published' | 'failed';
  /** ISO-8601: when it is due (scheduled) or when it went live or failed. */
  at: string;
  record_id: number | null;
  url: string | null;
}

/** Items per kind a window returns at most (a busy quarter stays well under it). */
export const CALENDAR_LIMIT = 1000;

export async function siteCalendar(tenant: Tenant, q: CalendarQuery) {
  const accountId = tenant.account.id;
  await requireSite(tenant, q.site_id, 'read');
  const scheduled = await tenant.db
    .select({
      content_id: content.id,
      title: content.title,
      destination: content.publish_destination,
      at: content.publish_at,
      record_id: sql<number | null>`(SELECT max(r.id) FROM publishing_records r
        WHERE r.account_id = ${content.account_id} AND r.site_id = ${content.site_id} AND r.content_id = ${content.id}
          AND r.status = 'pending')`,
    })
    .from(content)
    .where(
      and(
        eq(content.account_id, accountId),
        eq(content.site_id, q.site_id),
        eq(content.status, 'scheduled'),
        gte(content.publish_at, q.from),
        lt(content.publish_at, q.to),
      ),
    )
    .orderBy(asc(content.publish_at))
    .limit(CALENDAR_LIMIT)
    .all();
  const at = sql<number>`COALESCE(${publishingRecords.published_at}, ${publishingRecords.updated_at})`;
  const ended = await tenant.db
    .select({
      content_id: publishingRecords.content_id,
      title: sql<string | null>`(SELECT c.title FROM content c
        WHERE c.account_id = ${publishingRecords.account_id} AND c.id = ${publishingRecords.content_id})`,
      destination: publishingRecords.destination,
      status: publishingRecords.status,
      at,
      record_id: publishingRecords.id,
      url: publishingRecords.destination_url,
    })
    .from(publishingRecords)
    .where(
      and(
        eq(publishingRecords.account_id, accountId),
        eq(publishingRecords.site_id, q.site_id),
        sql`${publishingRecords.status} IN ('published', 'failed')`,
        gte(at, q.from.getTime()),
        lt(at, q.to.getTime()),
        sql`COALESCE(json_extract(${publishingRecords.metadata}, '$.cancelled'), 0) = 0`,
        sql`COALESCE(json_extract(${publishingRecords.metadata}, '$.requested_status'), '') <> 'draft'`,
        sql`COALESCE(json_extract(${publishingRecords.metadata}, '$.action'), '') <> 'unpublish'`,
      ),
    )
    .orderBy(asc(at))
    .limit(CALENDAR_LIMIT)
    .all();
  const items: CalendarItem[] = [
    ...scheduled.map((r) => ({
      content_id: r.content_id,
      title: r.title,
      destination: r.destination ?? 'wordpress',
      state: 'scheduled' as const,
      at: r.at!.toISOString(),
      record_id: r.record_id,
      url: null,
    })),
    ...ended.map((r) => ({
      content_id: r.content_id,
      title: r.title ?? '(deleted)',
      destination: r.destination,
      state: r.status === 'published' ? ('published' as const) : ('failed' as const),
      at: new Date(Number(r.at)).toISOString(),
      record_id: r.record_id,
      url: r.url,
    })),
  ].sort((x, y) => x.at.localeCompare(y.at));
  return {
    site_id: q.site_id,
    from: q.from.toISOString(),
    to: q.to.toISOString(),
    items,
    truncated: scheduled.length >= CALENDAR_LIMIT || ended.length >= CALENDAR_LIMIT,
  };
}
