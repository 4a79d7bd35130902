/**
 * Scheduled health checks: each cron tick sends one `integration.health` queue message (worker/events);
 * its consumer calls this. Per shard, in parallel: ONE indexed query for the active integrations
 * whose last check is older than an hour (never checked first: site_integrations_health_idx is
 * (is_active, last_health_at), and NULL sorts first), at most PER_SHARD of them, checked a few at a
 * time, and their results written in one batch per shard.
 */
import { and, asc, eq, isNull, lt, or } from 'drizzle-orm';
import { siteIntegrations } from '../../core/schema/shard';
import { coordinatorOf } from '../../durable-objects/site-coordinator/engine/client';
import { runBatch, type Statement } from '../db/batch';
import { SHARD_BINDINGS, type ShardName, shardDb } from '../db/shards';
import type { Env } from '../env';
import type { IntegrationRow } from './connection';
import { checkHealth, healthEvent } from './health';
import { saveHealthStatements } from './service';

export const HEALTH_INTERVAL_MS = 60 * 60 * 1000;
/** A tick's share per shard: the rest waits for the next tick (oldest first, so none starves). */
export const PER_SHARD = 25;
/** Checks at once per shard: a Worker keeps at most 6 connections open, shared by the 4 shards. */
const CONCURRENCY = 3;

async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

async function checkShard(env: Env, shard: ShardName, scheduledTime: number) {
  const db = shardDb(env, shard);
  const due = await db
    .select()
    .from(siteIntegrations)
    .where(
      and(
        eq(siteIntegrations.is_active, true),
        or(
          isNull(siteIntegrations.last_health_at),
          lt(siteIntegrations.last_health_at, new Date(scheduledTime - HEALTH_INTERVAL_MS)),
        ),
        eq(siteIntegrations.platform, 'wordpress'),
      ),
    )
    .orderBy(asc(siteIntegrations.last_health_at))
    .limit(PER_SHARD)
    .all();
  const checked = await mapLimited(due, CONCURRENCY, async (row: IntegrationRow) => ({
    row,
    report: await checkHealth(env, row),
  }));
  const statements: Statement[] = checked.flatMap(({ row, report }) =>
    saveHealthStatements(db, row, report, healthEvent(report)),
  );
  await runBatch(db, statements);
  // Whoever has the site open sees a chip that changed colour.
  await Promise.allSettled(
    checked
      .filter(({ row, report }) => row.health_status !== report.status)
      .map(({ row }) => coordinatorOf(env, row.account_id, row.site_id).notifyDataChanged(['integrations'])),
  );
  return { shard, checked: checked.length, down: checked.filter((c) => c.report.status === 'down').length };
}

/** Called by the `integration.health` consumer; one shard failing does not stop the others. */
export async function runScheduledHealthChecks(env: Env, scheduledTime: number) {
  const results = await Promise.allSettled(SHARD_BINDINGS.map((shard) => checkShard(env, shard, scheduledTime)));
  const failed = results.flatMap((r, i) =>
    r.status === 'rejected' ? [`${SHARD_BINDINGS[i]}: ${String(r.reason)}`] : [],
  );
  if (failed.length) console.error(`integration.health: ${failed.join('; ')}`);
  return results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
}
