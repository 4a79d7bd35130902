import { grantCredits } from '../billing/ledger';
import { controlDb, isShardName, shardDb } from '../db/shards';
import type { Env } from '../env';
import { dueSubscriptions, PERIOD_MS, rollSubscription } from './subscriptions';

/** Bounded work per tick: the cron comes back in five minutes for the rest. */
export const SUBSCRIPTIONS_PER_TICK = 50;
/** A subscription far behind (the cron was down for months) catches up this many periods per tick. */
export const PERIODS_PER_TICK = 12;

export const planGrantKey = (subscriptionId: number, periodStart: Date) =>
  `plan:${subscriptionId}:${periodStart.toISOString().slice(0, 10)}`;

/**
 * The plan's included credits, once per period: each subscription whose period ended is rolled
 * forward one period at a time, and every new period is granted under `plan:<sub>:<start date>`
 * (DESIGN §7: a UNIQUE idempotency key, so a repeated or parallel tick is a no-op). Grants land
 * before the roll: a tick that dies between the two grants again (a no-op) and rolls next time.
 * The first period's credits are signup's grant ('signup:grant'), so it is never granted here.
 * Here, not in worker/billing: subscriptions are worker/auth's table, and billing importing auth
 * would close a folder cycle (auth already grants signup's credits through billing's ledger).
 * The cron's `billing.periodic` message runs it (worker/events/consumer.ts).
 */
export async function renewSubscriptions(env: Env, now: number) {
  const control = controlDb(env);
  const due = await dueSubscriptions(control, now, SUBSCRIPTIONS_PER_TICK);
  let granted = 0;
  for (const sub of due) {
    if (!isShardName(sub.shard)) continue;
    const db = shardDb(env, sub.shard);
    let end = sub.end.getTime();
    let periods = 0;
    while (end <= now && periods < PERIODS_PER_TICK) {
      const start = new Date(end);
      if (sub.included_credits > 0) {
        await grantCredits(db, {
          accountId: sub.account_id,
          amount: sub.included_credits,
          key: planGrantKey(sub.id, start),
          type: 'grant',
          description: `Credits included with the plan for the period from ${start.toISOString().slice(0, 10)}`,
        });
      }
      end += PERIOD_MS;
      periods++;
    }
    const rolled = await rollSubscription(control, sub, { start: new Date(end - PERIOD_MS), end: new Date(end) });
    if (rolled) granted += periods;
  }
  return { subscriptions: due.length, periods: granted };
}
