import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { engineHarness, SHARD } from '../../../tests/helpers/engine-harness';
import type { AiFunctionDefinition } from './ai-function';
import { CoordinatorEngine, type EngineDeps } from './engine';
import { LocalKeyBudget } from './limiter';
import type { BudgetGrant, KeyBudget } from './ports';

/**
 * The engine against its key budget port (plain Node): the budget is shared with other sites of
 * the account, so asking for a slot takes a round trip, and a slot may be held by a call this
 * engine does not see. A job cancelled during the ask never calls the model and gives the slot
 * back; a site whose key is busy elsewhere asks again soon and runs once a slot frees.
 */
const ACCOUNT = 42;
/** The engines' clock, frozen: the wake-ups they ask for are exact. */
const CLOCK = 1_000_000;

type OneCall = AiFunctionDefinition<{ units: number }, { unit: number }, { unit: number }>;

function oneCall(run: () => Promise<void>): OneCall {
  return {
    name: 'generate_content',
    promptType: 'content_generation',
    unitPlural: 'articles',
    input: z.object({ units: z.number().int().min(1).max(10) }),
    reserve: ({ units }) => units,
    prepare: async () => ({
      batches: [{ index: 0, input: { unit: 0 }, meta: { unit: 0 } }],
      summary: 'Writing 1 article',
    }),
    async run() {
      await run();
      return { parsed: { unit: 0 }, tokensIn: 1, tokensOut: 1, model: 'test-model' };
    },
    save: (_ctx, _prepared, parsed) => ({ statements: [], charge: parsed.length, changed: [], result: {} }),
  };
}

let seq = 0;
/** A site's engine on the harness, with `budget` and a record of the wake-ups it asks for. */
async function site(budget: KeyBudget, run: () => Promise<void> = async () => undefined) {
  let calls = 0;
  const h = engineHarness(() =>
    oneCall(async () => {
      calls++;
      await run();
    }),
  );
  await h.grant(ACCOUNT, 100);
  const wakes: number[] = [];
  const deps = (h.engine as unknown as { deps: EngineDeps }).deps;
  const scheduleAt = async (at: number) => void wakes.push(at);
  const engine = new CoordinatorEngine({ ...deps, budget, now: () => CLOCK, scheduleAt });
  const id = `budget-job-${++seq}`;
  const spec = { id, account_id: ACCOUNT, shard: SHARD, site_id: seq, user_id: 7, user_name: 'Tess Tester' };
  await engine.enqueue({ ...spec, function: 'generate_content', input: { units: 1 } });
  return { engine, id, wakes, calls: () => calls, balance: () => h.balance(ACCOUNT) };
}

/** The account's budget with one slot, whatever the provider config says. */
function oneSlot(shared = new LocalKeyBudget()): KeyBudget & { released: string[] } {
  const released: string[] = [];
  return {
    released,
    tryAcquire: (key, _limits, now) => shared.tryAcquire(key, { maxConcurrency: 1, requestsPerMinute: 6000 }, now),
    release: (key, lease, outcome, now, retryAfterMs) => {
      released.push(lease);
      return shared.release(key, lease, outcome, now, retryAfterMs);
    },
  };
}

describe('the engine and a shared key budget', () => {
  it('never calls the model for a job cancelled while it waited for a slot, and gives the slot back', async () => {
    const budget = oneSlot();
    let answer!: () => void;
    let asked!: () => void;
    const wasAsked = new Promise<void>((resolve) => (asked = resolve));
    const slow: KeyBudget = {
      tryAcquire: (key, limits, now) =>
        budget.tryAcquire(key, limits, now).then((grant) => {
          asked();
          return new Promise<BudgetGrant>((resolve) => (answer = () => resolve(grant))); // held until told
        }),
      release: budget.release,
    };
    const s = await site(slow);

    const pumped = s.engine.pump();
    await wasAsked;
    await s.engine.cancel(s.id, 'Tess Tester');
    answer();
    await pumped;

    expect(s.engine.getJob(s.id)).toMatchObject({ status: 'cancelled', credits_charged: 0 });
    expect(s.calls()).toBe(0);
    expect(budget.released).toHaveLength(1);
    expect(s.balance()).toEqual({ balance: 100, reserved: 0 });
    // The slot is free for the next call.
    const key = { accountId: ACCOUNT, keyId: 'test-key-id' };
    expect((await budget.tryAcquire(key, { maxConcurrency: 1, requestsPerMinute: 6000 }, CLOCK)).ok).toBe(true);
  });

  it('holds a site while another site of the account uses the only slot, and runs it when that call ends', async () => {
    const shared = new LocalKeyBudget();
    let finish!: () => void;
    const firstCallRuns = new Promise<void>((resolve) => (finish = resolve));
    let started!: () => void;
    const firstStarted = new Promise<void>((resolve) => (started = resolve));
    const north = await site(oneSlot(shared), async () => {
      started();
      await firstCallRuns;
    });
    const south = await site(oneSlot(shared));

    const northPump = north.engine.pump();
    await firstStarted;
    await south.engine.pump();
    // South can't see north's call end: it asks to be woken soon (a short poll) to look again.
    expect(south.calls()).toBe(0);
    expect(south.engine.getJob(south.id)?.status).toBe('running');
    expect(south.wakes.at(-1)).toBeGreaterThan(CLOCK);
    expect(south.wakes.at(-1)).toBeLessThanOrEqual(CLOCK + 250);

    finish();
    await northPump;
    await south.engine.pump(); // the wake-up it asked for
    expect([north.calls(), south.calls()]).toEqual([1, 1]);
    expect(south.engine.getJob(south.id)).toMatchObject({ status: 'succeeded', credits_charged: 1 });
  });
});
