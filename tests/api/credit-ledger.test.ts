import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { beforeEach, describe, expect, it } from 'vitest';
import { captureStatements, grantCredits, releaseCredits, reserveCredits } from '../../worker/billing/ledger';
import { runBatch } from '../../worker/db/batch';

/**
 * The ledger against a real shard D1: every movement one batch, never negative, settled once,
 * and the transactions always add up to the balance.
 */
const db = drizzle(env.DB_SHARD_2);
let accountId = 1000;

async function state(id: number) {
  const bal = await env.DB_SHARD_2.prepare('SELECT balance, reserved FROM credit_balances WHERE account_id = ?')
    .bind(id)
    .first<{ balance: number; reserved: number }>();
  const sum = await env.DB_SHARD_2.prepare(
    'SELECT COALESCE(SUM(amount), 0) AS s, COUNT(*) AS n FROM credit_transactions WHERE account_id = ?',
  )
    .bind(id)
    .first<{ s: number; n: number }>();
  const usage = await env.DB_SHARD_2.prepare(
    'SELECT COALESCE(SUM(credits_used), 0) AS used, COUNT(*) AS n FROM credit_usage_logs WHERE account_id = ?',
  )
    .bind(id)
    .first<{ used: number; n: number }>();
  return { ...bal!, ledgerSum: sum!.s, txCount: sum!.n, usedCredits: usage!.used, usageRows: usage!.n };
}

const usage = {
  operation: 'generate_ideas' as const,
  model: 'gpt-4o-mini',
  tokens_input: 1200,
  tokens_output: 800,
  cost_usd: 0.00066,
  site_id: 1,
};

describe('credit ledger', () => {
  beforeEach(async () => {
    accountId++;
    await grantCredits(db, { accountId, amount: 100, key: 'test:grant', type: 'grant', description: 'test grant' });
  });

  it('reserves, then captures only what was used and logs usage', async () => {
    const r = await reserveCredits(db, {
      accountId,
      jobId: 'job-a',
      amount: 21,
      operation: 'generate_ideas',
      description: 'ideas for 3 clusters',
    });
    expect(r).toMatchObject({ ok: true, reserved: 21, balance: 79 });
    expect(await state(accountId)).toMatchObject({ balance: 79, reserved: 21, ledgerSum: 79 });

    await runBatch(db, captureStatements({ accountId, jobId: 'job-a', charge: 12, description: '12 ideas', usage }));
    expect(await state(accountId)).toMatchObject({
      balance: 88,
      reserved: 0,
      ledgerSum: 88,
      usedCredits: 12,
      usageRows: 1,
    });
  });

  it('refuses a reservation larger than the balance and writes nothing', async () => {
    const r = await reserveCredits(db, {
      accountId,
      jobId: 'job-big',
      amount: 101,
      operation: 'auto_cluster',
      description: 'too much',
    });
    expect(r).toEqual({ ok: false, needed: 101, available: 100 });
    expect(await state(accountId)).toMatchObject({ balance: 100, reserved: 0, txCount: 1 });
  });

  it('settles a job once: replays of reserve, capture and release change nothing', async () => {
    await reserveCredits(db, { accountId, jobId: 'job-b', amount: 10, operation: 'auto_cluster', description: 'x' });
    const again = await reserveCredits(db, {
      accountId,
      jobId: 'job-b',
      amount: 10,
      operation: 'auto_cluster',
      description: 'x',
    });
    expect(again).toMatchObject({ ok: true, replayed: true, reserved: 10 });
    await runBatch(db, captureStatements({ accountId, jobId: 'job-b', charge: 10, description: 'done', usage }));
    await runBatch(db, captureStatements({ accountId, jobId: 'job-b', charge: 10, description: 'done', usage }));
    await releaseCredits(db, { accountId, jobId: 'job-b', reason: 'late failure report' });
    expect(await state(accountId)).toMatchObject({ balance: 90, reserved: 0, ledgerSum: 90, usageRows: 1, txCount: 3 });
  });

  it('releases the whole hold of a failed job: it costs nothing', async () => {
    await reserveCredits(db, {
      accountId,
      jobId: 'job-c',
      amount: 30,
      operation: 'generate_content',
      description: 'x',
    });
    await releaseCredits(db, { accountId, jobId: 'job-c', reason: 'model returned no JSON' });
    await releaseCredits(db, { accountId, jobId: 'job-c', reason: 'replayed' });
    expect(await state(accountId)).toMatchObject({
      balance: 100,
      reserved: 0,
      ledgerSum: 100,
      usageRows: 0,
      txCount: 3,
    });
    await runBatch(db, captureStatements({ accountId, jobId: 'job-c', charge: 30, description: 'too late', usage }));
    expect(await state(accountId)).toMatchObject({ balance: 100, usageRows: 0 });
  });

  it('never overdraws under hundreds of concurrent reservations, duplicates charged once', async () => {
    // 300 requests of 7 credits for 250 distinct jobs (every sixth id repeats) on a balance of 100.
    const jobs = Array.from({ length: 300 }, (_, i) => `race-${i % 6 === 5 ? i - 1 : i}`);
    const results = await Promise.all(
      jobs.map((jobId) =>
        reserveCredits(db, { accountId, jobId, amount: 7, operation: 'auto_cluster', description: 'race' }).catch(
          (e) => ({ ok: false as const, error: String(e) }),
        ),
      ),
    );
    const s = await state(accountId);
    const reservedJobs = await env.DB_SHARD_2.prepare(
      'SELECT COUNT(DISTINCT job_id) AS n FROM credit_transactions WHERE ' +
        "account_id = ? AND transaction_type = 'reservation'",
    )
      .bind(accountId)
      .first<{ n: number }>();
    expect(reservedJobs!.n).toBe(Math.floor(100 / 7));
    expect(s.balance).toBe(100 - 7 * reservedJobs!.n);
    expect(s.balance).toBeGreaterThanOrEqual(0);
    expect(s.reserved).toBe(7 * reservedJobs!.n);
    expect(s.ledgerSum).toBe(s.balance);
    expect(results.filter((r) => r.ok).length).toBeGreaterThanOrEqual(reservedJobs!.n);
  });
});
