import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, createSite, signup, type Session } from '../helpers/api';
import { modelStats, scriptFaults, useOwnModelKey, waitForJob } from '../helpers/jobs';
import { shardBinding, shardOf } from '../helpers/fixtures';

const GARDEN = [
  'raised bed garden',
  'raised bed soil',
  'how to build a raised bed',
  'raised bed kit',
  'cedar raised bed',
  'compost bin diy',
  'how to compost at home',
  'compost tea',
  'worm composting',
  'compost ratio',
  'tomato cages',
  'growing tomatoes in pots',
  'best tomato varieties',
  'tomato fertilizer',
  'pruning tomato plants',
];

async function seedKeywords(owner: Session, siteId: number, sectorId: number, words: string[]) {
  const csv = 'Keyword,Volume,KD\n' + words.map((w, i) => `${w},${(i + 1) * 100},${i % 90}`).join('\n');
  const res = await call('POST', `/api/v1/planner/keywords/import/?site_id=${siteId}&sector_id=${sectorId}`, {
    rawBody: csv,
    headers: { 'content-type': 'text/csv' },
    token: owner.token,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const list = await call('GET', `/api/v1/planner/keywords/?sector_id=${sectorId}&page_size=200`, {
    token: owner.token,
  });
  return list.body.results.map((k: { id: number }) => k.id) as number[];
}

async function balance(owner: Session) {
  return (await call('GET', '/api/v1/billing/balance/', { token: owner.token })).body.data as {
    balance: number;
    reserved: number;
  };
}

describe('AI jobs through the SiteCoordinator', () => {
  let owner: Session;
  let site: { id: number };
  let sectorId: number;
  let ids: number[];

  beforeAll(async () => {
    owner = await signup('ai');
    site = await createSite(owner, 'Garden Site');
    sectorId = (
      await call('POST', '/api/v1/auth/sectors/', {
        token: owner.token,
        body: { site_id: site.id, name: 'Vegetables' },
      })
    ).body.data.id;
    ids = await seedKeywords(owner, site.id, sectorId, GARDEN);
  });

  it('clusters keywords with the dev model, charging once on success', async () => {
    const before = await balance(owner);
    const start = await call('POST', '/api/v1/planner/keywords/auto_cluster/', { token: owner.token, body: { ids } });
    expect(start.status, JSON.stringify(start.body)).toBe(202);
    const job = await waitForJob(owner, start.body.data.task_id);
    expect(job).toMatchObject({ status: 'succeeded', progress: 100, phase: 'DONE', credits_charged: 1 });
    const clusters = await call('GET', `/api/v1/planner/clusters/?site_id=${site.id}&ordering=name`, {
      token: owner.token,
    });
    expect(clusters.body.results.map((c: { name: string }) => c.name)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/compost/i),
        expect.stringMatching(/raised bed/i),
        expect.stringMatching(/tomato/i),
      ]),
    );
    expect(clusters.body.results.reduce((n: number, c: { keywords_count: number }) => n + c.keywords_count, 0)).toBe(
      GARDEN.length,
    );
    expect(await balance(owner)).toMatchObject({ balance: before.balance - 1, reserved: 0 });
    const usage = await call('GET', '/api/v1/billing/usage/', { token: owner.token });
    expect(usage.body.results[0]).toMatchObject({ operation_type: 'auto_cluster', credits_used: 1, job_id: job.id });
    expect(usage.body.results[0].tokens_input).toBeGreaterThan(0);
    expect(usage.body.results[0].cost_usd).toBeGreaterThan(0);
  });

  it('turns clusters into ideas that keep an H2 outline, one credit per idea', async () => {
    const clusters = (await call('GET', `/api/v1/planner/clusters/?site_id=${site.id}`, { token: owner.token })).body
      .results as { id: number; name: string }[];
    const before = await balance(owner);
    const start = await call('POST', '/api/v1/planner/clusters/auto_generate_ideas/', {
      token: owner.token,
      body: { ids: clusters.map((c) => c.id), ideas_per_cluster: 3 },
    });
    expect(start.status).toBe(202);
    expect(start.body.data.job.credits_reserved).toBe(clusters.length * 7);
    const job = await waitForJob(owner, start.body.data.task_id);
    expect(job.status).toBe('succeeded');
    const ideas = (await call('GET', `/api/v1/planner/ideas/?site_id=${site.id}&page_size=100`, { token: owner.token }))
      .body.results;
    expect(ideas.length).toBe(job.credits_charged);
    expect(ideas.length).toBeGreaterThanOrEqual(clusters.length * 3);
    for (const idea of ideas) {
      expect(idea.outline.length).toBeGreaterThanOrEqual(6);
      expect(idea.outline.length).toBeLessThanOrEqual(10);
      expect(clusters.map((c) => c.id)).toContain(idea.cluster_id);
      expect(idea.target_keywords.length).toBeGreaterThan(0);
    }
    expect((await balance(owner)).balance).toBe(before.balance - ideas.length);

    const tasks = await call('POST', '/api/v1/planner/ideas/create_tasks/', {
      token: owner.token,
      body: { ids: ideas.map((i: { id: number }) => i.id) },
    });
    expect(tasks.status).toBe(201);
    expect(tasks.body.data).toEqual({ created: ideas.length, already_had_tasks: 0 });
    const again = await call('POST', '/api/v1/planner/ideas/create_tasks/', {
      token: owner.token,
      body: { ids: ideas.map((i: { id: number }) => i.id) },
    });
    expect(again.body.data).toEqual({ created: 0, already_had_tasks: ideas.length });
  });

  it('refuses a job the account cannot pay for, queueing nothing', async () => {
    const poor = await signup('poor');
    const poorSite = await createSite(poor, 'Poor Site');
    const sector = (
      await call('POST', '/api/v1/auth/sectors/', { token: poor.token, body: { site_id: poorSite.id, name: 'S' } })
    ).body.data.id;
    const kw = await seedKeywords(poor, poorSite.id, sector, GARDEN.slice(0, 5));
    await shardBinding(await shardOf(poor.accountId))
      .prepare('UPDATE credit_balances SET balance = 0 WHERE account_id = ?')
      .bind(poor.accountId)
      .run();
    const res = await call('POST', '/api/v1/planner/keywords/auto_cluster/', { token: poor.token, body: { ids: kw } });
    expect(res.status).toBe(402);
    expect(res.body).toMatchObject({ success: false, code: 'insufficient_credits' });
    expect(res.body.error).toMatch(/needs 1 credits/i);
    const jobs = await call('GET', `/api/v1/system/jobs/?site_id=${poorSite.id}`, { token: poor.token });
    expect(jobs.body.data.filter((j: { status: string }) => j.status !== 'failed')).toEqual([]);
    const logs = await shardBinding(await shardOf(poor.accountId))
      .prepare('SELECT count(*) AS n FROM ai_task_logs WHERE account_id = ?')
      .bind(poor.accountId)
      .first<{ n: number }>();
    expect(logs!.n).toBe(0);
  });

  it('returns the same job for a repeated Idempotency-Key and charges once', async () => {
    const before = await balance(owner);
    const headers = { 'idempotency-key': 'cluster-click-1' };
    const a = await call('POST', '/api/v1/planner/keywords/auto_cluster/', {
      token: owner.token,
      body: { ids: ids.slice(0, 5) },
      headers,
    });
    const b = await call('POST', '/api/v1/planner/keywords/auto_cluster/', {
      token: owner.token,
      body: { ids: ids.slice(0, 5) },
      headers,
    });
    expect(b.body.data.task_id).toBe(a.body.data.task_id);
    await waitForJob(owner, a.body.data.task_id);
    expect((await balance(owner)).balance).toBe(before.balance - 1);
  });
});

describe('provider faults', () => {
  let owner: Session;
  let siteId: number;
  let ids: number[];
  let key = '';
  let n = 0;

  beforeAll(async () => {
    owner = await signup('faults');
    siteId = (await createSite(owner, 'Fault Site')).id;
    const sector = (
      await call('POST', '/api/v1/auth/sectors/', { token: owner.token, body: { site_id: siteId, name: 'Garden' } })
    ).body.data.id;
    ids = await seedKeywords(owner, siteId, sector, GARDEN);
  });

  /** A fresh key per test: its fault script and stats are its own. */
  async function run(script: string[], extra: { retry_after_s?: number; latency_ms?: number } = {}) {
    key = `sk-test-faults-${Date.now()}-${++n}`;
    await useOwnModelKey(owner, key);
    await scriptFaults(key, { script, retry_after_s: extra.retry_after_s ?? 0.05, latency_ms: extra.latency_ms });
    const before = await balance(owner);
    const clustersBefore = (await call('GET', `/api/v1/planner/clusters/?site_id=${siteId}`, { token: owner.token }))
      .body.count;
    const start = await call('POST', '/api/v1/planner/keywords/auto_cluster/', { token: owner.token, body: { ids } });
    expect(start.status, JSON.stringify(start.body)).toBe(202);
    const job = await waitForJob(owner, start.body.data.task_id);
    const after = await balance(owner);
    const clustersAfter = (await call('GET', `/api/v1/planner/clusters/?site_id=${siteId}`, { token: owner.token }))
      .body.count;
    return {
      job,
      spent: before.balance - after.balance,
      reserved: after.reserved,
      newClusters: clustersAfter - clustersBefore,
      stats: await modelStats(key),
    };
  }

  it.each([['429'], ['500'], ['503'], ['timeout']])('retries a %s and succeeds', async (fault) => {
    const r = await run([fault, 'ok']);
    expect(r.job.status).toBe('succeeded');
    expect(r.spent).toBe(1);
    expect(r.stats.requests).toBe(2);
  });

  it.each([['fenced'], ['prose'], ['trailing_comma'], ['smart_quotes'], ['bom'], ['comments']])(
    'repairs a %s reply',
    async (fault) => {
      const r = await run([fault]);
      expect(r.job.status).toBe('succeeded');
      expect(r.spent).toBe(1);
    },
  );

  it.each([['malformed'], ['truncated'], ['wrong_shape'], ['refusal'], ['empty']])(
    'fails cleanly on a %s reply: nothing written, nothing charged',
    async (fault) => {
      const r = await run([fault]);
      expect(r.job.status).toBe('failed');
      expect(r.job.error).toBeTruthy();
      expect(r.spent).toBe(0);
      expect(r.reserved).toBe(0);
      expect(r.newClusters).toBe(0);
    },
  );

  it('gives up after repeated 5xx, charging nothing', async () => {
    const r = await run(['503', '503', '503', '503', '503', '503', '503']);
    expect(r.job.status).toBe('failed');
    expect(r.job.error).toMatch(/gave up after 6 attempts/i);
    expect(r.stats.requests).toBe(6);
    expect(r.spent).toBe(0);
  });

  it('cancels a running job and releases its credits', async () => {
    key = `sk-test-cancel-${Date.now()}`;
    await useOwnModelKey(owner, key);
    await scriptFaults(key, { latency_ms: 1500 });
    const before = await balance(owner);
    const start = await call('POST', '/api/v1/planner/keywords/auto_cluster/', { token: owner.token, body: { ids } });
    const taskId = start.body.data.task_id;
    await new Promise((r) => setTimeout(r, 300));
    const cancel = await call('POST', `/api/v1/system/jobs/${taskId}/cancel/`, { token: owner.token });
    expect(cancel.status).toBe(200);
    expect(cancel.body.data.status).toBe('cancelled');
    const job = await waitForJob(owner, taskId);
    expect(job.status).toBe('cancelled');
    await new Promise((r) => setTimeout(r, 1800)); // the in-flight call returns and must be discarded
    expect(await balance(owner)).toMatchObject({ balance: before.balance, reserved: 0 });

    const retry = await call('POST', `/api/v1/system/jobs/${taskId}/retry/`, { token: owner.token });
    expect(retry.status).toBe(202);
    expect(retry.body.data.job.retry_of).toBe(taskId);
    await scriptFaults(key, { latency_ms: 0 });
    expect((await waitForJob(owner, retry.body.data.task_id)).status).toBe('succeeded');
  });
});

describe('job access', () => {
  it('hides jobs of other accounts and keeps viewers from starting or cancelling', async () => {
    const a = await signup('jobs-a');
    const siteA = await createSite(a, 'A');
    const sector = (
      await call('POST', '/api/v1/auth/sectors/', { token: a.token, body: { site_id: siteA.id, name: 'S' } })
    ).body.data.id;
    const kw = await seedKeywords(a, siteA.id, sector, GARDEN.slice(0, 4));
    const start = await call('POST', '/api/v1/planner/keywords/auto_cluster/', { token: a.token, body: { ids: kw } });
    const taskId = start.body.data.task_id;
    const b = await signup('jobs-b');
    expect((await call('GET', `/api/v1/system/settings/task_progress/${taskId}/`, { token: b.token })).status).toBe(
      404,
    );
    expect((await call('POST', `/api/v1/system/jobs/${taskId}/cancel/`, { token: b.token })).status).toBe(404);
    expect((await call('GET', `/api/v1/system/jobs/?site_id=${siteA.id}`, { token: b.token })).status).toBe(404);
    expect(
      (await call('POST', '/api/v1/planner/keywords/auto_cluster/', { token: b.token, body: { ids: kw } })).status,
    ).toBe(404);
    await waitForJob(a, taskId);
  });
});
