import { env } from 'cloudflare:workers';
import { runInDurableObject } from 'cloudflare:test';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/d1';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Broadcaster } from '../../durable-objects/site-coordinator/engine/broadcaster';
import { enginePorts } from '../../durable-objects/site-coordinator/features';
import { CoordinatorEngine } from '../../durable-objects/site-coordinator/engine/engine';
import type { EnqueueSpec } from '../../durable-objects/site-coordinator/engine/protocol';
import { SqlJobStore, type JobRecord, type JobStore } from '../../durable-objects/site-coordinator/engine/job-store';
import { MemoryJobStore } from '../../durable-objects/site-coordinator/engine/memory-job-store';
import { InvalidReply, type AiFunctionDefinition } from '../../durable-objects/site-coordinator/engine/ai-function';
import { insertTaskLog } from '../../worker/system/task-log';
import { grantCredits, reserveCredits } from '../../worker/billing/ledger';
import { sweepStaleHolds } from '../../worker/billing/sweep-holds';
import { runBatch } from '../../worker/db/batch';
import type { Env } from '../../worker/env';

/**
 * The job engine driven step by step, with an in-memory job store, a test AI function whose steps
 * wait on gates the test opens, and the real ledger on a shard D1: every interleaving of a cancel
 * (or a failure) with reserve, prepare, the AI calls and save is forced here, not left to timing.
 * The rule under test: work and price always match — a job is charged for exactly the units it
 * delivered, its hold is never left behind, and nothing it marked stays marked.
 */
const SHARD = 'DB_SHARD_2' as const;
const d1 = env.DB_SHARD_2;
const db = drizzle(d1);
const CREDITS_PER_UNIT = 3;

/** A promise the test resolves (or rejects) when it chooses. */
function gate<T = void>() {
  let open!: (value: T) => void;
  let fail!: (err: unknown) => void;
  const promise = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface Hooks {
  /** Awaited by prepare() before it marks its units, and after. */
  beforeMark?: () => Promise<void>;
  afterMark?: () => Promise<void>;
  /** The AI call of one unit: resolve to deliver it, throw to fail it; `signal` aborts when the job ends. */
  run: (unit: number, signal: AbortSignal) => Promise<void>;
}

/** What the test function's sinks were asked to do, per unit. */
let sinkLog: string[] = [];

/**
 * An AI function whose units are rows in `test_units`: prepare marks them, save delivers them, abandon puts them
 * back.
 */
function testFunction(hooks: Hooks): AiFunctionDefinition<{ units: number }, { unit: number }, { unit: number }> {
  return {
    name: 'generate_content',
    promptType: 'content_generation',
    unitPlural: 'articles',
    input: z.object({ units: z.number().int().min(1).max(20) }),
    reserve: ({ units }) => units * CREDITS_PER_UNIT,
    async prepare(ctx, { units }) {
      await hooks.beforeMark?.();
      const rows = Array.from({ length: units }, (_, unit) => sql`(${ctx.jobId}, ${unit}, 'in_progress')`);
      await runBatch(ctx.db, [
        sql`INSERT OR REPLACE INTO test_units (job_id, unit, state) VALUES ${sql.join(rows, sql`, `)}`,
      ]);
      await hooks.afterMark?.();
      return {
        batches: Array.from({ length: units }, (_, unit) => ({ index: unit, input: { unit }, meta: { unit } })),
        summary: `Writing ${units} articles`,
      };
    },
    async run(_env, _ctx, batch, _cfg, _timeoutMs, signal) {
      // Like a provider call, an aborted call rejects at once.
      await Promise.race([
        hooks.run(batch.meta.unit, signal),
        new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))),
      ]);
      return { parsed: { unit: batch.meta.unit }, tokensIn: 100, tokensOut: 400, model: 'test-model' };
    },
    sink: (_env, _ctx, batch) => ({
      begin: async () => void sinkLog.push(`begin ${batch.meta.unit}`),
      section: async () => undefined,
      finish: async () => void sinkLog.push(`finish ${batch.meta.unit}`),
      abort: async () => void sinkLog.push(`abort ${batch.meta.unit}`),
    }),
    save(ctx, _prepared, parsed) {
      return {
        statements: parsed.map(
          (p) => sql`UPDATE test_units SET state = 'delivered' WHERE job_id = ${ctx.jobId} AND unit = ${p.unit}`,
        ),
        charge: parsed.length * CREDITS_PER_UNIT,
        changed: ['content'],
        result: { articles: parsed.length },
      };
    },
    abandon(ctx) {
      return {
        statements: [sql`UPDATE test_units SET state = 'queued' WHERE job_id = ${ctx.jobId} AND state = 'in_progress'`],
        changed: ['tasks'],
      };
    },
  };
}

/** A D1 binding whose batches wait on `pause` (before and after they commit) when the test sets it. */
function gatedD1(real: D1Database, pause: { before?: () => Promise<void>; after?: () => Promise<void> }): D1Database {
  return new Proxy(real, {
    get(target, prop) {
      if (prop === 'batch') {
        return async (statements: D1PreparedStatement[]) => {
          await pause.before?.();
          const result = await target.batch(statements);
          await pause.after?.();
          return result;
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

const broadcaster = { job: () => undefined, event: () => undefined, flush: () => undefined } as unknown as Broadcaster;
let accountId = 7000;
let jobSeq = 0;

function setup(hooks: Hooks, opts: { pause?: Parameters<typeof gatedD1>[1]; now?: () => number } = {}) {
  const store = new MemoryJobStore();
  const testEnv = (opts.pause ? { ...env, [SHARD]: gatedD1(d1, opts.pause) } : env) as Env;
  const engine = new CoordinatorEngine({
    env: testEnv,
    store,
    broadcaster,
    scheduleAt: async () => undefined,
    ports: enginePorts,
    functions: () => testFunction(hooks),
    now: opts.now,
    random: () => 0,
  });
  const spec = (units: number): EnqueueSpec => ({
    id: `job-${++jobSeq}`,
    account_id: accountId,
    shard: SHARD,
    site_id: 1,
    user_id: 1,
    user_name: 'Tess Tester',
    function: 'generate_content',
    input: { units },
  });
  return { store, engine, spec };
}

async function money(jobId: string) {
  const bal = await d1
    .prepare('SELECT balance, reserved FROM credit_balances WHERE account_id = ?')
    .bind(accountId)
    .first<{ balance: number; reserved: number }>();
  const ledger = await d1
    .prepare(
      'SELECT transaction_type AS type, amount FROM credit_transactions ' +
        'WHERE account_id = ? AND job_id = ? ORDER BY id',
    )
    .bind(accountId, jobId)
    .all<{ type: string; amount: number }>();
  const sum = await d1
    .prepare('SELECT COALESCE(SUM(amount), 0) AS s FROM credit_transactions WHERE account_id = ?')
    .bind(accountId)
    .first<{ s: number }>();
  const usage = await d1
    .prepare(
      'SELECT COALESCE(SUM(credits_used), 0) AS used, COUNT(*) AS n FROM ' +
        'credit_usage_logs WHERE account_id = ? AND job_id = ?',
    )
    .bind(accountId, jobId)
    .first<{ used: number; n: number }>();
  return {
    balance: bal!.balance,
    reserved: bal!.reserved,
    ledgerSum: sum!.s,
    ledger: ledger.results,
    used: usage!.used,
    usageRows: usage!.n,
  };
}

async function units(jobId: string) {
  const rows = await d1
    .prepare('SELECT unit, state FROM test_units WHERE job_id = ? ORDER BY unit')
    .bind(jobId)
    .all<{ unit: number; state: string }>();
  return rows.results.map((r) => r.state);
}

const GRANT = 100;
const jobOf = (store: JobStore, id: string) => store.getJob(id)!;

describe('the job engine under forced interleavings', () => {
  beforeAll(async () => {
    await d1
      .prepare(
        'CREATE TABLE IF NOT EXISTS test_units (job_id TEXT NOT NULL, unit ' +
          'INTEGER NOT NULL, state TEXT NOT NULL, PRIMARY KEY (job_id, unit))',
      )
      .run();
  });
  beforeEach(async () => {
    accountId++;
    sinkLog = [];
    await grantCredits(db, { accountId, amount: GRANT, key: 'test:grant', type: 'grant', description: 'test grant' });
  });

  it('a job that runs undisturbed delivers every unit and is charged for all of them once', async () => {
    const { engine, store, spec } = setup({ run: async () => undefined });
    const s = spec(3);
    await engine.enqueue(s);
    await engine.pump();
    expect(jobOf(store, s.id)).toMatchObject({ status: 'succeeded', credits_charged: 9 });
    expect(await units(s.id)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(await money(s.id)).toMatchObject({ balance: GRANT - 9, reserved: 0, ledgerSum: GRANT - 9, used: 9 });
  });

  it(
    'a cancel while the hold is being taken ends cancelled, ' + 'and the hold that lands after it is released',
    async () => {
      const { engine, store, spec } = setup({ run: async () => undefined });
      const s = spec(4);
      const accepted = engine.enqueue(s); // reserve() is now waiting on D1
      expect(jobOf(store, s.id).status).toBe('reserving');
      const view = await engine.cancel(s.id, 'Tess Tester');
      expect(view?.status).toBe('cancelled');
      const result = await accepted;
      expect(result.ok && result.job.status).toBe('cancelled');
      await engine.pump();
      expect(jobOf(store, s.id)).toMatchObject({
        status: 'cancelled',
        settled: 1,
        credits_charged: 0,
        batches_total: 0,
      });
      expect(await units(s.id)).toEqual([]); // prepare() never ran
      const m = await money(s.id);
      expect(m).toMatchObject({ balance: GRANT, reserved: 0, ledgerSum: GRANT, used: 0 });
      expect(m.ledger.map((r) => r.type)).toEqual(['reservation', 'release']);
    },
  );

  it('a cancel after the hold committed but before the job was marked queued releases it', async () => {
    const committed = gate();
    const proceed = gate();
    let paused = false;
    const { engine, store, spec } = setup(
      { run: async () => undefined },
      {
        pause: {
          after: async () => {
            if (paused) return;
            paused = true;
            committed.open();
            await proceed.promise;
          },
        },
      },
    );
    const s = spec(2);
    const accepted = engine.enqueue(s);
    await committed.promise; // the reservation batch is in D1; the engine has not seen the answer
    expect((await money(s.id)).reserved).toBe(6);
    await engine.cancel(s.id, 'Tess Tester');
    proceed.open();
    await accepted;
    await engine.pump();
    expect(jobOf(store, s.id)).toMatchObject({ status: 'cancelled', settled: 1 });
    expect(await money(s.id)).toMatchObject({ balance: GRANT, reserved: 0, ledgerSum: GRANT });
  });

  it.each([
    ['before prepare() marks its units', 'beforeMark'],
    ['after prepare() marked its units', 'afterMark'],
  ] as const)(
    'a cancel %s ends cancelled: no AI call, the units put back, the hold released',
    async (_label, where) => {
      const reached = gate();
      const resume = gate();
      const calls: number[] = [];
      const { engine, store, spec } = setup({
        [where]: async () => {
          reached.open();
          await resume.promise;
        },
        run: async (unit) => void calls.push(unit),
      });
      const s = spec(3);
      await engine.enqueue(s);
      const pumping = engine.pump();
      await reached.promise;
      expect(jobOf(store, s.id)).toMatchObject({ status: 'queued', phase: 'PREP' });
      expect((await engine.cancel(s.id, 'Tess Tester'))?.status).toBe('cancelled');
      resume.open();
      await pumping;
      await engine.pump();
      expect(calls).toEqual([]);
      expect(jobOf(store, s.id)).toMatchObject({ status: 'cancelled', settled: 1, credits_charged: 0 });
      expect(store.batchesOf(s.id).filter((b) => b.status === 'done')).toEqual([]);
      // Marked after the cancel or before it, the units are put back once prepare() is done.
      expect(await units(s.id)).toEqual(['queued', 'queued', 'queued']);
      expect(await money(s.id)).toMatchObject({ balance: GRANT, reserved: 0, ledgerSum: GRANT, used: 0 });
    },
  );

  it('a cancel while AI calls are in flight charges the delivered units only and takes back the rest', async () => {
    const pending = new Map<number, { promise: Promise<void>; open: () => void }>();
    const { engine, store, spec } = setup({
      run: async (unit) => {
        if (unit < 2) return; // units 0 and 1 are delivered at once
        const g = gate<void>();
        pending.set(unit, { promise: g.promise, open: () => g.open() });
        await g.promise;
      },
    });
    const s = spec(5);
    await engine.enqueue(s);
    const pumping = engine.pump();
    await until(
      () => jobOf(store, s.id).batches_done === 2 && pending.size >= 2,
      'two units delivered and two in flight',
    );
    const inFlight = [...pending.keys()];
    const view = await engine.cancel(s.id, 'Tess Tester');
    expect(view?.status).toBe('cancelled');
    // The calls that were in flight return after the cancel: their output is discarded.
    for (const g of pending.values()) g.open();
    await pumping;
    await engine.pump();
    for (const g of pending.values()) g.open();
    await engine.pump();

    const job = jobOf(store, s.id);
    expect(job).toMatchObject({ status: 'cancelled', settled: 1, credits_charged: 6 });
    expect(job.message).toBe('Cancelled by Tess Tester: 2 of 5 articles delivered, 6 credits charged');
    expect(job.result).toMatchObject({
      delivered: 2,
      total: 5,
      credits_charged: 6,
      delivery: '2 of 5 articles delivered, 6 credits charged',
    });
    expect(await units(s.id)).toEqual(['delivered', 'delivered', 'queued', 'queued', 'queued']);
    const m = await money(s.id);
    expect(m).toMatchObject({ balance: GRANT - 6, reserved: 0, ledgerSum: GRANT - 6, used: 6, usageRows: 1 });
    expect(m.ledger).toEqual([
      { type: 'reservation', amount: -15 },
      { type: 'capture', amount: 9 },
    ]);
    // Each unit in flight was taken back exactly once; delivered units never were.
    for (const unit of inFlight) expect(sinkLog.filter((l) => l === `abort ${unit}`)).toHaveLength(1);
    expect(sinkLog.filter((l) => l === 'abort 0' || l === 'abort 1')).toEqual([]);
  });

  it('a job failing part-way is charged for the units it delivered and says so', async () => {
    const slow = gate();
    const { engine, store, spec } = setup({
      run: async (unit) => {
        if (unit === 2) {
          await new Promise((r) => setTimeout(r, 20));
          throw new InvalidReply('no article in the reply');
        }
        if (unit > 2) await slow.promise;
      },
    });
    const s = spec(4);
    await engine.enqueue(s);
    await engine.pump();
    slow.open();
    await engine.pump();
    const job = jobOf(store, s.id);
    expect(job).toMatchObject({ status: 'failed', settled: 1, credits_charged: 6 });
    expect(job.error).toBe('The AI reply could not be used: no article in the reply');
    expect(job.message).toBe('Failed: 2 of 4 articles delivered, 6 credits charged');
    expect(await units(s.id)).toEqual(['delivered', 'delivered', 'queued', 'queued']);
    expect(await money(s.id)).toMatchObject({ balance: GRANT - 6, reserved: 0, ledgerSum: GRANT - 6, used: 6 });
    expect(sinkLog).toContain('abort 3'); // the call still running when the job failed was stopped and taken back
  });

  it('a cancel that arrives while the job is saving loses: the job succeeds and is charged once', async () => {
    const saving = gate();
    const resume = gate();
    let store!: JobStore;
    let jobId = '';
    let paused = false;
    const pause = {
      before: async () => {
        if (paused || store.getJob(jobId)?.status !== 'saving') return;
        paused = true;
        saving.open();
        await resume.promise;
      },
    };
    const t = setup({ run: async () => undefined }, { pause });
    store = t.store;
    const s = t.spec(2);
    jobId = s.id;
    await t.engine.enqueue(s);
    const pumping = t.engine.pump();
    await saving.promise; // the save batch (results + capture) is about to go to D1
    expect((await t.engine.cancel(s.id, 'Tess Tester'))?.status).toBe('saving');
    resume.open();
    await pumping;
    expect(jobOf(store, s.id)).toMatchObject({ status: 'succeeded', credits_charged: 6 });
    expect(await units(s.id)).toEqual(['delivered', 'delivered']);
    expect(await money(s.id)).toMatchObject({ balance: GRANT - 6, reserved: 0, used: 6 });
  });

  it(
    'a save that keeps failing ends the job with a sentence (no SQL), then ' +
      'releases everything and takes the units back',
    async () => {
      let clock = 1_000_000;
      const { engine, store, spec } = setup({ run: async () => undefined }, { now: () => clock });
      const fn = testFunction({ run: async () => undefined });
      // A save whose statement D1 rejects, quoting SQL and a value in its error.
      const broken = {
        ...fn,
        save: () => ({
          statements: [sql`UPDATE no_such_table SET secret = ${'s3cret-value'}`],
          charge: 6,
          changed: [],
          result: {},
        }),
      };
      (engine as unknown as { functions: () => typeof broken }).functions = () => broken;
      const s = spec(2);
      await engine.enqueue(s);
      for (let i = 0; i < 30 && !jobOf(store, s.id).settled; i++) {
        await engine.pump();
        clock += 60_000;
      }
      const job = jobOf(store, s.id);
      expect(job).toMatchObject({ status: 'failed', settled: 1, credits_charged: 0 });
      expect(job.error).toMatch(
        /^Saving the results of this job failed because of a database error \(logged with job job-\d+\)/,
      );
      expect(job.error).not.toMatch(/no_such_table|s3cret|UPDATE/);
      expect(await money(s.id)).toMatchObject({ balance: GRANT, reserved: 0, ledgerSum: GRANT, used: 0 });
      expect(sinkLog.filter((l) => l.startsWith('abort')).sort()).toEqual(['abort 0', 'abort 1']);
    },
  );

  it('cancelling an ended job, or twice, changes nothing', async () => {
    const { engine, store, spec } = setup({ run: async () => undefined });
    const s = spec(1);
    await engine.enqueue(s);
    await engine.pump();
    const before = await money(s.id);
    expect((await engine.cancel(s.id, 'Tess Tester'))?.status).toBe('succeeded');
    expect((await engine.cancel(s.id, 'Tess Tester'))?.status).toBe('succeeded');
    expect(jobOf(store, s.id)).toMatchObject({ status: 'succeeded', credits_charged: 3 });
    expect(await money(s.id)).toEqual(before);
  });
});

describe('holds never strand', () => {
  const ended = (id: string, status: JobRecord['status'], settled: number, created_at: number): JobRecord => ({
    id,
    account_id: 1,
    shard: SHARD,
    site_id: 1,
    user_id: 1,
    user_name: 'T',
    function: 'generate_content',
    input: {},
    status,
    phase: 'AI_CALL',
    progress: 50,
    message: '',
    summary: '',
    credits_reserved: 3,
    credits_charged: 0,
    batches_total: 1,
    batches_done: 1,
    step_attempts: 0,
    next_run_at: created_at,
    error: null,
    result: null,
    tokens_in: 0,
    tokens_out: 0,
    cost_usd: 0,
    model: '',
    version: 1,
    retry_of: null,
    settled,
    created_at,
    updated_at: created_at,
    finished_at: created_at,
  });

  function pruneKeepsUnsettled(store: JobStore) {
    store.insertJob(ended('old-unsettled', 'cancelled', 0, 1));
    store.putBatches([
      {
        job_id: 'old-unsettled',
        idx: 0,
        input: {},
        meta: {},
        status: 'done',
        attempts: 1,
        next_run_at: 0,
        parsed: { unit: 0 },
        tokens_in: 0,
        tokens_out: 0,
        model: '',
        error: null,
      },
    ]);
    store.insertJob(ended('old-settled', 'failed', 1, 2));
    for (let i = 0; i < 5; i++) store.insertJob(ended(`new-${i}`, 'succeeded', 1, 100 + i));
    store.prune(2);
    expect(store.getJob('old-unsettled')).not.toBeNull();
    expect(store.batchesOf('old-unsettled')).toHaveLength(1); // what a partial settlement charges for
    expect(store.getJob('old-settled')).toBeNull();
    expect(
      store
        .listJobs(10)
        .map((j) => j.id)
        .sort(),
    ).toEqual(['new-3', 'new-4', 'old-unsettled']);
  }

  it('pruning old jobs keeps every job whose credits are not settled (memory store)', () => {
    pruneKeepsUnsettled(new MemoryJobStore());
  });

  it('pruning old jobs keeps every job whose credits are not settled (Durable Object SQLite store)', async () => {
    const stub = env.SITE_COORDINATOR.get(env.SITE_COORDINATOR.idFromName('prune-test'));
    await runInDurableObject(stub, (_instance, state: DurableObjectState) => {
      state.storage.sql.exec('DROP TABLE IF EXISTS jobs');
      state.storage.sql.exec('DROP TABLE IF EXISTS batches');
      state.storage.sql.exec('DELETE FROM meta');
      pruneKeepsUnsettled(new SqlJobStore(state.storage.sql));
    });
  });

  it(
    'the periodic sweep releases a stale hold whose job no coordinator knows, ' + 'and keeps one whose job still runs',
    async () => {
      accountId++;
      await grantCredits(db, { accountId, amount: GRANT, key: 'test:grant', type: 'grant', description: 'test grant' });
      const lost = `lost-${accountId}`;
      const old = Date.now() - 2 * 60 * 60_000;
      await reserveCredits(
        db,
        {
          accountId,
          jobId: lost,
          amount: 12,
          operation: 'generate_content',
          description: 'a job whose coordinator lost it',
        },
        [insertTaskLog({ accountId, siteId: 4242, jobId: lost, fn: 'generate_content', userId: 1, payload: {} })],
      );
      await d1
        .prepare('UPDATE credit_transactions SET created_at = ? WHERE account_id = ? AND job_id = ?')
        .bind(old, accountId, lost)
        .run();
      expect((await money(lost)).reserved).toBe(12);

      const report = await sweepStaleHolds(env as Env);
      expect(report.released).toBeGreaterThanOrEqual(1);
      const m = await money(lost);
      expect(m.ledger).toEqual([
        { type: 'reservation', amount: -12 },
        { type: 'release', amount: 12 },
      ]);
      expect(m).toMatchObject({ balance: GRANT, reserved: 0, ledgerSum: GRANT });
      expect(m.ledger.map((r) => r.type)).toEqual(['reservation', 'release']);
      // Settled holds are not found again: a second sweep changes nothing.
      await sweepStaleHolds(env as Env);
      expect(await money(lost)).toEqual(m);

      // A job its coordinator still runs keeps its hold.
      const { engine, store } = setup({ run: () => new Promise(() => undefined) });
      store.insertJob({ ...ended('still-running', 'running', 0, Date.now()), account_id: accountId });
      expect(await engine.sweepHolds([{ job_id: 'still-running', account_id: accountId, shard: SHARD }])).toEqual({
        kept: 1,
        settled: 0,
        released: 0,
      });
    },
  );
});
