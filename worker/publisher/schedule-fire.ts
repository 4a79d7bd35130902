/**
 * A schedule's time came (the site coordinator's alarm: durable-objects/site-coordinator/
 * scheduled-publish.ts): publish it once, as the user who scheduled it.
 *
 * 1. The claim, one D1 batch: the pending record becomes 'publishing' (stamped with this firing)
 *    only while the content still waits for exactly this time and destination, and the content
 *    leaves 'scheduled' only under that claim. A cancelled, rescheduled or deleted schedule, or a
 *    second firing, claims nothing.
 * 2. The publish under the claimed record: WordPress through the same code as the API
 *    (publish.ts); the IGNY8 site through an incremental deploy (site-publish.ts).
 * A restart after 1 finds the record 'publishing' and resumes step 2 under it (see the file named
 * above for why this is exactly once).
 */
import { and, eq, sql } from 'drizzle-orm';
import type { JobView } from '../../core/ai/jobs';
import { content, publishingRecords } from '../../core/schema/shard';
import type {
  ScheduledPublishSpec,
  TrackedPublishJob,
} from '../../durable-objects/site-coordinator/scheduled-publish-protocol';
import { runBatch } from '../db/batch';
import { isShardName, shardDb, type ShardDb } from '../db/shards';
import type { Env } from '../env';
import { ApiError } from '../http/errors';
import { contentPageStatement } from '../inventory/service';
import { requireSite } from '../sites/access';
import { contentStatusStatement } from '../writer/content-service';
import { PublishFailed, publishContent } from './publish';
import { ActorGone, tenantOfUser } from './schedule-actor';
import {
  type RecordRow,
  type ScheduleMetadata,
  scheduleColumnsStatement,
  updateRecordStatement,
} from './schedule-records';
import { deployContext, settlePublishJob, siteLiveStatements, startRecordDeploy } from './site-publish';

function shardOf(env: Env, shard: string): ShardDb {
  if (!isShardName(shard)) throw new Error(`Unknown shard ${shard}`);
  return shardDb(env, shard);
}

async function recordOf(db: ShardDb, spec: ScheduledPublishSpec): Promise<RecordRow | undefined> {
  return db
    .select()
    .from(publishingRecords)
    .where(and(eq(publishingRecords.account_id, spec.account_id), eq(publishingRecords.id, spec.record_id)))
    .get();
}

const failPending = (db: ShardDb, spec: ScheduledPublishSpec, reason: string) =>
  runBatch(db, [
    updateRecordStatement(
      db,
      spec.account_id,
      spec.record_id,
      { status: 'failed', error_message: reason },
      {},
      eq(publishingRecords.status, 'pending'),
    ),
  ]);

/** Step 1: claims the record and moves the content out of 'scheduled'. False when nothing is to be done. */
async function claim(db: ShardDb, spec: ScheduledPublishSpec, record: RecordRow): Promise<boolean> {
  const row = await db
    .select()
    .from(content)
    .where(and(eq(content.account_id, spec.account_id), eq(content.id, spec.content_id)))
    .get();
  if (!row) {
    await failPending(db, spec, 'The content was deleted before its scheduled time.');
    return false;
  }
  const firedAt = new Date().toISOString();
  const stillScheduled = sql`EXISTS (SELECT 1 FROM content c WHERE c.account_id = ${spec.account_id}
    AND c.id = ${spec.content_id} AND c.status = 'scheduled' AND c.publish_at = ${spec.publish_at}
    AND c.publish_destination = ${spec.destination})`;
  const claimed = sql`EXISTS (SELECT 1 FROM publishing_records r WHERE r.account_id = ${spec.account_id}
    AND r.id = ${spec.record_id} AND r.status = 'publishing'
    AND json_extract(r.metadata, '$.fired_at') = ${firedAt})`;
  const previous = (record.metadata as ScheduleMetadata).previous_status;
  const userId = spec.user_id;
  const contentChange =
    spec.destination === 'igny8'
      ? siteLiveStatements(db, row, 'publish', userId, claimed)
      : [
          // Back to what it was; the WordPress publish makes it 'published' when the post goes live.
          contentStatusStatement(db, spec.account_id, row.id, {
            status: previous && previous !== 'scheduled' ? previous : 'draft',
            byUserId: userId,
            onlyIf: claimed,
          }),
          scheduleColumnsStatement(db, spec.account_id, row.id, { publishAt: null, destination: null }, claimed),
        ];
  const results = await runBatch(db, [
    updateRecordStatement(
      db,
      spec.account_id,
      spec.record_id,
      { status: 'publishing' },
      { fired_at: firedAt },
      sql`${publishingRecords.status} = 'pending' AND ${stillScheduled}`,
    ),
    ...contentChange,
    contentPageStatement({ accountId: spec.account_id, siteId: spec.site_id, contentId: spec.content_id }),
  ]);
  if ((results[0]?.meta?.changes ?? 0) > 0) return true;
  const when = new Date(spec.publish_at).toISOString();
  await failPending(db, spec, `Not published: the content is no longer scheduled for ${when}.`);
  return false;
}

/**
 * Not published, and why (a record still pending or publishing: a finished one keeps its outcome).
 * A content still waiting for this schedule goes back to its status before: nothing will fire it.
 */
async function failRecord(db: ShardDb, spec: ScheduledPublishSpec, reason: string) {
  const record = await recordOf(db, spec);
  const previous = (record?.metadata as ScheduleMetadata | undefined)?.previous_status;
  const forThisTime = and(
    eq(content.publish_at, new Date(spec.publish_at)),
    eq(content.publish_destination, spec.destination),
  );
  await runBatch(db, [
    updateRecordStatement(
      db,
      spec.account_id,
      spec.record_id,
      { status: 'failed', error_message: reason },
      {},
      sql`${publishingRecords.status} IN ('pending', 'publishing')`,
    ),
    contentStatusStatement(db, spec.account_id, spec.content_id, {
      status: previous && previous !== 'scheduled' ? previous : 'draft',
      byUserId: spec.user_id,
      from: ['scheduled'],
      onlyIf: forThisTime,
    }),
    scheduleColumnsStatement(db, spec.account_id, spec.content_id, { publishAt: null, destination: null }, forThisTime),
    contentPageStatement({ accountId: spec.account_id, siteId: spec.site_id, contentId: spec.content_id }),
  ]);
}

/** The user who scheduled it, if they may still write to the site (else the record fails, saying why). */
async function actorOf(env: Env, db: ShardDb, spec: ScheduledPublishSpec) {
  try {
    const tenant = await tenantOfUser(env, spec.account_id, spec.user_id);
    await requireSite(tenant, spec.site_id, 'write');
    return tenant;
  } catch (err) {
    if (!(err instanceof ActorGone || err instanceof ApiError)) throw err;
    await failRecord(db, spec, `Not published: ${err.message}`);
    return null;
  }
}

export async function fireScheduledPublish(env: Env, spec: ScheduledPublishSpec): Promise<void> {
  const db = shardOf(env, spec.shard);
  let record = await recordOf(db, spec);
  if (!record || (record.status !== 'pending' && record.status !== 'publishing')) return;
  // Checked before the claim: a schedule whose author lost the site changes nothing on it.
  const tenant = await actorOf(env, db, spec);
  if (!tenant) return;
  if (record.status === 'pending') {
    if (!(await claim(db, spec, record))) return;
    record = (await recordOf(db, spec))!;
  }
  const meta = record.metadata as ScheduleMetadata;
  try {
    if (spec.destination === 'wordpress') {
      await publishContent(env, tenant, spec.content_id, {
        status: spec.options.wp_status ?? 'publish',
        recordId: record.id,
      }).catch((err) => {
        // The record already says what failed and what reached WordPress.
        if (!(err instanceof PublishFailed)) throw err;
      });
      return;
    }
    if (meta.job_id) return; // the deploy started before a restart; the coordinator tracks it
    const row = await db
      .select()
      .from(content)
      .where(and(eq(content.account_id, spec.account_id), eq(content.id, spec.content_id)))
      .get();
    if (!row) throw new ActorGone('The content was deleted.');
    const baseUrl = spec.options.base_url || meta.base_url || undefined;
    const origin = baseUrl ? new URL(baseUrl).origin : 'http://localhost';
    await startRecordDeploy(deployContext(env, origin), tenant, row, record, 'publish', baseUrl);
  } catch (err) {
    // Another deploy of the site is running: a transient refusal, the alarm tries again later.
    if (err instanceof ApiError && err.code === 'deploy_in_progress') throw err;
    if (!(err instanceof ActorGone || err instanceof ApiError)) throw err;
    await failRecord(db, spec, `Not published: ${err.message}`);
  }
}

/** The hooks the SiteCoordinator gives its scheduled publishes (the publishing is the publisher's). */
export function scheduledPublishHooks(env: Env) {
  return {
    fire: (spec: ScheduledPublishSpec) => fireScheduledPublish(env, spec),
    giveUp: async (spec: ScheduledPublishSpec, error: string) => {
      await failRecord(shardOf(env, spec.shard), spec, `Not published after several tries: ${error}`);
    },
    settle: (job: JobView, tracked: TrackedPublishJob) => settlePublishJob(shardOf(env, tracked.shard), job, tracked),
  };
}
