/**
 * Publishing an article to the site IGNY8 serves, and taking it off: the content row says it is
 * live there (site_published_at; status 'published' through the writer), a PublishingRecord
 * (destination 'igny8') follows the attempt, and an incremental deploy of the live blueprint
 * re-renders only what the article touches (worker/publisher/deploy-site.ts). The record is
 * 'publishing' until the deploy job ends: the site coordinator tracks the job and settles the
 * record then (settlePublishJob), published with the article's URL, or failed with the job's error.
 */
import { and, eq, type SQL } from 'drizzle-orm';
import type { Context } from 'hono';
import type { JobView } from '../../core/ai/jobs';
import { content, publishingRecords } from '../../core/schema/shard';
import { schedulerOf } from '../../durable-objects/site-coordinator/scheduled-publish-client';
import type { TrackedPublishJob } from '../../durable-objects/site-coordinator/scheduled-publish-protocol';
import { runBatch, type Statement } from '../db/batch';
import type { ShardDb } from '../db/shards';
import type { AppEnv, Env } from '../env';
import { ApiError, Conflict } from '../http/errors';
import type { Tenant } from '../middleware/tenant';
import { requireSite } from '../sites/access';
import { contentPageStatement } from '../inventory/service';
import { contentStatusStatement } from '../writer/content-service';
import { siteBaseUrl, startSiteDeploy } from './deploy-start';
import { contentOfTenant, presentContent, requireLiveSite, userName } from './schedule';
import {
  articleUrl,
  type ContentRow,
  insertRecordStatement,
  pendingScheduledRecord,
  type RecordRow,
  restoreSiteColumnsStatement,
  retirePendingRecordsStatement,
  type ScheduleMetadata,
  sitePublishedStatement,
  updateRecordStatement,
} from './schedule-records';

type Action = 'publish' | 'unpublish';

/**
 * Where a deploy is started from: a request (its origin names the dev site's URL), or the
 * coordinator's alarm (no request: the base URL saved with the schedule). startSiteDeploy reads
 * only `env` and the request URL of its context.
 */
export function deployContext(env: Env, origin: string): Context<AppEnv> {
  return { env, req: { url: origin } } as unknown as Context<AppEnv>;
}

/** The content statements of going live on the IGNY8 site (or off it), for the caller's batch. */
export function siteLiveStatements(
  db: ShardDb,
  row: ContentRow,
  action: Action,
  byUserId: number,
  guard?: SQL,
): Statement[] {
  const { account_id: accountId, id } = row;
  if (action === 'publish')
    return [
      contentStatusStatement(db, accountId, id, { status: 'published', byUserId, onlyIf: guard }),
      sitePublishedStatement(db, accountId, id, new Date(), guard),
    ];
  // Off the site: no longer live anywhere unless WordPress has it.
  const offline: Statement[] = row.wp_post_id
    ? []
    : [contentStatusStatement(db, accountId, id, { status: 'review', byUserId, from: ['published'], onlyIf: guard })];
  return [...offline, sitePublishedStatement(db, accountId, id, null, guard)];
}

/**
 * Starts the incremental deploy that carries a record's publish or unpublish, remembers it on the
 * record and has the coordinator track it. A deploy that cannot start fails the record.
 */
export async function startRecordDeploy(
  c: Context<AppEnv>,
  tenant: Tenant,
  row: ContentRow,
  record: RecordRow,
  action: Action,
  baseUrl: string | undefined,
) {
  const accountId = tenant.account.id;
  let started: Awaited<ReturnType<typeof startSiteDeploy>>;
  try {
    started = await startSiteDeploy(c, tenant, {
      siteId: row.site_id,
      kind: 'incremental',
      contentId: row.id,
      action,
      ...(baseUrl ? { baseUrl } : {}),
    });
  } catch (err) {
    if (err instanceof ApiError && err.code !== 'deploy_in_progress')
      await runBatch(tenant.db, [
        updateRecordStatement(tenant.db, accountId, record.id, { status: 'failed', error_message: err.message }),
      ]);
    throw err;
  }
  const { deployment, job } = started;
  await runBatch(tenant.db, [
    updateRecordStatement(
      tenant.db,
      accountId,
      record.id,
      { destination_id: String(deployment.id) },
      { deployment_id: deployment.id, job_id: job.id, base_url: baseUrl ?? deployment.url ?? undefined },
    ),
  ]);
  await schedulerOf(c.env, accountId, row.site_id).trackPublishJob({
    job_id: job.id,
    record_id: record.id,
    account_id: accountId,
    shard: tenant.shard,
    site_id: row.site_id,
    content_id: row.id,
  });
  return started;
}

/** POST /content/:id/publish/ {destination: 'igny8'} now: 202 with the record, the deployment and its job. */
export async function publishToSite(c: Context<AppEnv>, tenant: Tenant, contentId: number, action: Action) {
  const accountId = tenant.account.id;
  const row = await contentOfTenant(tenant, contentId);
  await requireSite(tenant, row.site_id, 'write');
  const directory = await requireLiveSite(c.env, accountId, row.site_id);
  if (action === 'unpublish' && !row.site_published_at)
    throw new Conflict('This content is not on the IGNY8 site.', 'not_published');
  // Publishing now replaces a schedule; its status before is what a failed start goes back to.
  let statusBefore = row.status;
  if (row.status === 'scheduled') {
    await schedulerOf(c.env, accountId, row.site_id).unschedulePublish(row.id);
    const pending = await pendingScheduledRecord(tenant.db, accountId, row.id);
    statusBefore = (pending?.metadata as ScheduleMetadata | undefined)?.previous_status ?? 'draft';
  }
  const baseUrl = siteBaseUrl(new URL(c.req.url).origin, directory);
  const metadata: ScheduleMetadata = { action, base_url: baseUrl };
  const results = await runBatch(tenant.db, [
    insertRecordStatement(tenant.db, row, {
      destination: 'igny8',
      status: 'publishing',
      userId: tenant.user.id,
      metadata,
    }),
    retirePendingRecordsStatement(tenant.db, accountId, row.id, `Published now by ${userName(tenant)}`),
    ...siteLiveStatements(tenant.db, row, action, tenant.user.id),
    contentPageStatement({ accountId, siteId: row.site_id, contentId: row.id }),
  ]);
  const recordId = (results[0]?.results?.[0] as { id: number } | undefined)?.id;
  const record = await recordById(tenant.db, accountId, recordId!);
  try {
    const { deployment, job } = await startRecordDeploy(c, tenant, row, record, action, baseUrl);
    return {
      record: await recordById(tenant.db, accountId, record.id),
      deployment,
      job,
      content: presentContent(await contentOfTenant(tenant, row.id)),
    };
  } catch (err) {
    // Nothing reached the site: the row goes back to what it said, the record says why.
    await runBatch(tenant.db, [
      restoreSiteColumnsStatement(tenant.db, accountId, row.id, row.site_published_at),
      contentStatusStatement(tenant.db, accountId, row.id, { status: statusBefore, byUserId: tenant.user.id }),
      updateRecordStatement(tenant.db, accountId, record.id, {
        status: 'failed',
        error_message: err instanceof Error ? err.message : String(err),
      }),
      contentPageStatement({ accountId, siteId: row.site_id, contentId: row.id }),
    ]);
    throw err;
  }
}

async function recordById(db: ShardDb, accountId: number, id: number): Promise<RecordRow> {
  return (await db
    .select()
    .from(publishingRecords)
    .where(and(eq(publishingRecords.account_id, accountId), eq(publishingRecords.id, id)))
    .get())!;
}

/** A tracked deploy job ended (in the coordinator's alarm): its record is published or failed. */
export async function settlePublishJob(db: ShardDb, job: JobView, tracked: TrackedPublishJob) {
  const record = await recordById(db, tracked.account_id, tracked.record_id);
  if (record?.status !== 'publishing') return;
  const meta = record.metadata as ScheduleMetadata;
  const onlyPublishing = eq(publishingRecords.status, 'publishing');
  if (job.status !== 'succeeded') {
    const why = job.error || job.message || `The deploy was ${job.status}.`;
    await runBatch(db, [
      updateRecordStatement(
        db,
        tracked.account_id,
        record.id,
        { status: 'failed', error_message: `The site was not updated: ${why}` },
        {},
        onlyPublishing,
      ),
    ]);
    return;
  }
  const row = await db
    .select()
    .from(content)
    .where(and(eq(content.account_id, tracked.account_id), eq(content.id, tracked.content_id)))
    .get();
  const url = meta.action !== 'unpublish' && row && meta.base_url ? articleUrl(meta.base_url, row) : null;
  await runBatch(db, [
    updateRecordStatement(
      db,
      tracked.account_id,
      record.id,
      { status: 'published', published_at: new Date(), error_message: null, destination_url: url },
      {},
      onlyPublishing,
    ),
  ]);
}
