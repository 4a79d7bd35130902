/**
 * Scheduling a publish (to WordPress or the IGNY8 site) and taking it back. The content waits as
 * 'scheduled' with its publish_at and destination; a 'pending' PublishingRecord says who scheduled
 * it for when; the site's coordinator keeps the schedule and its alarm fires it once
 * (durable-objects/site-coordinator/scheduled-publish.ts, then schedule-fire.ts).
 *
 * Order of writes, so that no failure in between can publish what should not be: the record
 * first, then the coordinator is told, then the content row changes (one batch). The firing
 * re-checks the row against the schedule it carries, so a schedule whose row never changed (the
 * batch failed), was rescheduled, unscheduled or deleted publishes nothing.
 */
import { and, eq } from 'drizzle-orm';
import type { PublishDestination } from '../../core/domain/enums';
import { content, type SiteRow } from '../../core/schema/shard';
import { schedulerOf } from '../../durable-objects/site-coordinator/scheduled-publish-client';
import { runBatch } from '../db/batch';
import type { Env } from '../env';
import { BadRequest, Conflict, NotFound } from '../http/errors';
import type { Tenant } from '../middleware/tenant';
import { requireSite } from '../sites/access';
import { isWordPressConfigured, wordpressConnectionOf } from '../integration/connection';
import { contentPageStatement } from '../inventory/service';
import { contentStatusStatement } from '../writer/content-service';
import {
  type ContentRow,
  insertRecordStatement,
  pendingScheduledRecord,
  type RecordRow,
  retirePendingRecordsStatement,
  scheduleColumnsStatement,
  type ScheduleMetadata,
} from './schedule-records';
import { siteBaseUrl } from './deploy-start';
import { directoryOfSite } from './site-directory';

/** A publish_at this close to now (or earlier) is "now or the past": refused (publish now instead). */
const MIN_LEAD_MS = 5_000;

export const userName = (tenant: Tenant) => tenant.user.name || tenant.user.email;

export async function contentOfTenant(tenant: Tenant, contentId: number): Promise<ContentRow> {
  const row = await tenant.db
    .select()
    .from(content)
    .where(and(eq(content.account_id, tenant.account.id), eq(content.id, contentId)))
    .get();
  if (!row) throw new NotFound('Content');
  return row;
}

/** 409 unless the site has a live deployment on IGNY8 (there is nothing to publish into yet). */
export async function requireLiveSite(env: Env, accountId: number, siteId: number) {
  const directory = await directoryOfSite(env, accountId, siteId);
  if (!directory?.live_version)
    throw new Conflict(
      'This site is not live on IGNY8 yet: deploy its blueprint first (Site Builder → Deploy), then publish to it.',
      'site_not_deployed',
    );
  return directory;
}

/** 409 unless the site has a WordPress connection to publish to. */
async function requireWordPress(tenant: Tenant, site: SiteRow) {
  if (!isWordPressConfigured(await wordpressConnectionOf(tenant.db, tenant.account.id, site.id)))
    throw new Conflict(
      "This site has no WordPress connection: add it in the site's WordPress settings first.",
      'wordpress_not_connected',
    );
}

export interface ScheduleInput {
  destination: PublishDestination;
  wpStatus: 'draft' | 'publish';
  publishAt: Date;
  /** The request's origin: the IGNY8 site's base URL is built from it when the site has no hostname. */
  origin: string;
}

export async function schedulePublish(env: Env, tenant: Tenant, contentId: number, input: ScheduleInput) {
  const accountId = tenant.account.id;
  if (input.publishAt.getTime() < Date.now() + MIN_LEAD_MS)
    throw new BadRequest('publish_at must be in the future: publish now instead.', 'publish_at_past', {
      publish_at: ['Must be in the future.'],
    });
  const row = await contentOfTenant(tenant, contentId);
  const site = await requireSite(tenant, row.site_id, 'write');
  let baseUrl: string | null = null;
  if (input.destination === 'wordpress') await requireWordPress(tenant, site);
  else baseUrl = siteBaseUrl(input.origin, await requireLiveSite(env, accountId, row.site_id));

  // A reschedule keeps the status the content had before it was first scheduled.
  const previous =
    row.status === 'scheduled'
      ? (((await pendingScheduledRecord(tenant.db, accountId, row.id))?.metadata as ScheduleMetadata | undefined)
          ?.previous_status ?? 'draft')
      : row.status;
  const metadata: ScheduleMetadata = {
    publish_at: input.publishAt.toISOString(),
    scheduled_by: { id: tenant.user.id, name: userName(tenant) },
    previous_status: previous,
    ...(input.destination === 'wordpress' ? { wp_status: input.wpStatus } : { action: 'publish' as const }),
    ...(baseUrl ? { base_url: baseUrl } : {}),
  };
  const [record] = await insertRecordStatement(tenant.db, row, {
    destination: input.destination,
    status: 'pending',
    userId: tenant.user.id,
    metadata,
  });
  const schedule = await schedulerOf(env, accountId, row.site_id).schedulePublish({
    content_id: row.id,
    destination: input.destination,
    publish_at: input.publishAt.getTime(),
    record_id: record!.id,
    account_id: accountId,
    shard: tenant.shard,
    site_id: row.site_id,
    user_id: tenant.user.id,
    user_name: userName(tenant),
    options: input.destination === 'wordpress' ? { wp_status: input.wpStatus } : { base_url: baseUrl ?? '' },
  });
  const when = input.publishAt.toISOString();
  await runBatch(tenant.db, [
    retirePendingRecordsStatement(
      tenant.db,
      accountId,
      row.id,
      `Rescheduled by ${userName(tenant)} to ${when}`,
      record!.id,
    ),
    contentStatusStatement(tenant.db, accountId, row.id, { status: 'scheduled', byUserId: tenant.user.id }),
    scheduleColumnsStatement(tenant.db, accountId, row.id, {
      publishAt: input.publishAt,
      destination: input.destination,
    }),
    contentPageStatement({ accountId, siteId: row.site_id, contentId: row.id }),
  ]);
  return {
    content: presentContent(await contentOfTenant(tenant, row.id)),
    record: record as RecordRow,
    schedule: { publish_at: when, destination: input.destination, state: schedule.state },
  };
}

/**
 * Takes a schedule back: the coordinator forgets it (unless it is firing this moment: then 409),
 * the content returns to its status before, the record is closed as failed ("Unscheduled by Ann").
 */
export async function unschedulePublish(env: Env, tenant: Tenant, contentId: number) {
  const accountId = tenant.account.id;
  const row = await contentOfTenant(tenant, contentId);
  await requireSite(tenant, row.site_id, 'write');
  if (row.status !== 'scheduled') throw new Conflict('This content is not scheduled.', 'not_scheduled');
  const scheduler = schedulerOf(env, accountId, row.site_id);
  const cancelled = await scheduler.unschedulePublish(row.id);
  if (!cancelled) {
    const current = await scheduler.scheduledPublish(row.id);
    if (current && (current.state === 'firing' || current.state === 'fired'))
      throw new Conflict('Its time came: it is being published right now.', 'publish_in_progress');
  }
  const record = await pendingScheduledRecord(tenant.db, accountId, row.id);
  const previous = (record?.metadata as ScheduleMetadata | undefined)?.previous_status;
  const back = previous && previous !== 'scheduled' ? previous : 'draft';
  const reason = `Unscheduled by ${userName(tenant)}`;
  await runBatch(tenant.db, [
    retirePendingRecordsStatement(tenant.db, accountId, row.id, reason),
    contentStatusStatement(tenant.db, accountId, row.id, {
      status: back,
      byUserId: tenant.user.id,
      from: ['scheduled'],
    }),
    scheduleColumnsStatement(tenant.db, accountId, row.id, { publishAt: null, destination: null }),
    contentPageStatement({ accountId, siteId: row.site_id, contentId: row.id }),
  ]);
  return {
    content: presentContent(await contentOfTenant(tenant, row.id)),
    record_id: record?.id ?? null,
  };
}

/** The content fields a publish answer carries. */
export function presentContent(row: ContentRow) {
  return {
    id: row.id,
    title: row.title,
    status: row.status,
    publish_at: row.publish_at,
    publish_destination: row.publish_destination,
    site_published_at: row.site_published_at,
    published_at: row.published_at,
    wp_post_id: row.wp_post_id,
    wp_post_url: row.wp_post_url,
  };
}
