import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { engineHarness, SHARD } from '../../../tests/helpers/engine-harness';
import type { AiFunctionDefinition, JobEnding } from './ai-function';
import { CoordinatorEngine, type EngineDeps } from './engine';
import { ProviderNotConfigured } from './ports';

/**
 * The engine's optional hooks for functions whose work lands outside D1 (a deploy writes files and
 * flips a pointer): commit() runs once every batch was delivered and before save(); a commit that
 * keeps failing fails the job (and abandon() hears why); progress() words the panel's sentence.
 */
const ACCOUNT = 42;

function setup(opts: { commit?: () => Promise<void>; run?: (unit: number) => Promise<void>; noAiKey?: boolean } = {}) {
  const order: string[] = [];
  const endings: JobEnding[] = [];
  const def: AiFunctionDefinition<{ units: number }, { files: number }, { unit: number }> = {
    name: 'deploy_site',
    promptType: 'site_structure',
    unitPlural: 'batches of files',
    input: z.object({ units: z.number().int().min(1).max(10) }),
    reserve: () => 0,
    localWork: { maxConcurrency: 2, requestsPerMinute: 6000 },
    prepare: async (_ctx, { units }) => ({
      batches: Array.from({ length: units }, (_, index) => ({ index, input: { unit: index }, meta: { files: 10 } })),
      summary: `Writing ${units * 10} files`,
    }),
    async run(_env, _ctx, batch) {
      await opts.run?.(batch.index);
      order.push(`run ${batch.index}`);
      return { parsed: { unit: batch.index }, tokensIn: 0, tokensOut: 0, model: 'renderer' };
    },
    progress: (done, all) =>
      `Rendering ${done.reduce((n, b) => n + b.meta.files, 0)} of ${all.reduce((n, b) => n + b.meta.files, 0)} files`,
    async commit(_ctx, prepared, parsed) {
      order.push(`commit ${parsed.length} of ${prepared.batches.length}`);
      await opts.commit?.();
    },
    save: (ctx, _prepared, parsed) => {
      order.push(`save ${parsed.length}`);
      return {
        statements: [sql`INSERT INTO test_saved (job_id, n) VALUES (${ctx.jobId}, ${parsed.length})`],
        charge: 0,
        changed: [],
        result: {},
      };
    },
    abandon: (_ctx, _input, ended) => {
      if (ended) endings.push(ended);
      return { statements: [], changed: [] };
    },
  };
  const h = engineHarness(() => def);
  // A clock the test moves: the save step's retries wait their backoff on it, not in real time.
  let clock = 1_000_000;
  const deps = (h.engine as unknown as { deps: EngineDeps }).deps;
  const settings = opts.noAiKey
    ? {
        ...deps.ports.settings,
        provider: async () => {
          throw new ProviderNotConfigured('No AI key');
        },
      }
    : deps.ports.settings;
  const engine = new CoordinatorEngine({ ...deps, ports: { ...deps.ports, settings }, now: () => clock });
  h.d1.sqlite.exec('CREATE TABLE test_saved (job_id TEXT NOT NULL, n INTEGER NOT NULL)');
  const spec = (id: string, units: number) => ({
    id,
    account_id: ACCOUNT,
    shard: SHARD,
    site_id: 1,
    user_id: 7,
    user_name: 'Tess Tester',
    function: 'deploy_site' as const,
    input: { units },
  });
  return { ...h, engine, order, endings, spec, tick: (ms: number) => (clock += ms) };
}

describe('commit(), progress() and abandon(ended)', () => {
  it('commits once after every batch and before the save, with progress in the function’s words', async () => {
    const t = setup();
    // A zero hold still needs the account's balance row (every account has one from signup).
    await t.grant(ACCOUNT, 1);
    await t.engine.enqueue(t.spec('deploy-1', 3));
    await t.engine.pump();

    expect(t.engine.getJob('deploy-1')).toMatchObject({ error: null, status: 'succeeded' });
    expect(t.order.filter((s) => !s.startsWith('run'))).toEqual(['commit 3 of 3', 'save 3']);
    expect(t.order.indexOf('commit 3 of 3')).toBeGreaterThan(t.order.lastIndexOf('run 2'));
    expect(t.rows('SELECT n FROM test_saved WHERE job_id = ?', 'deploy-1')).toEqual([{ n: 3 }]);
    expect(t.seen.map((v) => v.message)).toEqual(
      expect.arrayContaining(['Rendering 10 of 30 files', 'Rendering 20 of 30 files']),
    );
  });

  it('fails the job when commit keeps throwing, and abandon() hears that it failed', async () => {
    const t = setup({
      commit: async () => {
        throw new Error('R2 is down');
      },
    });
    // A zero hold still needs the account's balance row (every account has one from signup).
    await t.grant(ACCOUNT, 1);
    await t.engine.enqueue(t.spec('deploy-2', 2));
    // The save step is retried after its backoff until it gives up.
    for (let i = 0; i < 10 && t.engine.getJob('deploy-2')?.status !== 'failed'; i++) {
      await t.engine.pump();
      t.tick(60_000);
    }

    const job = t.engine.getJob('deploy-2');
    expect(job).toMatchObject({ status: 'failed' });
    expect(t.order.filter((s) => s.startsWith('commit')).length).toBeGreaterThan(1);
    expect(t.endings).toEqual([{ status: 'failed', reason: expect.stringContaining('Saving the results') }]);
  });

  it('a cancel mid-job never reaches commit, and abandon() says it was cancelled', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const t = setup({ run: (unit) => (unit === 1 ? gate : Promise.resolve()) });
    // A zero hold still needs the account's balance row (every account has one from signup).
    await t.grant(ACCOUNT, 1);
    await t.engine.enqueue(t.spec('deploy-3', 2));
    const pumping = t.engine.pump();
    for (let i = 0; i < 50 && !t.order.includes('run 0'); i++) await new Promise((r) => setImmediate(r));
    await t.engine.cancel('deploy-3', 'Tess Tester');
    release();
    await pumping;
    await t.engine.pump();

    expect(t.engine.getJob('deploy-3')).toMatchObject({ status: 'cancelled' });
    expect(t.order.some((s) => s.startsWith('commit'))).toBe(false);
    expect(t.endings).toEqual([{ status: 'cancelled', reason: expect.stringContaining('Cancelled by Tess Tester') }]);
  });

  it('runs a function that does local work on an account with no AI key', async () => {
    const t = setup({ noAiKey: true });
    await t.grant(ACCOUNT, 1);
    await t.engine.enqueue(t.spec('deploy-4', 2));
    await t.engine.pump();

    expect(t.engine.getJob('deploy-4')).toMatchObject({ status: 'succeeded', error: null });
    expect(t.rows('SELECT n FROM test_saved WHERE job_id = ?', 'deploy-4')).toEqual([{ n: 2 }]);
  });
});
