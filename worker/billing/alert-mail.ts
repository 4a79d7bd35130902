import { and, eq, sql } from 'drizzle-orm';
import { accounts, users } from '../../core/schema/control';
import type { ShardDb } from '../db/shards';
import { controlDb } from '../db/shards';
import type { Env } from '../env';
import { appOrigin } from '../lib/app-origin';
import { escapeHtml, mailConfigured, sendMail } from '../lib/mail';
import { activeAlerts, periodKey } from './alerts';

/** Alerts mailed per shard per run: a backlog (mail just configured) drains over a few runs, not at once. */
const MAILS_PER_RUN = 50;

interface Unmailed {
  id: number;
  account_id: number;
  period: 'day' | 'month';
  fired_period: string;
  fired_threshold: number;
  mailed_period: string | null;
  mailed_threshold: number | null;
}

/**
 * Budget alerts by mail (issue 14 item 6): each threshold announced in the period running now
 * (`fired_*`, set by captures and the sweep, see ./alerts.ts) is mailed once to the account's
 * owners, by the cron's `billing.periodic` duty, so at most five minutes after the banner shows.
 * Once: a row is claimed by moving `mailed_*` up to `fired_*` with a compare-and-set on the pair
 * it read, so two sweeps never both mail it; a send that fails gives the claim back for the next
 * run. Without mail configured nothing is claimed: the banner is the notice, and alerts of the
 * running period are mailed once mail is set up. Returns how many alerts were mailed.
 */
export async function mailAnnouncedAlerts(env: Env, db: ShardDb, now = Date.now()): Promise<number> {
  if (!mailConfigured(env)) return 0;
  const rows = await db.all<Unmailed>(sql`
    SELECT id, account_id, period, fired_period, fired_threshold, mailed_period, mailed_threshold
      FROM budget_alerts
     WHERE is_active = 1 AND fired_threshold IS NOT NULL
       AND fired_period = CASE period WHEN 'day' THEN ${periodKey('day', now)} ELSE ${periodKey('month', now)} END
       AND (mailed_period IS NOT fired_period OR mailed_threshold IS NOT fired_threshold)
     ORDER BY id LIMIT ${MAILS_PER_RUN}`);
  let mailed = 0;
  for (const row of rows) {
    if (!(await claim(db, row, { period: row.fired_period, threshold: row.fired_threshold }))) continue;
    try {
      await mailOwners(env, db, row, now);
      mailed++;
    } catch (err) {
      // Given back: the next run tries again (unless a newer threshold was announced meanwhile).
      await claim(
        db,
        { ...row, mailed_period: row.fired_period, mailed_threshold: row.fired_threshold },
        {
          period: row.mailed_period,
          threshold: row.mailed_threshold,
        },
      );
      console.error(
        JSON.stringify({ level: 'error', message: 'budget alert mail failed', alert_id: row.id, error: String(err) }),
      );
    }
  }
  return mailed;
}

/** Moves `mailed_*` from what `row` says it is to `to`; false when another run got there first. */
async function claim(
  db: ShardDb,
  row: Pick<Unmailed, 'id' | 'mailed_period' | 'mailed_threshold'>,
  to: { period: string | null; threshold: number | null },
) {
  const result = await db.run(sql`
    UPDATE budget_alerts SET mailed_period = ${to.period}, mailed_threshold = ${to.threshold}
     WHERE id = ${row.id} AND mailed_period IS ${row.mailed_period} AND mailed_threshold IS ${row.mailed_threshold}`);
  return (result.meta.changes ?? 0) > 0;
}

async function mailOwners(env: Env, db: ShardDb, row: Unmailed, now: number) {
  const control = controlDb(env);
  const [account, owners, alerts] = await Promise.all([
    control.select({ name: accounts.name }).from(accounts).where(eq(accounts.id, row.account_id)).get(),
    control
      .select({ email: users.email })
      .from(users)
      .where(and(eq(users.account_id, row.account_id), eq(users.role, 'owner'), eq(users.status, 'active')))
      .all(),
    activeAlerts(db, row.account_id, now),
  ]);
  const alert = alerts.find((a) => a.period === row.period);
  if (!account || !owners.length || !alert) return;
  const when = row.period === 'day' ? `today (${row.fired_period}, UTC)` : `this month (${row.fired_period})`;
  const used = `${alert.used_credits.toLocaleString('en-US')} of ${alert.limit_credits.toLocaleString('en-US')}`;
  const budget = row.period === 'day' ? 'daily' : 'monthly';
  const subject = `IGNY8: ${row.fired_threshold}% of the ${budget} credit budget used`;
  const link = `${appOrigin(env)}/billing`;
  for (const owner of owners) {
    await sendMail(env, {
      to: owner.email,
      subject,
      text:
        `${account.name} has used ${used} credits of its budget ${when}, crossing your ${row.fired_threshold}% ` +
        `alert.\n\nUsage by day, operation and site, and the alerts themselves: ${link}\n\n` +
        'AI work goes on: an alert warns, it does not stop anything.',
      html:
        `<p>${escapeHtml(account.name)} has used <strong>${used}</strong> credits of its budget ${when}, crossing ` +
        `your ${row.fired_threshold}% alert.</p><p><a href="${escapeHtml(link)}">Usage and alerts</a></p>` +
        '<p>AI work goes on: an alert warns, it does not stop anything.</p>',
    });
  }
}
