import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { engineHarness, SHARD } from '../../../tests/helpers/engine-harness';
import { ProviderError } from '../../../worker/lib/ai-provider';
import type { AiFunctionDefinition, SectionSink } from './ai-function';
import { CoordinatorEngine, type EngineDeps } from './engine';
import { LocalKeyBudget } from './limiter';
import type { KeyBudget } from './ports';

/**
 * How the engine keeps its key budget busy (plain Node): a slot goes to the next ready call the
 * moment the provider has answered, not once the finished job's own bookkeeping (its draft, its
 * records) is done, and a call waiting out a 429's Retry-After holds no slot meanwhile.
 */
const ACCOUNT = 42;
const CLOCK = 1_000_000;

/** Lets every pending promise and timer callback of this turn run. */
const settle = async (turns = 20) => {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

/** The account's budget with one slot, whatever the provider config says; it counts the slots in use. */
function oneSlot(): KeyBudget & { inUse: () => number } {
  const shared = new LocalKeyBudget();
  let inUse = 0;
  return {
    inUse: () => inUse,
    async tryAcquire(key, _limits, now) {
      const grant = await shared.tryAcquire(key, { maxConcurrency: 1, requestsPerMinute: 6000 }, now);
      if (grant.ok) inUse++;
      return grant;
    },
    async release(key, lease, outcome, now, retryAfterMs) {
      inUse--;
      await shared.release(key, lease, outcome, now, retryAfterMs);
    },
  };
}

type Unit = { job: string };
/** A one-call function: `run` answers for the job, `sink` is where the reply lands (a draft). */
function oneCall(
  run: (job: string) => Promise<void>,
  sink?: (job: string) => SectionSink,
  loaded: (job: string) => Promise<void> = async () => undefined,
): AiFunctionDefinition<{ units: number }, Unit, Unit> {
  return {
    name: 'generate_content',
    promptType: 'content_generation',
    unitPlural: 'articles',
    input: z.object({ units: z.number().int().min(1).max(10) }),
    reserve: ({ units }) => units,
    prepare: async (ctx) => {
      await loaded(ctx.jobId);
      return {
        batches: [{ index: 0, input: { job: ctx.jobId }, meta: { job: ctx.jobId } }],
        summary: 'Writing 1 article',
      };
    },
    async run(_env, ctx) {
      await run(ctx.jobId);
      return { parsed: { job: ctx.jobId }, tokensIn: 1, tokensOut: 1, model: 'test-model' };
    },
    sink: sink && ((_env, ctx) => sink(ctx.jobId)),
    save: (_ctx, _prepared, parsed) => ({ statements: [], charge: parsed.length, changed: [], result: {} }),
  };
}

async function twoJobs(budget: KeyBudget, def: ReturnType<typeof oneCall>) {
  const h = engineHarness(() => def);
  await h.grant(ACCOUNT, 100);
  const deps = (h.engine as unknown as { deps: EngineDeps }).deps;
  const wakes: number[] = [];
  const engine = new CoordinatorEngine({
    ...deps,
    budget,
    now: () => CLOCK,
    scheduleAt: async (at) => void wakes.push(at),
  });
  const spec = { account_id: ACCOUNT, shard: SHARD, site_id: 1, user_id: 7, user_name: 'Tess Tester' };
  for (const id of ['first', 'second'])
    await engine.enqueue({ ...spec, id, function: 'generate_content', input: { units: 1 } });
  return { engine, wakes, balance: () => h.balance(ACCOUNT) };
}

describe('the engine keeps its key budget busy', () => {
  it("starts the next ready job on a freed slot before the finished job's bookkeeping completes", async () => {
    const budget = oneSlot();
    const called: string[] = [];
    let draftTakes!: () => void;
    const draftTaken = new Promise<void>((resolve) => (draftTakes = resolve));
    const sink = (job: string): SectionSink => ({
      begin: async () => undefined,
      section: async () => undefined,
      // The first job's draft is slow to take its reply (a busy room): its slot is not needed for that.
      finish: () => (job === 'first' ? draftTaken : Promise.resolve()),
      abort: async () => undefined,
    });
    const t = await twoJobs(
      budget,
      oneCall(async (job) => void called.push(job), sink),
    );

    const pumped = t.engine.pump();
    await settle();
    expect(called).toEqual(['first', 'second']);
    expect(t.engine.getJob('first')?.status).toBe('running');
    expect(t.engine.getJob('second')?.status).toBe('succeeded');

    draftTakes();
    await pumped;
    expect(t.engine.getJob('first')).toMatchObject({ status: 'succeeded', credits_charged: 1 });
    expect(budget.inUse()).toBe(0);
    expect(t.balance()).toEqual({ balance: 98, reserved: 0 });
  });

  it('lets the next job use the slot while a rate-limited call waits out its Retry-After', async () => {
    const budget = oneSlot();
    const called: string[] = [];
    let limited = false;
    const t = await twoJobs(
      budget,
      oneCall(async (job) => {
        called.push(job);
        if (job === 'first' && !limited) {
          limited = true;
          throw new ProviderError('rate_limited', 'The AI provider is rate limiting this key.', 60_000, 429);
        }
      }),
    );

    await t.engine.pump();
    // The clock stands still: the first job's retry is not due yet, and it holds no slot meanwhile.
    expect(called).toEqual(['first', 'second']);
    expect(t.engine.getJob('second')?.status).toBe('succeeded');
    expect(t.engine.getJob('first')).toMatchObject({ status: 'running' });
    expect(t.engine.getJob('first')?.message).toMatch(/Retrying in 60\.0 s/);
    expect(budget.inUse()).toBe(0);
    // It asked to be woken when the retry is due, and runs then.
    expect(t.wakes.at(-1)).toBe(CLOCK + 60_000);
  });

  it("runs the next job's call while an earlier job's data is still loading", async () => {
    const budget = oneSlot();
    const called: string[] = [];
    let load!: () => void;
    const loaded = new Promise<void>((resolve) => (load = resolve));
    const t = await twoJobs(
      budget,
      oneCall(
        async (job) => void called.push(job),
        undefined,
        (job) => (job === 'first' ? loaded : Promise.resolve()),
      ),
    );

    const pumped = t.engine.pump();
    await settle();
    // The first job's D1 read is slow: the second job does not wait behind it.
    expect(called).toEqual(['second']);
    expect(t.engine.getJob('second')?.status).toBe('succeeded');
    expect(t.engine.getJob('first')?.status).toBe('queued');

    load();
    await pumped;
    expect(called).toEqual(['second', 'first']);
    expect(t.engine.getJob('first')).toMatchObject({ status: 'succeeded', credits_charged: 1 });
    expect(t.balance()).toEqual({ balance: 98, reserved: 0 });
  });

  it("passes a finished call's slot to the next ready call in one round trip to the budget", async () => {
    const shared = new LocalKeyBudget();
    const limits = { maxConcurrency: 1, requestsPerMinute: 6000 };
    const asked: string[] = [];
    const budget: KeyBudget = {
      tryAcquire(key, _limits, now) {
        asked.push('acquire');
        return shared.tryAcquire(key, limits, now);
      },
      release(...args) {
        asked.push('release');
        return shared.release(...args);
      },
      handOver(key, lease, outcome, now, retryAfterMs) {
        asked.push('hand over');
        return shared.handOver(key, lease, outcome, now, retryAfterMs, limits);
      },
    };
    const called: string[] = [];
    const t = await twoJobs(
      budget,
      oneCall(async (job) => void called.push(job)),
    );

    await t.engine.pump();
    expect(called).toEqual(['first', 'second']);
    // Asks that found the only slot taken aside, the slot went from call to call without a release.
    expect(asked.filter((a) => a !== 'acquire')).toEqual(['hand over', 'release']);
    expect(t.balance()).toEqual({ balance: 98, reserved: 0 });
  });
});
