import { coordinatorOf } from '../../durable-objects/site-coordinator/engine/client';
import { SHARD_BINDINGS, shardDb } from '../db/shards';
import type { Env } from '../env';
import { unsettledHolds } from './ledger';

/**
 * A hold older than this without a capture or release is asked about. Jobs settle within seconds
 * of ending; a running job that old is kept (its coordinator says so), so this only bounds how
 * long a lost job's credits stay held.
 */
export const STALE_HOLD_MS = 60 * 60_000;

export interface SweepReport {
  holds: number;
  kept: number;
  settled: number;
  released: number;
}

/**
 * The periodic sweep of credit holds (cron → queue → here): every unsettled hold past
 * STALE_HOLD_MS, on every shard, is handed to the coordinator of its site, which keeps the holds of
 * jobs that can still run and settles the rest. Idempotent: a settled hold is never found again.
 */
export async function sweepStaleHolds(env: Env, now = Date.now(), olderThanMs = STALE_HOLD_MS): Promise<SweepReport> {
  const report: SweepReport = { holds: 0, kept: 0, settled: 0, released: 0 };
  for (const shard of SHARD_BINDINGS) {
    const holds = await unsettledHolds(shardDb(env, shard), now - olderThanMs);
    report.holds += holds.length;
    const bySite = new Map<string, { accountId: number; siteId: number; jobIds: string[] }>();
    for (const h of holds) {
      // The task log is written in the reservation's batch, so a hold without one can't exist; a
      // site id of 0 would name no coordinator that ever ran it, which then releases the hold.
      const siteId = h.site_id ?? 0;
      const k = `${h.account_id}:${siteId}`;
      const entry = bySite.get(k) ?? { accountId: h.account_id, siteId, jobIds: [] };
      entry.jobIds.push(h.job_id);
      bySite.set(k, entry);
    }
    for (const { accountId, siteId, jobIds } of bySite.values()) {
      const counts = await coordinatorOf(env, accountId, siteId).sweepHolds(
        jobIds.map((job_id) => ({ job_id, account_id: accountId, shard })),
      );
      report.kept += counts.kept;
      report.settled += counts.settled;
      report.released += counts.released;
    }
  }
  if (report.holds) console.log(JSON.stringify({ level: 'info', message: 'credit hold sweep', ...report }));
  return report;
}
