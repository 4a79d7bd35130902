import { SHARD_BINDINGS, shardDb } from '../db/shards';
import type { Env } from '../env';
import { runBatch } from '../db/batch';
import { mailAnnouncedAlerts } from './alert-mail';
import { evaluateAlertsStatement } from './alerts';

/**
 * The cron's `billing.periodic` duty (every five minutes), after the plan renewals
 * (worker/auth/plan-renewal.ts): budget alerts on every shard, one statement each (a capture
 * evaluates its own account at once; this catches what else moved usage), then each newly
 * announced threshold mailed to the owners once (./alert-mail.ts). Idempotent.
 */
export async function runBillingPeriodic(env: Env, _scheduledTime: number) {
  for (const shard of SHARD_BINDINGS) {
    if (!(env as unknown as Record<string, unknown>)[shard]) continue;
    const db = shardDb(env, shard);
    await runBatch(db, [evaluateAlertsStatement('all')]);
    await mailAnnouncedAlerts(env, db);
  }
}
