import { and, asc, eq, inArray, lte } from 'drizzle-orm';
import { plans, shardDirectory, subscriptions } from '../../core/schema/control';
import type { ControlDb } from '../db/shards';

/** One billing period (signup starts the first; billing's periodic duty rolls the rest). */
export const PERIOD_MS = 30 * 24 * 60 * 60 * 1000;

/** Subscriptions that still renew (a cancelled one gets no more periods, nor their credits). */
const RENEWING = ['active', 'trialing'] as const;

/** Renewing subscriptions whose period has ended, oldest first, with their plan's credits and shard. */
export function dueSubscriptions(control: ControlDb, now: number, limit: number) {
  return control
    .select({
      id: subscriptions.id,
      account_id: subscriptions.account_id,
      start: subscriptions.current_period_start,
      end: subscriptions.current_period_end,
      included_credits: plans.included_credits,
      shard: shardDirectory.shard,
    })
    .from(subscriptions)
    .innerJoin(plans, eq(plans.id, subscriptions.plan_id))
    .innerJoin(shardDirectory, eq(shardDirectory.account_id, subscriptions.account_id))
    .where(and(inArray(subscriptions.status, [...RENEWING]), lte(subscriptions.current_period_end, new Date(now))))
    .orderBy(asc(subscriptions.current_period_end))
    .limit(limit)
    .all();
}

/**
 * Moves a subscription's period forward to [start, end), only if it still is where the caller read
 * it (compare-and-set: of two ticks rolling at once, one moves it). True when this call moved it.
 */
export async function rollSubscription(
  control: ControlDb,
  sub: { id: number; end: Date },
  next: { start: Date; end: Date },
) {
  const rows = await control
    .update(subscriptions)
    .set({ current_period_start: next.start, current_period_end: next.end, updated_at: new Date() })
    .where(and(eq(subscriptions.id, sub.id), eq(subscriptions.current_period_end, sub.end)))
    .returning({ id: subscriptions.id });
  return rows.length > 0;
}
