import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { engineHarness, SHARD } from '../../../tests/helpers/engine-harness';
import { ProviderError } from '../../../worker/lib/ai-provider';
import type { AiFunctionDefinition } from './ai-function';
import { MAX_CALL_ATTEMPTS } from './engine';
import type { EnqueueSpec } from './protocol';

/**
 * The job engine end to end in plain Node: the real ledger and task-log SQL on an in-memory SQLite
 * shard, a test AI function whose run() answers without the network. The rule under test is the
 * user's: a job is charged for what it delivered, once, and a job that ends without delivering
 * gives every held credit back.
 */
const ACCOUNT = 42;
const PER_ARTICLE = 3;

type Run = (unit: number) => Promise<void>;

/** One article per unit: save() writes them to `test_articles` in the capture's batch. */
function articles(run: Run): AiFunctionDefinition<{ units: number }, { unit: number }, { unit: number }> {
  return {
    name: 'generate_content',
    promptType: 'content_generation',
    unitPlural: 'articles',
    input: z.object({ units: z.number().int().min(1).max(10) }),
    reserve: ({ units }) => units * PER_ARTICLE,
    prepare: async (_ctx, { units }) => ({
      batches: Array.from({ length: units }, (_, unit) => ({ index: unit, input: { unit }, meta: { unit } })),
      summary: `Writing ${units} articles`,
    }),
    async run(_env, _ctx, batch) {
      await run(batch.meta.unit);
      return { parsed: { unit: batch.meta.unit }, tokensIn: 100, tokensOut: 400, model: 'test-model' };
    },
    save: (ctx, _prepared, parsed) => ({
      statements: parsed.map((p) => sql`INSERT INTO test_articles (job_id, unit) VALUES (${ctx.jobId}, ${p.unit})`),
      charge: parsed.length * PER_ARTICLE,
      changed: ['content'],
      result: { articles: parsed.length },
    }),
  };
}

let seq = 0;
function setup(run: Run = async () => undefined) {
  const calls: number[] = [];
  const h = engineHarness(() =>
    articles(async (unit) => {
      calls.push(unit);
      await run(unit);
    }),
  );
  h.d1.sqlite.exec(
    'CREATE TABLE test_articles (job_id TEXT NOT NULL, unit INTEGER NOT NULL, PRIMARY KEY (job_id, unit))',
  );
  const spec = (units: number): EnqueueSpec => ({
    id: `job-${++seq}`,
    account_id: ACCOUNT,
    shard: SHARD,
    site_id: 1,
    user_id: 7,
    user_name: 'Tess Tester',
    function: 'generate_content',
    input: { units },
  });
  const ledger = (jobId: string) =>
    h.rows('SELECT transaction_type AS type, amount FROM credit_transactions WHERE job_id = ? ORDER BY id', jobId);
  const taskStatus = (jobId: string) => h.rows('SELECT status FROM ai_task_logs WHERE job_id = ?', jobId)[0]?.status;
  const saved = (jobId: string) => h.rows('SELECT unit FROM test_articles WHERE job_id = ? ORDER BY unit', jobId);
  return { ...h, calls, spec, ledger, taskStatus, saved };
}

describe('CoordinatorEngine (plain Node, real ledger SQL on SQLite)', () => {
  it('holds the credits at enqueue, runs every call, saves the work and charges it', async () => {
    const t = setup();
    await t.grant(ACCOUNT, 100);
    const spec = t.spec(2);

    const accepted = await t.engine.enqueue(spec);
    expect(accepted).toMatchObject({ ok: true, replayed: false, job: { status: 'queued', credits_reserved: 6 } });
    expect(t.balance(ACCOUNT)).toEqual({ balance: 94, reserved: 6 });

    await t.engine.pump();

    expect(t.engine.getJob(spec.id)).toMatchObject({ status: 'succeeded', progress: 100, credits_charged: 6 });
    expect(t.saved(spec.id)).toEqual([{ unit: 0 }, { unit: 1 }]);
    expect(t.balance(ACCOUNT)).toEqual({ balance: 94, reserved: 0 });
    expect(t.ledger(spec.id)).toEqual([
      { type: 'reservation', amount: -6 },
      { type: 'capture', amount: 0 },
    ]);
    expect(t.taskStatus(spec.id)).toBe('succeeded');
    expect(t.rows('SELECT credits_used, tokens_input FROM credit_usage_logs WHERE job_id = ?', spec.id)).toEqual([
      { credits_used: 6, tokens_input: 200 },
    ]);
    // Members watching the progress panel saw the job through to the end.
    expect(t.seen.map((v) => v.status)).toEqual(expect.arrayContaining(['queued', 'running', 'saving', 'succeeded']));
  });

  it('refuses a job the account cannot pay for, holding and queuing nothing', async () => {
    const t = setup();
    await t.grant(ACCOUNT, 5);
    const spec = t.spec(2);

    const refused = await t.engine.enqueue(spec);
    expect(refused).toMatchObject({ ok: false, code: 'insufficient_credits', needed: 6, available: 5 });
    await t.engine.pump();

    expect(t.calls).toEqual([]);
    expect(t.balance(ACCOUNT)).toEqual({ balance: 5, reserved: 0 });
    expect(t.ledger(spec.id)).toEqual([]);
    expect(t.taskStatus(spec.id)).toBeUndefined();
    expect(t.engine.listJobs()).toEqual([]);
    // Asking again gets the same refusal, never a 202 for the refused job.
    expect(await t.engine.enqueue(spec)).toMatchObject({ ok: false, code: 'insufficient_credits', needed: 6 });
  });

  it('gives the whole hold back when a queued job is cancelled, and never calls the model', async () => {
    const t = setup();
    await t.grant(ACCOUNT, 100);
    const spec = t.spec(3);
    await t.engine.enqueue(spec);
    expect(t.balance(ACCOUNT).balance).toBe(91);

    const cancelled = await t.engine.cancel(spec.id, 'Tess Tester');
    await t.engine.pump();

    expect(cancelled).toMatchObject({
      status: 'cancelled',
      message: expect.stringContaining('Cancelled by Tess Tester'),
    });
    expect(t.calls).toEqual([]);
    expect(t.balance(ACCOUNT)).toEqual({ balance: 100, reserved: 0 });
    expect(t.ledger(spec.id)).toEqual([
      { type: 'reservation', amount: -9 },
      { type: 'release', amount: 9 },
    ]);
    expect(t.taskStatus(spec.id)).toBe('cancelled');
    expect(t.engine.getJob(spec.id)?.credits_charged).toBe(0);
  });

  it('fails a job that prepares nothing to do, uncharged, with the reason (never "running" forever)', async () => {
    const h = engineHarness(() => ({
      ...articles(async () => undefined),
      prepare: async () => ({ batches: [], summary: 'Linking 0 articles' }),
    }));
    await h.grant(ACCOUNT, 100);
    const spec: EnqueueSpec = {
      id: `job-${++seq}`,
      account_id: ACCOUNT,
      shard: SHARD,
      site_id: 1,
      user_id: 7,
      user_name: 'Tess Tester',
      function: 'generate_content',
      input: { units: 1 },
    };
    await h.engine.enqueue(spec);
    await h.engine.pump();
    expect(h.engine.getJob(spec.id)).toMatchObject({
      status: 'failed',
      credits_charged: 0,
      error: expect.stringContaining('nothing to do'),
    });
    expect(h.balance(ACCOUNT)).toEqual({ balance: 100, reserved: 0 });
  });

  it('retries a failing call, then fails the job uncharged with the reason', async () => {
    const t = setup(async () => {
      throw new ProviderError('server_error', 'The AI provider failed (500).', null, 500);
    });
    await t.grant(ACCOUNT, 100);
    const spec = t.spec(1);
    await t.engine.enqueue(spec);

    await t.engine.pump();

    expect(t.calls).toHaveLength(MAX_CALL_ATTEMPTS);
    expect(t.engine.getJob(spec.id)).toMatchObject({
      status: 'failed',
      credits_charged: 0,
      error: expect.stringContaining(`Gave up after ${MAX_CALL_ATTEMPTS} attempts`),
    });
    expect(t.saved(spec.id)).toEqual([]);
    expect(t.balance(ACCOUNT)).toEqual({ balance: 100, reserved: 0 });
    expect(t.ledger(spec.id).map((r) => r.type)).toEqual(['reservation', 'release']);
    expect(t.taskStatus(spec.id)).toBe('failed');
  });

  it('charges once for a call that succeeds on its second attempt', async () => {
    let failures = 1;
    const t = setup(async () => {
      if (failures-- > 0) throw new ProviderError('rate_limited', 'The AI provider is rate limiting this key.', 0, 429);
    });
    await t.grant(ACCOUNT, 100);
    const spec = t.spec(1);
    await t.engine.enqueue(spec);

    await t.engine.pump();

    expect(t.calls).toEqual([0, 0]);
    expect(t.engine.getJob(spec.id)).toMatchObject({ status: 'succeeded', credits_charged: 3 });
    expect(t.balance(ACCOUNT)).toEqual({ balance: 97, reserved: 0 });
  });

  it('answers a repeated enqueue of the same job id with the same job, holding and charging once', async () => {
    const t = setup();
    await t.grant(ACCOUNT, 100);
    const spec = t.spec(2);

    // A client retrying at once (same Idempotency-Key) while the first request is being accepted.
    const [first, second] = await Promise.all([t.engine.enqueue(spec), t.engine.enqueue(spec)]);
    expect(first).toEqual(second);
    await t.engine.pump();
    const later = await t.engine.enqueue(spec);
    await t.engine.pump();

    expect(later).toMatchObject({ ok: true, replayed: true, job: { id: spec.id, status: 'succeeded' } });
    expect(t.calls).toEqual([0, 1]);
    expect(t.saved(spec.id)).toHaveLength(2);
    expect(t.balance(ACCOUNT)).toEqual({ balance: 94, reserved: 0 });
    expect(t.ledger(spec.id).map((r) => r.type)).toEqual(['reservation', 'capture']);
  });
});
