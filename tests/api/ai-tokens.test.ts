import { env } from 'cloudflare:workers';
import { drizzle } from 'drizzle-orm/d1';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  captureStatements,
  grantCredits,
  lateUsageStatements,
  releaseStatements,
  reserveCredits,
} from '../../worker/billing/ledger';
import { runBatch } from '../../worker/db/batch';
import { call, createSite, signup, type Session } from '../helpers/api';
import { devModelUrl, modelStats, useOwnModelKey, waitForJob } from '../helpers/jobs';

/**
 * Every token counted (issue 9, scope 6): a call whose reply is refused, cut off or cancelled still
 * cost the operator its tokens, so the usage log gets a row for it — credits_used 0 and
 * metadata.charged false — while the account's balance is untouched. And no call waits forever:
 * a provider that never answers is given up on after two timeouts, a stream that falls silent
 * times out after the idle timeout (AI_CALL_TIMEOUT_MS, 3 s in the tests), and a stream that is
 * slow but keeps sending runs as long as it needs.
 */

type Raw = { raw: string | null; finish_reason?: 'stop' | 'length'; refusal?: string | null };
type Script = (string | Raw)[];
type UsageRow = {
  job_id: string;
  credits_used: number;
  tokens_input: number;
  tokens_output: number;
  cost_usd: number;
  model_used: string;
  metadata: Record<string, unknown>;
};

async function script(apiKey: string, config: { script?: Script; stream_delay_ms?: number }) {
  const res = await fetch(`${devModelUrl()}/__dev/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ api_key: apiKey, ...config }),
  });
  if (!res.ok) throw new Error(`script refused: ${res.status} ${await res.text()}`);
}

async function balance(s: Session) {
  return (await call('GET', '/api/v1/billing/balance/', { token: s.token })).body.data as {
    balance: number;
    reserved: number;
  };
}

async function usageOf(s: Session, jobId: string): Promise<UsageRow[]> {
  const rows = (await call('GET', '/api/v1/billing/usage/?page_size=200', { token: s.token })).body
    .results as UsageRow[];
  return rows.filter((r) => r.job_id === jobId);
}

/** The job's usage row once it is there (a cancelled call's tokens may land just after the job ends). */
async function usageRowOf(s: Session, jobId: string, until: (r: UsageRow) => boolean = () => true): Promise<UsageRow> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const rows = await usageOf(s, jobId);
    if (rows.length === 1 && until(rows[0]!)) return rows[0]!;
    if (Date.now() > deadline) throw new Error(`usage of job ${jobId}: ${JSON.stringify(rows)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const A = ['raised bed garden', 'cedar raised bed', 'raised bed soil'];
const CLUSTERS = JSON.stringify({ clusters: [{ name: 'Raised beds', description: 'Beds', keywords: A }] });
const ARTICLE = JSON.stringify({
  title: 'Raised beds',
  meta_title: 'Raised beds | Guide',
  meta_description: 'All about raised beds.',
  primary_keyword: 'raised bed garden',
  secondary_keywords: ['cedar raised bed'],
  tags: ['beds'],
  categories: ['Garden'],
  sections: [
    {
      h2: 'Why raised beds',
      html: '<p>Because beds drain well and warm up early in the spring, so the season starts sooner.</p>',
    },
    {
      h2: 'How to build one',
      html: '<p>Build a frame of cedar boards, fill it with good soil and compost, and water it well.</p>',
    },
  ],
});

describe('the ledger: usage of calls that were not charged', () => {
  const db = drizzle(env.DB_SHARD_2);
  let accountId = 52_000;
  const usage = {
    operation: 'auto_cluster' as const,
    model: 'gpt-4o-mini',
    tokens_input: 900,
    tokens_output: 40,
    cost_usd: 0.000159,
    site_id: 1,
    metadata: { outcome: 'refused' },
  };
  const rows = async (id: number) =>
    (
      await env.DB_SHARD_2.prepare(
        'SELECT credits_used, tokens_input, tokens_output, cost_usd, metadata ' +
          'FROM credit_usage_logs WHERE account_id = ?',
      )
        .bind(id)
        .all<{
          credits_used: number;
          tokens_input: number;
          tokens_output: number;
          cost_usd: number;
          metadata: string;
        }>()
    ).results;
  const bal = async (id: number) =>
    (await env.DB_SHARD_2.prepare('SELECT balance, reserved FROM credit_balances WHERE account_id = ?')
      .bind(id)
      .first<{ balance: number; reserved: number }>())!;

  it('a release with usage logs the tokens once, not charged, and gives every credit back', async () => {
    accountId++;
    await grantCredits(db, { accountId, amount: 50, key: 'test:grant', type: 'grant', description: 'grant' });
    await reserveCredits(db, { accountId, jobId: 'job-r', amount: 5, operation: 'auto_cluster', description: 'x' });
    await runBatch(db, releaseStatements({ accountId, jobId: 'job-r', reason: 'the model refused', usage }));
    // A replayed settlement (release or capture) changes nothing: one row, no money moved.
    await runBatch(db, releaseStatements({ accountId, jobId: 'job-r', reason: 'replayed', usage }));
    await runBatch(db, captureStatements({ accountId, jobId: 'job-r', charge: 5, description: 'late', usage }));
    expect(await bal(accountId)).toEqual({ balance: 50, reserved: 0 });
    const [row, ...more] = await rows(accountId);
    expect(more).toEqual([]);
    expect(row).toMatchObject({ credits_used: 0, tokens_input: 900, tokens_output: 40, cost_usd: 0.000159 });
    expect(JSON.parse(row!.metadata)).toEqual({ outcome: 'refused', charged: false });
  });

  it('a release of a job that spent no tokens logs no usage; a capture is marked charged', async () => {
    accountId++;
    await grantCredits(db, { accountId, amount: 50, key: 'test:grant', type: 'grant', description: 'grant' });
    await reserveCredits(db, { accountId, jobId: 'job-0', amount: 5, operation: 'auto_cluster', description: 'x' });
    await runBatch(
      db,
      releaseStatements({
        accountId,
        jobId: 'job-0',
        reason: 'cancelled before its call',
        usage: { ...usage, tokens_input: 0, tokens_output: 0 },
      }),
    );
    expect(await rows(accountId)).toEqual([]);
    await reserveCredits(db, { accountId, jobId: 'job-c', amount: 5, operation: 'auto_cluster', description: 'x' });
    await runBatch(
      db,
      captureStatements({
        accountId,
        jobId: 'job-c',
        charge: 2,
        description: 'done',
        usage: { ...usage, metadata: { outcome: 'succeeded' } },
      }),
    );
    const [row] = await rows(accountId);
    expect(row).toMatchObject({ credits_used: 2 });
    expect(JSON.parse(row!.metadata)).toEqual({ charged: true, outcome: 'succeeded' });
    expect(await bal(accountId)).toEqual({ balance: 48, reserved: 0 });
  });

  it('late tokens are added to the job row (or make one), never charged', async () => {
    accountId++;
    await grantCredits(db, { accountId, amount: 50, key: 'test:grant', type: 'grant', description: 'grant' });
    const late = {
      ...usage,
      tokens_input: 100,
      tokens_output: 10,
      cost_usd: 0.00002,
      metadata: { outcome: 'cancelled', estimated: true },
    };
    await runBatch(db, lateUsageStatements({ accountId, jobId: 'job-l', usage: late }));
    await runBatch(db, lateUsageStatements({ accountId, jobId: 'job-l', usage: late }));
    const [row, ...more] = await rows(accountId);
    expect(more).toEqual([]);
    expect(row).toMatchObject({ credits_used: 0, tokens_input: 200, tokens_output: 20 });
    expect(row!.cost_usd).toBeCloseTo(0.00004, 8);
    expect(JSON.parse(row!.metadata)).toMatchObject({
      charged: false,
      outcome: 'cancelled',
      estimated: true,
      uncharged_tokens_input: 200,
      uncharged_tokens_output: 20,
    });
    expect(await bal(accountId)).toEqual({ balance: 50, reserved: 0 });
  });
});

describe('every token counted, through the real engine', () => {
  let owner: Session;
  let siteId: number;
  let sectorId: number;
  let keywordIds: number[];
  const apiKey = `sk-tokens-${Date.now()}`;

  beforeAll(async () => {
    owner = await signup('tokens');
    await useOwnModelKey(owner, apiKey);
    siteId = (await createSite(owner, 'Tokens site')).id;
    sectorId = (
      await call('POST', '/api/v1/auth/sectors/', { token: owner.token, body: { site_id: siteId, name: 'Beds' } })
    ).body.data.id;
    const csv = 'Keyword,Volume\n' + A.map((w, i) => `${w},${(i + 1) * 100}`).join('\n');
    expect(
      (
        await call('POST', `/api/v1/planner/keywords/import/?site_id=${siteId}&sector_id=${sectorId}`, {
          rawBody: csv,
          headers: { 'content-type': 'text/csv' },
          token: owner.token,
        })
      ).status,
    ).toBe(200);
    keywordIds = (
      await call('GET', `/api/v1/planner/keywords/?sector_id=${sectorId}&page_size=200`, { token: owner.token })
    ).body.results.map((k: { id: number }) => k.id);
  });

  async function cluster(entries: Script) {
    await script(apiKey, { script: entries });
    const before = await balance(owner);
    const start = await call('POST', '/api/v1/planner/keywords/auto_cluster/', {
      token: owner.token,
      body: { ids: keywordIds },
    });
    expect(start.status, JSON.stringify(start.body)).toBe(202);
    const job = await waitForJob(owner, start.body.data.task_id);
    return { job, before };
  }

  async function startArticle(entries: Script, streamDelayMs = 8) {
    await script(apiKey, { script: entries, stream_delay_ms: streamDelayMs });
    const task = (
      await call('POST', '/api/v1/writer/tasks/', {
        token: owner.token,
        body: { site_id: siteId, sector_id: sectorId, title: 'Raised beds', target_keywords: ['raised bed garden'] },
      })
    ).body.data;
    const before = await balance(owner);
    const start = await call('POST', '/api/v1/writer/tasks/auto_generate_content/', {
      token: owner.token,
      body: { ids: [task.id] },
    });
    expect(start.status, JSON.stringify(start.body)).toBe(202);
    return { taskId: start.body.data.task_id as string, before };
  }

  it('a refused reply: the job fails uncharged, and its tokens are in the usage log as not charged', async () => {
    const { job, before } = await cluster([{ raw: '', refusal: 'I cannot cluster these keywords.' }]);
    expect(job).toMatchObject({
      status: 'failed',
      error: 'The AI reply could not be used: the model refused: I cannot cluster these keywords.',
      credits_charged: 0,
    });
    expect(await balance(owner)).toEqual({ ...before, reserved: 0 });
    const row = await usageRowOf(owner, job.id);
    expect(row).toMatchObject({ credits_used: 0, model_used: expect.any(String) });
    expect(row.tokens_input).toBeGreaterThan(0);
    expect(row.tokens_output).toBeGreaterThan(0);
    expect(row.cost_usd).toBeGreaterThan(0);
    expect(row.metadata).toMatchObject({ charged: false, outcome: 'refused', job_id: job.id });
  });

  it('a reply cut off at the token limit: not charged, its tokens logged as truncated', async () => {
    const { job, before } = await cluster([{ raw: CLUSTERS.slice(0, 70), finish_reason: 'length' }]);
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/^The AI reply could not be used: the reply was cut off at \d+ tokens$/);
    expect(await balance(owner)).toEqual({ ...before, reserved: 0 });
    const row = await usageRowOf(owner, job.id);
    expect(row.credits_used).toBe(0);
    // The dev model counts about one token per 4 characters of the reply.
    expect(row.tokens_output).toBe(Math.ceil(70 / 4));
    expect(row.metadata).toMatchObject({ charged: false, outcome: 'truncated' });
  });

  it('an unusable reply (no JSON) is logged as failed; a succeeded job is logged as charged', async () => {
    const bad = await cluster([{ raw: 'The keywords are all about beds.' }]);
    expect(bad.job.status).toBe('failed');
    expect((await usageRowOf(owner, bad.job.id)).metadata).toMatchObject({ charged: false, outcome: 'failed' });
    const good = await cluster([{ raw: CLUSTERS }]);
    expect(good.job).toMatchObject({ status: 'succeeded', credits_charged: 1 });
    const row = await usageRowOf(owner, good.job.id);
    expect(row).toMatchObject({ credits_used: 1, metadata: { charged: true, outcome: 'succeeded' } });
    expect(await balance(owner)).toMatchObject({ balance: good.before.balance - 1, reserved: 0 });
  });

  it(
    'a streamed article cancelled part-way: the tokens it streamed are ' +
      'logged (estimated from the text), nothing is charged',
    async () => {
      // About 65 deltas 100 ms apart: the cancel lands while the article is streaming.
      const { taskId, before } = await startArticle([{ raw: ARTICLE }], 100);
      await new Promise((r) => setTimeout(r, 1_500));
      const cancel = await call('POST', `/api/v1/system/jobs/${taskId}/cancel/`, { token: owner.token });
      expect(cancel.status).toBe(200);
      const job = await waitForJob(owner, taskId);
      expect(job).toMatchObject({ status: 'cancelled', credits_charged: 0 });
      const row = await usageRowOf(owner, taskId, (r) => r.tokens_output > 0);
      expect(row.credits_used).toBe(0);
      expect(row.tokens_input).toBeGreaterThan(0);
      // Part of the reply, not all of it.
      expect(row.tokens_output).toBeLessThan(Math.ceil(ARTICLE.length / 4));
      expect(row.metadata).toMatchObject({ charged: false, outcome: 'cancelled' });
      expect(await balance(owner)).toEqual({ ...before, reserved: 0 });
    },
  );

  it('a job charged for part of its work logs the tokens of its refused call as uncharged', async () => {
    // Two articles: one streams a short article (about 65 deltas, 1.3 s), the other a long refusal
    // (about 150 deltas, 3 s; a longer one would come in bigger deltas, not more), so the article
    // is delivered before the refusal fails the job.
    await script(apiKey, {
      script: [{ raw: ARTICLE }, { raw: null, refusal: 'I will not write this. '.repeat(60).trim() }],
      stream_delay_ms: 20,
    });
    const tasks = [];
    for (const title of ['Raised beds', 'Cedar beds'])
      tasks.push(
        (
          await call('POST', '/api/v1/writer/tasks/', {
            token: owner.token,
            body: { site_id: siteId, sector_id: sectorId, title, target_keywords: ['raised bed garden'] },
          })
        ).body.data.id,
      );
    const before = await balance(owner);
    const job = await waitForJob(
      owner,
      (await call('POST', '/api/v1/writer/tasks/auto_generate_content/', { token: owner.token, body: { ids: tasks } }))
        .body.data.task_id,
    );
    expect(job).toMatchObject({ status: 'failed', credits_charged: 3 });
    expect(job.error).toMatch(/^The AI reply could not be used: the model refused: I will not write this\./);
    expect(await balance(owner)).toMatchObject({ balance: before.balance - 3, reserved: 0 });
    const row = await usageRowOf(owner, job.id);
    expect(row.credits_used).toBe(3);
    expect(row.metadata).toMatchObject({ charged: true, outcome: 'refused', delivered: 1, total: 2 });
    // The refusal's tokens (about 345 for its ~1,380 characters) are in the row, named as not charged.
    expect(row.metadata.uncharged_tokens_output as number).toBeGreaterThan(300);
    expect(row.tokens_output).toBeGreaterThan(row.metadata.uncharged_tokens_output as number);
    expect(row.metadata.uncharged_cost_usd as number).toBeGreaterThan(0);
  });

  it('a provider that never answers a clustering call is given up on after two timeouts, not six', async () => {
    const started = Date.now();
    const { job, before } = await cluster(['timeout', 'timeout', 'timeout']);
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/did not answer in time\. Gave up after 2 attempts that timed out\.$/);
    expect((await modelStats(apiKey)).by_outcome.timeout).toBe(2);
    // Two 3 s timeouts and a short backoff, not 6 × 3 s.
    expect(Date.now() - started).toBeLessThan(12_000);
    expect(await balance(owner)).toEqual({ ...before, reserved: 0 });
    // The third scripted timeout was never used: clear it for the next test.
    await script(apiKey, { script: [] });
  });

  it('a stream that falls silent times out after the idle timeout, and its streamed tokens are logged', async () => {
    const started = Date.now();
    // 'stall': half the article, then silence with the connection open (20 s in the tests' dev model).
    const { taskId, before } = await startArticle(['stall', 'stall']);
    const job = await waitForJob(owner, taskId);
    expect(job.status).toBe('failed');
    expect(job.error).toBe(
      'The AI provider stopped sending the reply (nothing for 3 s). Gave up after 2 attempts that timed out.',
    );
    // Two idle timeouts of 3 s, not two 20 s holds.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await balance(owner)).toEqual({ ...before, reserved: 0 });
    const row = await usageRowOf(owner, taskId);
    expect(row.credits_used).toBe(0);
    expect(row.tokens_output).toBeGreaterThan(0);
    expect(row.metadata).toMatchObject({ charged: false, outcome: 'failed' });
  });

  it('a stream that is slow but steady runs past the 3 s timeout and succeeds in one attempt', async () => {
    const requests = (await modelStats(apiKey)).requests;
    const started = Date.now();
    // Each delta within 100 ms, the whole reply well over 3 s.
    const { taskId, before } = await startArticle([{ raw: ARTICLE }], 100);
    const job = await waitForJob(owner, taskId);
    expect(job, JSON.stringify(job)).toMatchObject({ status: 'succeeded', credits_charged: 3 });
    expect(Date.now() - started).toBeGreaterThan(4_000);
    expect((await modelStats(apiKey)).requests).toBe(requests + 1);
    expect(await balance(owner)).toMatchObject({ balance: before.balance - 3, reserved: 0 });
    expect((await usageRowOf(owner, taskId)).metadata).toMatchObject({ charged: true, outcome: 'succeeded' });
  });
});
