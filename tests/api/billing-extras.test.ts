import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { renewSubscriptions } from '../../worker/auth/plan-renewal';
import { PERIOD_MS } from '../../worker/auth/subscriptions';
import { runBatch } from '../../worker/db/batch';
import { shardDb } from '../../worker/db/shards';
import { runBillingPeriodic } from '../../worker/billing/periodic';
import { captureStatements, reserveCredits } from '../../worker/billing/ledger';
import { addMember, call, createSite, signup, type Session } from '../helpers/api';
import { expectError, shardBinding, shardOf } from '../helpers/fixtures';
import { devModelUrl } from '../helpers/jobs';
import { envWithMail, mailsTo } from '../helpers/mail';

/**
 * Issue 14, item 6: usage per day and month by operation and by site (summed by D1 in UTC
 * buckets, ranges capped), budget alerts announced once per threshold and period even when
 * captures land together, and the plan's included credits granted exactly once per period.
 */
const B = '/api/v1/billing';
const at = (iso: string) => Date.parse(iso);
let seq = 0;

async function usageRow(
  owner: Session,
  row: { at: string; operation: string; credits: number; cost?: number; site?: number | null },
) {
  await shardBinding(await shardOf(owner.accountId))
    .prepare(
      `INSERT INTO credit_usage_logs (account_id, site_id, operation_type, credits_used, cost_usd, model_used, job_id,
                                      metadata, created_at) VALUES (?, ?, ?, ?, ?, 'm', ?, '{}', ?)`,
    )
    .bind(owner.accountId, row.site ?? null, row.operation, row.credits, row.cost ?? 0, `usage-${++seq}`, at(row.at))
    .run();
}

const series = (s: Session, qs: string) => call('GET', `${B}/usage/series/?${qs}`, { token: s.token });

describe('usage series', () => {
  let owner: Session;
  let admin: Session;
  let site: { id: number; name: string };
  beforeAll(async () => {
    owner = await signup('series');
    admin = await addMember(owner, 'admin');
    site = await createSite(owner, 'Series site');
    await usageRow(owner, { at: '2025-03-30T23:59:59Z', operation: 'generate_content', credits: 3, site: site.id });
    await usageRow(owner, { at: '2025-03-31T00:00:00Z', operation: 'generate_content', credits: 6, site: site.id });
    await usageRow(owner, { at: '2025-03-31T12:00:00Z', operation: 'auto_cluster', credits: 1, cost: 0.25 });
    await usageRow(owner, { at: '2025-04-01T00:00:00Z', operation: 'auto_cluster', credits: 2, cost: 0.5 });
    await usageRow(owner, { at: '2025-01-15T08:00:00Z', operation: 'generate_images', credits: 4, site: site.id });
  });

  it('sums per UTC day and operation, each row in the day it happened', async () => {
    const res = await series(owner, 'period=day&since=2025-03-30&until=2025-04-01&group_by=operation');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toEqual([
      { bucket: '2025-03-30', key: 'generate_content', name: null, credits: 3, cost_usd: 0, calls: 1 },
      { bucket: '2025-03-31', key: 'auto_cluster', name: null, credits: 1, cost_usd: 0.25, calls: 1 },
      { bucket: '2025-03-31', key: 'generate_content', name: null, credits: 6, cost_usd: 0, calls: 1 },
      { bucket: '2025-04-01', key: 'auto_cluster', name: null, credits: 2, cost_usd: 0.5, calls: 1 },
    ]);
  });

  it('sums per month and site, with the site’s name (usage without a site on its own)', async () => {
    const res = await series(owner, 'period=month&since=2025-01&until=2025-04&group_by=site');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toEqual([
      { bucket: '2025-01', key: String(site.id), name: 'Series site', credits: 4, cost_usd: 0, calls: 1 },
      { bucket: '2025-03', key: null, name: null, credits: 1, cost_usd: 0.25, calls: 1 },
      { bucket: '2025-03', key: String(site.id), name: 'Series site', credits: 9, cost_usd: 0, calls: 2 },
      { bucket: '2025-04', key: null, name: null, credits: 2, cost_usd: 0.5, calls: 1 },
    ]);
  });

  it('refuses ranges over 92 days or 24 months, reversed ranges and unknown periods', async () => {
    expect((await series(owner, 'period=day&since=2025-01-01&until=2025-04-02')).status).toBe(200); // 92 days
    expectError(await series(owner, 'period=day&since=2025-01-01&until=2025-04-03'), 400);
    expect((await series(owner, 'period=month&since=2024-01&until=2025-12')).status).toBe(200); // 24 months
    expectError(await series(owner, 'period=month&since=2024-01&until=2026-01'), 400);
    expectError(await series(owner, 'period=day&since=2025-04-02&until=2025-04-01'), 400);
    expectError(await series(owner, 'period=week'), 400);
    expectError(await series(owner, 'period=day&since=2025-02-30x'), 400);
  });

  it('is the owner’s: an admin is refused, another account sees none of it', async () => {
    expectError(await series(admin, 'period=day'), 403);
    const stranger = await signup('series-stranger');
    const res = await series(stranger, 'period=month&since=2025-01&until=2025-04&group_by=site');
    expect(res.body.data).toEqual([]);
  });
});

describe('budget alerts', () => {
  let owner: Session;
  let admin: Session;
  let siteId: number;
  const put = (s: Session, alerts: unknown) => call('PUT', `${B}/budget-alerts/`, { token: s.token, body: { alerts } });
  beforeAll(async () => {
    owner = await signup('alerts');
    admin = await addMember(owner, 'admin');
    siteId = (await createSite(owner, 'Alerts site')).id;
  });

  it('validates thresholds: ascending, 1–1000 %, at most 5, one alert per period', async () => {
    const day = (thresholds: unknown) => [{ period: 'day', limit_credits: 10, thresholds }];
    for (const bad of [[80, 50], [0, 50], [50, 1001], [10, 20, 30, 40, 50, 60], [], [50, 50]]) {
      expectError(await put(owner, day(bad)), 400);
    }
    const twice = [...day([50]), ...day([80])];
    expectError(await put(owner, twice), 400);
    expectError(await put(owner, [{ period: 'day', limit_credits: 0, thresholds: [50] }]), 400);
  });

  it('only the owner changes them; admins can read neither them nor the banner', async () => {
    expectError(await put(admin, [{ period: 'day', limit_credits: 10, thresholds: [50] }]), 403);
    expectError(await call('GET', `${B}/budget-alerts/`, { token: admin.token }), 403);
    expectError(await call('GET', `${B}/budget-alerts/active/`, { token: admin.token }), 403);
  });

  it('announces each crossed threshold once, also when captures land at the same time', async () => {
    const saved = await put(owner, [
      { period: 'day', limit_credits: 10, thresholds: [50, 100] },
      { period: 'month', limit_credits: 1000, thresholds: [90] },
    ]);
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.data.map((a: { period: string }) => a.period)).toEqual(['day', 'month']);
    const db = shardDb(env, await shardOf(owner.accountId));
    const a = owner.accountId;
    const active = async () => (await call('GET', `${B}/budget-alerts/active/`, { token: owner.token })).body.data;
    const capture = async (job: string, credits: number) => {
      await reserveCredits(db, {
        accountId: a,
        jobId: job,
        amount: credits,
        description: 't',
        operation: 'auto_cluster',
      });
      return captureStatements({
        accountId: a,
        jobId: job,
        charge: credits,
        description: 't',
        usage: {
          site_id: siteId,
          operation: 'auto_cluster',
          cost_usd: 0,
          model: 'm',
          tokens_input: 1,
          tokens_output: 1,
        },
      });
    };
    await runBatch(db, await capture(`alert-a-${Date.now()}`, 2));
    expect(await active()).toEqual([]);

    // Four captures of 2 credits land together: 10 of 10 used, so 100 % is crossed (50 % on the way).
    const batches = await Promise.all([1, 2, 3, 4].map((i) => capture(`alert-b${i}-${Date.now()}`, 2)));
    await Promise.all(batches.map((statements) => runBatch(db, statements)));
    const crossed = await active();
    expect(crossed).toEqual([
      expect.objectContaining({ period: 'day', threshold: 100, used_credits: 10, limit_credits: 10 }),
    ]);
    const firstAt = crossed[0].fired_at;

    // More spending in the same day announces nothing new: 100 % was already announced.
    await runBatch(db, await capture(`alert-c-${Date.now()}`, 3));
    await runBillingPeriodic(env, Date.now());
    const again = await active();
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ threshold: 100, used_credits: 13, fired_at: firstAt });
  });

  it('a new limit below what was spent shows at once; a higher one clears the banner', async () => {
    await put(owner, [{ period: 'month', limit_credits: 12, thresholds: [100] }]);
    expect((await call('GET', `${B}/budget-alerts/active/`, { token: owner.token })).body.data).toEqual([
      expect.objectContaining({ period: 'month', threshold: 100, limit_credits: 12 }),
    ]);
    await put(owner, [{ period: 'month', limit_credits: 500, thresholds: [100] }]);
    expect((await call('GET', `${B}/budget-alerts/active/`, { token: owner.token })).body.data).toEqual([]);
    expect((await call('GET', `${B}/budget-alerts/`, { token: owner.token })).body.data).toHaveLength(1);
  });
});

describe('budget alerts by mail', () => {
  const put = (s: Session, alerts: unknown) => call('PUT', `${B}/budget-alerts/`, { token: s.token, body: { alerts } });
  const mailed = async (owner: Session) =>
    shardBinding(await shardOf(owner.accountId))
      .prepare('SELECT mailed_period AS period, mailed_threshold AS threshold FROM budget_alerts WHERE account_id = ?')
      .bind(owner.accountId)
      .first<{ period: string | null; threshold: number | null }>();

  it('mails each announced threshold once to the owners, not to admins, however many sweeps run', async () => {
    const owner = await signup('alertmail');
    const admin = await addMember(owner, 'admin');
    await put(owner, [{ period: 'day', limit_credits: 10, thresholds: [50, 100] }]);
    await usageRow(owner, { at: new Date().toISOString(), operation: 'generate_content', credits: 6 });
    // Without mail configured the sweep announces (the banner) and claims nothing.
    await runBillingPeriodic(env, Date.now());
    expect(await mailed(owner)).toEqual({ period: null, threshold: null });
    expect(await mailsTo(owner.email)).toEqual([]);

    const withMail = envWithMail();
    await Promise.all([runBillingPeriodic(withMail, Date.now()), runBillingPeriodic(withMail, Date.now())]);
    await runBillingPeriodic(withMail, Date.now());
    const today = new Date().toISOString().slice(0, 10);
    let mails = await mailsTo(owner.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('IGNY8: 50% of the daily credit budget used');
    expect(mails[0]!.text).toContain(`has used 6 of 10 credits of its budget today (${today}, UTC)`);
    expect(mails[0]!.text).toContain('/billing');
    expect(await mailsTo(admin.email)).toEqual([]);
    expect(await mailed(owner)).toEqual({ period: today, threshold: 50 });

    // 100 % crossed: one more mail, for it alone.
    await usageRow(owner, { at: new Date().toISOString(), operation: 'generate_content', credits: 5 });
    await runBillingPeriodic(withMail, Date.now());
    await runBillingPeriodic(withMail, Date.now());
    mails = await mailsTo(owner.email);
    expect(mails.map((m) => m.subject)).toEqual([
      'IGNY8: 50% of the daily credit budget used',
      'IGNY8: 100% of the daily credit budget used',
    ]);
    expect(mails[1]!.text).toContain('has used 11 of 10 credits');
  });

  it('a send the provider refuses is given back and mailed by the next sweep', async () => {
    const owner = await signup('alertretry');
    await put(owner, [{ period: 'month', limit_credits: 4, thresholds: [100] }]);
    await usageRow(owner, { at: new Date().toISOString(), operation: 'auto_cluster', credits: 4 });
    await runBillingPeriodic(envWithMail({ MAIL_API_URL: `${devModelUrl()}/v1/refusing` }), Date.now());
    expect(await mailed(owner)).toEqual({ period: null, threshold: null });
    expect(await mailsTo(owner.email)).toEqual([]);
    await runBillingPeriodic(envWithMail(), Date.now());
    const mails = await mailsTo(owner.email);
    expect(mails.map((m) => m.subject)).toEqual(['IGNY8: 100% of the monthly credit budget used']);
    expect(mails[0]!.text).toContain(`this month (${new Date().toISOString().slice(0, 7)})`);
  });
});

describe('plan credits per period', () => {
  const control = () => env.DB_CONTROL;
  async function behind(owner: Session, periods: number, status = 'active') {
    const end = Date.now() - 60_000 - (periods - 1) * PERIOD_MS;
    await control()
      .prepare(
        `UPDATE subscriptions SET current_period_start = ?, current_period_end = ?, status = ? WHERE account_id = ?`,
      )
      .bind(end - PERIOD_MS, end, status, owner.accountId)
      .run();
    return (await control()
      .prepare('SELECT id, current_period_end AS end FROM subscriptions WHERE account_id = ?')
      .bind(owner.accountId)
      .first<{ id: number; end: number }>())!;
  }
  async function grants(owner: Session) {
    const rows = await shardBinding(await shardOf(owner.accountId))
      .prepare(
        `SELECT idempotency_key AS k, amount FROM credit_transactions
         WHERE account_id = ? AND transaction_type = 'grant' ORDER BY id`,
      )
      .bind(owner.accountId)
      .all<{ k: string; amount: number }>();
    return rows.results;
  }
  /** The cron's `billing.periodic` message, as the consumer handles it. */
  const tick = async () => {
    await renewSubscriptions(env, Date.now());
    await runBillingPeriodic(env, Date.now());
  };
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

  it('grants a period that ended once, whether the tick runs twice or twice at once; signup was the 1st', async () => {
    const [one, two] = [await signup('grants-a'), await signup('grants-b')];
    const subOne = await behind(one, 1);
    const subTwo = await behind(two, 1);
    await tick();
    await tick();
    await Promise.all([tick(), tick()]);
    expect(await grants(one)).toEqual([
      { k: 'signup:grant', amount: 500 },
      { k: `plan:${subOne.id}:${day(subOne.end)}`, amount: 500 },
    ]);
    expect((await grants(two)).map((g) => g.k)).toEqual(['signup:grant', `plan:${subTwo.id}:${day(subTwo.end)}`]);
    const rolled = await control()
      .prepare('SELECT current_period_start AS s, current_period_end AS e FROM subscriptions WHERE id = ?')
      .bind(subOne.id)
      .first<{ s: number; e: number }>();
    expect(rolled).toEqual({ s: subOne.end, e: subOne.end + PERIOD_MS });
    const balance = await call('GET', `${B}/balance/`, { token: one.token });
    expect(balance.body.data.balance).toBe(1000);
  });

  it('a subscription two periods behind gets two grants; a cancelled one gets none', async () => {
    const [late, cancelled] = [await signup('grants-late'), await signup('grants-cancelled')];
    const sub = await behind(late, 2);
    await behind(cancelled, 1, 'cancelled');
    await Promise.all([tick(), tick()]);
    await tick();
    expect((await grants(late)).map((g) => g.k)).toEqual([
      'signup:grant',
      `plan:${sub.id}:${day(sub.end)}`,
      `plan:${sub.id}:${day(sub.end + PERIOD_MS)}`,
    ]);
    expect((await grants(cancelled)).map((g) => g.k)).toEqual(['signup:grant']);
  });
});

describe('plan limits with usage', () => {
  it('every member sees the limits with what is used, max_clusters too; the ledger stays the owner’s', async () => {
    const owner = await signup('limits');
    const site = await createSite(owner, 'Limits site');
    const sector = await call('POST', '/api/v1/auth/sectors/', {
      token: owner.token,
      body: { site_id: site.id, name: 'Main' },
    });
    for (const name of ['Starters', 'Loaves']) {
      const res = await call('POST', '/api/v1/planner/clusters/', {
        token: owner.token,
        body: { site_id: site.id, sector_id: sector.body.data.id, name },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const viewer = await addMember(owner, 'viewer', [site.id]);
    const res = await call('GET', `${B}/limits/`, { token: viewer.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({
      plan: { name: 'Trial', included_credits: 500 },
      limits: {
        sites: { used: 1, limit: 3 },
        users: { used: 2, limit: 5 },
        keywords: { used: 0, limit: 10000 },
        clusters: { used: 2, limit: 500 },
      },
    });
    expectError(await call('GET', `${B}/balance/`, { token: viewer.token }), 403);
  });
});
