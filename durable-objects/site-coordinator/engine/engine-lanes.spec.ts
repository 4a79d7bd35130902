import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { engineHarness, SHARD } from '../../../tests/helpers/engine-harness';
import type { AiFunctionDefinition } from './ai-function';
import { CoordinatorEngine, type EngineDeps } from './engine';
import type { EnginePorts } from './ports';

/**
 * The engine's D1 steps share a few lanes (plain Node): a burst of enqueues (a bench sends 200 at
 * once) reserves its jobs in turn, and the prepares of the jobs already accepted pass the reserves
 * still waiting, so the key budget's slots fill while jobs are still being enqueued — not after
 * the last of them is in.
 */
const ACCOUNT = 42;
const JOBS = 12;

/** Lets every pending promise and timer callback of this turn run. */
const settle = async (turns = 20) => {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

/** A database that answers its round trips one at a time, oldest first, when the test says so. */
function oneLaneDatabase() {
  const waiting: (() => void)[] = [];
  let open = false;
  return {
    roundTrip: () => (open ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve))),
    async answer(count: number) {
      for (let i = 0; i < count; i++) {
        waiting.shift()?.();
        await settle();
      }
    },
    async openUp() {
      open = true;
      while (waiting.length) {
        waiting.shift()?.();
        await settle();
      }
    },
  };
}

function setup() {
  const d1 = oneLaneDatabase();
  const calls: (() => void)[] = [];
  let answering = false;
  const def: AiFunctionDefinition<{ units: number }, { unit: number }, { unit: number }> = {
    name: 'generate_content',
    promptType: 'content_generation',
    unitPlural: 'articles',
    input: z.object({ units: z.number().int().min(1).max(10) }),
    reserve: ({ units }) => units,
    prepare: async () => {
      await d1.roundTrip();
      return { batches: [{ index: 0, input: { unit: 0 }, meta: { unit: 0 } }], summary: 'Writing 1 article' };
    },
    async run() {
      if (!answering) await new Promise<void>((resolve) => calls.push(resolve));
      return { parsed: { unit: 0 }, tokensIn: 1, tokensOut: 1, model: 'test-model' };
    },
    save: (_ctx, _prepared, parsed) => ({ statements: [], charge: parsed.length, changed: [], result: {} }),
  };
  const h = engineHarness(() => def);
  const deps = (h.engine as unknown as { deps: EngineDeps }).deps;
  const { ledger, settings } = deps.ports;
  const ports: EnginePorts = {
    ...deps.ports,
    ledger: { ...ledger, reserve: (...args) => d1.roundTrip().then(() => ledger.reserve(...args)) },
    settings: { ...settings, provider: (...args) => d1.roundTrip().then(() => settings.provider(...args)) },
  };
  // The Durable Object alarm: one pump at a time, and a wake-up asked for meanwhile runs after it.
  let alarmRunning = false;
  let rang = false;
  const engine: CoordinatorEngine = new CoordinatorEngine({
    ...deps,
    ports,
    scheduleAt: async () => {
      rang = true;
      if (alarmRunning) return;
      alarmRunning = true;
      void (async () => {
        while (rang) {
          rang = false;
          await engine.pump();
        }
        alarmRunning = false;
      })();
    },
  });
  const answerCalls = () => {
    answering = true;
    for (const call of calls.splice(0)) call();
  };
  return { h, d1, engine, calls, answerCalls };
}

describe('a burst of enqueues', () => {
  it("fills the key budget's slots while later jobs are still being reserved", async () => {
    const t = setup();
    await t.h.grant(ACCOUNT, 100);
    const spec = { account_id: ACCOUNT, shard: SHARD, site_id: 1, user_id: 7, user_name: 'Tess Tester' };
    const enqueued = Array.from({ length: JOBS }, (_, i) =>
      t.engine.enqueue({ ...spec, id: `burst-${i}`, function: 'generate_content', input: { units: 1 } }),
    );
    let accepted = 0;
    for (const e of enqueued) void e.then(() => accepted++);
    await settle();

    // Four reserves, then each accepted job's two reads (its provider, its data): the prepares
    // went before the eight reserves still waiting, and the budget's four slots are in use.
    // Sixteen round trips: four reserves, each accepted job's two reads (its provider, its data), and
    // four more. The prepares went before the reserves still waiting: the budget's four slots are in
    // use while jobs are still being enqueued (unbounded, the reserves took the first twelve).
    await t.d1.answer(16);
    expect(t.calls).toHaveLength(4);
    expect(accepted).toBeLessThan(JOBS);

    await t.d1.openUp();
    t.answerCalls();
    expect((await Promise.all(enqueued)).every((r) => r.ok)).toBe(true);
    await settle(100);
    expect(t.engine.listJobs().filter((j) => j.status === 'succeeded')).toHaveLength(JOBS);
    expect(t.h.balance(ACCOUNT)).toEqual({ balance: 100 - JOBS, reserved: 0 });
  });
});
