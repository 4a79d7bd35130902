import { and, eq, type SQL, sql } from 'drizzle-orm';
import type { BudgetPeriod } from '../../core/domain/enums';
import { budgetAlerts } from '../../core/schema/shard';
import { startOfUtcDay, startOfUtcMonth, type BudgetAlertsBody } from '../../core/validation/billing';
import { runBatch, type Statement } from '../db/batch';
import type { ShardDb } from '../db/shards';

/**
 * Budget alerts: the owner's limit per UTC day and month, with thresholds in % of it. An alert is
 * state, not money: it never touches the ledger. "Announced" is `fired_period` (the bucket, e.g.
 * `2026-12-02`) with `fired_threshold` (the highest threshold crossed in it); the UPDATE below
 * only moves that pair forward, so two captures landing at once announce a threshold once (D1
 * runs statements one at a time, and the second sees the first's pair).
 */
export function periodKey(period: BudgetPeriod, now: number) {
  return new Date(now).toISOString().slice(0, period === 'day' ? 10 : 7);
}
const periodStart = (period: BudgetPeriod, now: number) =>
  period === 'day' ? startOfUtcDay(now) : startOfUtcMonth(now);

/** Credits the account used in each current period (SQL, per alert row). */
function usedIn(accountId: number | SQL, now: number) {
  return sql`(SELECT COALESCE(SUM(credits_used), 0) FROM credit_usage_logs
    WHERE account_id = ${accountId} AND created_at >= CASE budget_alerts.period
      WHEN 'day' THEN ${periodStart('day', now)} ELSE ${periodStart('month', now)} END)`;
}

/**
 * The statement that records newly crossed thresholds of the account's alerts. Costs one index
 * lookup for an account without alerts (the SUM runs only for its alert rows), so it rides along
 * in every capture batch. `'all'`: every alert of the shard (the periodic sweep, one statement).
 */
export function evaluateAlertsStatement(accountId: number | 'all', now = Date.now()): Statement {
  const account = accountId === 'all' ? sql`budget_alerts.account_id` : accountId;
  const key = sql`CASE budget_alerts.period WHEN 'day' THEN ${periodKey('day', now)}
    ELSE ${periodKey('month', now)} END`;
  const crossed = sql`(SELECT MAX(t.value) FROM json_each(budget_alerts.thresholds) t
    WHERE ${usedIn(account, now)} * 100 >= t.value * budget_alerts.limit_credits)`;
  return sql`
    UPDATE budget_alerts SET fired_period = ${key}, fired_threshold = ${crossed}, fired_at = ${now},
                             updated_at = ${now}
    WHERE account_id = ${account} AND is_active = 1 AND ${crossed} IS NOT NULL
      AND (fired_period IS NOT ${key} OR ${crossed} > COALESCE(fired_threshold, 0))`;
}

export async function alertsOf(db: ShardDb, accountId: number) {
  return db.select().from(budgetAlerts).where(eq(budgetAlerts.account_id, accountId)).orderBy(budgetAlerts.period);
}

/**
 * Replaces the account's alerts (one per period). A changed limit or threshold list starts the
 * period's announcements afresh, then the alerts are evaluated at once: a limit set below what was
 * already spent shows its banner now, not after the next capture.
 */
export async function saveAlerts(db: ShardDb, accountId: number, input: BudgetAlertsBody) {
  const now = Date.now();
  const kept = input.alerts.map((a) => a.period);
  const statements: Statement[] = [
    sql`DELETE FROM budget_alerts WHERE account_id = ${accountId}
        AND period NOT IN (${sql.join(kept.length ? kept.map((p) => sql`${p}`) : [sql`''`], sql`, `)})`,
    ...input.alerts.map(
      (a) => sql`
      INSERT INTO budget_alerts (account_id, period, limit_credits, thresholds, is_active, created_at, updated_at)
      VALUES (${accountId}, ${a.period}, ${a.limit_credits}, ${JSON.stringify(a.thresholds)}, ${a.is_active ? 1 : 0},
              ${now}, ${now})
      ON CONFLICT (account_id, period) DO UPDATE SET
        fired_period = CASE WHEN limit_credits = excluded.limit_credits AND thresholds = excluded.thresholds
                            THEN fired_period END,
        fired_threshold = CASE WHEN limit_credits = excluded.limit_credits AND thresholds = excluded.thresholds
                               THEN fired_threshold END,
        limit_credits = excluded.limit_credits, thresholds = excluded.thresholds,
        is_active = excluded.is_active, updated_at = excluded.updated_at`,
    ),
    evaluateAlertsStatement(accountId, now),
  ];
  await runBatch(db, statements);
  return alertsOf(db, accountId);
}

export interface ActiveAlert {
  period: BudgetPeriod;
  period_key: string;
  threshold: number;
  limit_credits: number;
  used_credits: number;
  fired_at: Date | null;
}

/** The alerts announced in the period running now, with what has been used of the limit since. */
export async function activeAlerts(db: ShardDb, accountId: number, now = Date.now()): Promise<ActiveAlert[]> {
  const rows = await db
    .select({
      period: budgetAlerts.period,
      threshold: budgetAlerts.fired_threshold,
      fired_period: budgetAlerts.fired_period,
      limit_credits: budgetAlerts.limit_credits,
      fired_at: budgetAlerts.fired_at,
      used: sql<number>`${usedIn(accountId, now)}`,
    })
    .from(budgetAlerts)
    .where(and(eq(budgetAlerts.account_id, accountId), eq(budgetAlerts.is_active, true)))
    .all();
  return rows
    .filter((r) => r.threshold !== null && r.fired_period === periodKey(r.period, now))
    .map((r) => ({
      period: r.period,
      period_key: r.fired_period!,
      threshold: r.threshold!,
      limit_credits: r.limit_credits,
      used_credits: r.used,
      fired_at: r.fired_at,
    }));
}
