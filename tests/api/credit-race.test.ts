import { beforeAll, describe, expect, it } from 'vitest';
import { call, createSite, signup, type Res, type Session } from '../helpers/api';
import { createSector, shardBinding, shardOf } from '../helpers/fixtures';
import { scriptFaults, useOwnModelKey, waitForJob } from '../helpers/jobs';
import { seedKeywords } from '../helpers/planner';

/**
 * Credits under a storm: 120+ concurrent auto_cluster requests on two sites (two coordinators, one
 * balance) from an account with little credit left, some of them double-submitted with the same
 * Idempotency-Key, and a model key that fails some calls. Read back underneath the API: the ledger,
 * the usage logs and the task logs.
 */
const START = 30;
const CLUSTER = '/api/v1/planner/keywords/auto_cluster/';
let owner: Session;
let db: D1Database;
let key = '';
const sites: { id: number; k: number[] }[] = [];

interface Tx {
  id: number;
  transaction_type: string;
  amount: number;
  balance_after: number;
  idempotency_key: string;
  job_id: string | null;
}

async function balance() {
  return (await db
    .prepare('SELECT balance, reserved FROM credit_balances WHERE account_id = ?')
    .bind(owner.accountId)
    .first<{ balance: number; reserved: number }>())!;
}
async function ledgerAfter(txId: number) {
  return (
    await db
      .prepare('SELECT * FROM credit_transactions WHERE account_id = ? AND id > ? ORDER BY id')
      .bind(owner.accountId, txId)
      .all<Tx>()
  ).results;
}
async function lastTxId() {
  return (await db
    .prepare('SELECT coalesce(max(id), 0) AS id FROM credit_transactions WHERE account_id = ?')
    .bind(owner.accountId)
    .first<{ id: number }>())!.id;
}
async function usageOf(jobIds: string[]) {
  const rows = (
    await db
      .prepare('SELECT job_id, credits_used, metadata FROM credit_usage_logs WHERE account_id = ?')
      .bind(owner.accountId)
      .all<{ job_id: string; credits_used: number; metadata: string }>()
  ).results;
  return rows.filter((r) => jobIds.includes(r.job_id));
}

beforeAll(async () => {
  owner = await signup('race');
  db = shardBinding(await shardOf(owner.accountId));
  for (const name of ['Race one', 'Race two']) {
    const site = await createSite(owner, name);
    const sector = await createSector(owner, site.id, `${name} sector`);
    const words = Array.from(
      { length: 90 },
      (_, i) => `${name} ${['soil', 'compost', 'tomato', 'mulch', 'seed'][i % 5]} tip ${i}`,
    );
    sites.push({ id: site.id, k: await seedKeywords(owner, { siteId: site.id, sectorId: sector.id }, words) });
  }
  // The account's own key (on the dev model), with a budget that lets every accepted job run at once.
  key = `sk-race-${Date.now()}`;
  await useOwnModelKey(owner, key);
  expect(
    (
      await call('PUT', '/api/v1/system/settings/integrations/openai/', {
        token: owner.token,
        body: { max_concurrency: 16, requests_per_minute: 10_000 },
      })
    ).status,
  ).toBe(200);
  await scriptFaults(key, {
    script: ['malformed', 'ok', 'truncated', 'ok', 'refusal', 'ok', 'ok', 'malformed', 'wrong_shape'],
  });
});

describe('a storm of concurrent AI jobs on a low balance', () => {
  it('never overdraws, refuses with 402, settles every job once, charges ' +
    'failed jobs only for what they delivered and duplicates once', async () => {
    await db.prepare('UPDATE credit_balances SET balance = ? WHERE account_id = ?').bind(START, owner.accountId).run();
    const baseline = await lastTxId();

    // 126 requests: 90 distinct selections of 1–75 keywords (1–3 credits) on two sites, and 12
    // selections double- or triple-submitted with the same Idempotency-Key.
    const sizes = [1, 3, 12, 31, 5, 61, 20, 2, 45, 8];
    const requests: { site: number; ids: number[]; key?: string }[] = [];
    for (let i = 0; i < 90; i++) {
      const site = sites[i % 2]!;
      const size = sizes[i % sizes.length]!;
      const from = (i * 7) % (90 - size);
      requests.push({ site: i % 2, ids: site.k.slice(from, from + size) });
    }
    for (let g = 0; g < 12; g++) {
      const site = sites[g % 2]!;
      const r = { site: g % 2, ids: site.k.slice(g * 5, g * 5 + 1 + (g % 3) * 20), key: `storm-click-${g}` };
      for (let copy = 0; copy < 2 + (g % 2) * 1; copy++) requests.push(r);
    }
    for (let i = requests.length - 1; i > 0; i--) {
      const j = (i * 31 + 7) % (i + 1);
      [requests[i], requests[j]] = [requests[j]!, requests[i]!];
    }
    expect(requests.length).toBeGreaterThanOrEqual(120);

    const responses: (Res & { key?: string })[] = await Promise.all(
      requests.map(async (r) => ({
        ...(await call('POST', CLUSTER, {
          token: owner.token,
          body: { ids: r.ids },
          headers: r.key ? { 'idempotency-key': r.key } : {},
        })),
        key: r.key,
      })),
    );

    // Every answer is an acceptance or a clear refusal.
    expect(
      responses.filter((r) => r.status !== 202 && r.status !== 402).map((r) => `${r.status} ${JSON.stringify(r.body)}`),
    ).toEqual([]);
    const refused = responses.filter((r) => r.status === 402);
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused)
      expect(r.body).toMatchObject({
        success: false,
        code: 'insufficient_credits',
        error: expect.stringMatching(/needs \d+ credits/i),
      });
    const accepted = responses.filter((r) => r.status === 202);
    expect(accepted.length).toBeGreaterThan(0);

    // A double-submitted request gets one answer: the same job, or the same refusal.
    const byKey = new Map<string, string[]>();
    for (const r of responses.filter((x) => x.key))
      byKey.set(r.key!, [...(byKey.get(r.key!) ?? []), r.status === 202 ? r.body.data.task_id : 'refused']);
    for (const [key, answers] of byKey) expect(new Set(answers).size, `${key}: ${answers.join(', ')}`).toBe(1);

    const jobIds = [...new Set(accepted.map((r) => r.body.data.task_id as string))];
    const jobs = new Map<
      string,
      { status: string; credits_reserved: number; credits_charged: number | null; error: string | null }
    >();
    for (const id of jobIds) jobs.set(id, await waitForJob(owner, id, 60_000));
    const succeeded = [...jobs].filter(([, j]) => j.status === 'succeeded');
    const failed = [...jobs].filter(([, j]) => j.status === 'failed');
    expect(succeeded.length + failed.length).toBe(jobIds.length);
    expect(failed.length, 'the fault script fails some jobs').toBeGreaterThan(0);
    expect(succeeded.length).toBeGreaterThan(0);

    console.log(
      `storm: ${responses.length} requests, ${accepted.length} accepted ` +
        `(${jobIds.length} jobs: ${succeeded.length} succeeded, ` +
        `${failed.length} failed), ${refused.length} refused`,
    );
    // The ledger: never below zero at any point, sums to the balance change, one settlement per hold.
    const end = await balance();
    const ledger = await ledgerAfter(baseline);
    expect(end.reserved).toBe(0);
    expect(end.balance).toBeGreaterThanOrEqual(0);
    expect(ledger.filter((t) => t.balance_after < 0)).toEqual([]);
    expect(ledger.reduce((s, t) => s + t.amount, 0)).toBe(end.balance - START);
    const reservations = ledger.filter((t) => t.transaction_type === 'reservation');
    expect(reservations.map((t) => t.job_id).sort()).toEqual([...jobIds].sort());
    for (const res of reservations) {
      const settles = ledger.filter((t) => t.idempotency_key === `settle:${res.job_id}`);
      expect(settles, `job ${res.job_id}`).toHaveLength(1);
      const job = jobs.get(res.job_id!)!;
      expect(-res.amount).toBe(job.credits_reserved);
      // A job pays for what it delivered and gets the rest of its hold back: a failed job that
      // delivered nothing is released whole, one that delivered part of its work is captured for it.
      // Its price is that of the keywords it delivered, so it may round up to the whole hold (40 of
      // 41 keywords cost what 41 do at a credit per 30), never past it.
      const charged = job.credits_charged ?? 0;
      if (job.status !== 'succeeded') expect(charged).toBeLessThanOrEqual(job.credits_reserved);
      expect(settles[0]!.transaction_type).toBe(job.status === 'succeeded' || charged > 0 ? 'capture' : 'release');
      expect(settles[0]!.amount).toBe(job.credits_reserved - charged);
    }
    expect(ledger.filter((t) => !['reservation', 'capture', 'release'].includes(t.transaction_type))).toEqual([]);

    // What was charged: succeeded jobs and the delivered part of failed ones, once each, never more than the
    // starting balance.
    // Failed calls that spent tokens (a refused or cut-off reply) are logged too, but marked not
    // charged with credits_used 0: one charged row per paying job, at most one row per job.
    const all = await usageOf(jobIds);
    expect(new Set(all.map((u) => u.job_id)).size).toBe(all.length);
    const uncharged = all.filter((u) => JSON.parse(u.metadata).charged === false);
    for (const u of uncharged) expect(u.credits_used, `job ${u.job_id}`).toBe(0);
    for (const u of uncharged) expect(jobs.get(u.job_id)!.status).toBe('failed');
    expect(uncharged.length, 'the scripted refused and unusable replies cost tokens').toBeGreaterThan(0);
    const usage = all.filter((u) => !uncharged.includes(u));
    const paying = [...jobs].filter(([, j]) => j.status === 'succeeded' || (j.credits_charged ?? 0) > 0);
    expect(usage.map((u) => u.job_id).sort()).toEqual(paying.map(([id]) => id).sort());
    const charged = usage.reduce((s, u) => s + u.credits_used, 0);
    expect(charged).toBe(START - end.balance);
    expect(charged).toBeLessThanOrEqual(START);
    // Accepted holds never exceed what was there: the start plus what jobs gave back.
    const released = ledger.filter((t) => t.transaction_type !== 'reservation').reduce((s, t) => s + t.amount, 0);
    expect(reservations.reduce((s, t) => s - t.amount, 0)).toBeLessThanOrEqual(START + released);

    // One task log per accepted job, none for refused requests.
    const logs = (
      await db
        .prepare('SELECT job_id, status FROM ai_task_logs WHERE account_id = ?')
        .bind(owner.accountId)
        .all<{ job_id: string; status: string }>()
    ).results;
    expect(logs.map((l) => l.job_id).sort()).toEqual([...jobIds].sort());
    for (const l of logs) expect(l.status).toBe(jobs.get(l.job_id)!.status);
  }, 120_000);

  it('an Idempotency-Key reused on another site, with a bigger selection, never runs unpaid work', async () => {
    const site = await createSite(owner, 'Race three');
    const sector = await createSector(owner, site.id, 'Race three sector');
    const k = await seedKeywords(
      owner,
      { siteId: site.id, sectorId: sector.id },
      Array.from({ length: 90 }, (_, i) => `third ${['soil', 'compost', 'seed'][i % 3]} tip ${i}`),
    );
    await scriptFaults(key, { script: [] });
    await db.prepare('UPDATE credit_balances SET balance = 100 WHERE account_id = ?').bind(owner.accountId).run();
    const baseline = await lastTxId();
    const headers = { 'idempotency-key': 'reused-key-1' };
    const small = await call('POST', CLUSTER, { token: owner.token, body: { ids: sites[0]!.k.slice(0, 1) }, headers });
    expect(small.status).toBe(202);
    expect((await waitForJob(owner, small.body.data.task_id)).status).toBe('succeeded');
    const big = await call('POST', CLUSTER, { token: owner.token, body: { ids: k }, headers });
    expect(big.status).toBe(202);
    // A job of its own on the third site (not the first site's job, already paid with 1 credit)…
    expect(big.body.data.task_id).not.toBe(small.body.data.task_id);
    const job = await waitForJob(owner, big.body.data.task_id);
    expect(job).toMatchObject({ site_id: site.id, status: 'succeeded', credits_reserved: 3, credits_charged: 3 });
    const onSite3: { id: string; status: string }[] = (
      await call('GET', `/api/v1/system/jobs/?site_id=${site.id}`, { token: owner.token })
    ).body.data;
    expect(onSite3.map((j) => j.id)).toEqual([job.id]);
    // …that clustered all 90 keywords and was paid for at the seed's price (1 credit per 30).
    const clustered = (await db
      .prepare('SELECT count(*) AS n FROM keywords WHERE account_id = ? AND site_id = ? AND cluster_id IS NOT NULL')
      .bind(owner.accountId, site.id)
      .first<{ n: number }>())!.n;
    const paid = (await db
      .prepare('SELECT coalesce(sum(credits_used), 0) AS n FROM credit_usage_logs WHERE account_id = ? AND site_id = ?')
      .bind(owner.accountId, site.id)
      .first<{ n: number }>())!.n;
    expect(clustered).toBe(90);
    expect(paid).toBe(3);
    const ledger = await ledgerAfter(baseline);
    for (const job of onSite3.filter((j) => j.status === 'succeeded')) {
      expect(
        ledger.filter((t) => t.idempotency_key === `settle:${job.id}` && t.transaction_type === 'capture'),
        job.id,
      ).toHaveLength(1);
    }
    const end = await balance();
    expect(ledger.reduce((s, t) => s + t.amount, 0)).toBe(end.balance - 100);
  });
});
