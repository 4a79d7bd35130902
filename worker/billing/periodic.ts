import { SHARD_BINDINGS, shardDb } from '../db/shards';
import type { Env } from '../env';
import { runBatch } from '../db/batch';
import { evaluateAlertsStatement } from './alerts';

/**
 * The cron's `billing.periodic` duty (every five minutes), after the plan renewals
 * (worker/auth/plan-renewal.ts): budget alerts on every shard, one statement each (a capture
 * evaluates its own account at once; this catches what else moved usage). Idempotent.
 */
export async function runBillingPeriodic(env: Env, _scheduledTime: number) {
  for (const shard of SHARD_BINDINGS) {
    if (!(env as unknown as Record<string, unknown>)[shard]) continue;
    await runBatch(shardDb(env, shard), [evaluateAlertsStatement('all')]);
  }
}
