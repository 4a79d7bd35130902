import { env } from 'cloudflare:workers';
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, createSite, signup, type Session } from '../helpers/api';
import { createSector, shardBinding, shardOf } from '../helpers/fixtures';
import { modelStats, scriptFaults, useOwnModelKey, waitForJob } from '../helpers/jobs';
import { seedKeywords } from '../helpers/planner';

/**
 * The SiteCoordinator survives restarts: a job whose coordinator is killed while its AI calls are
 * in flight resumes from storage and finishes exactly once; a save that committed in D1 but was not
 * recorded by the coordinator is replayed without applying anything twice; a spare alarm is a no-op.
 */
let owner: Session;
let db: D1Database;
let siteId: number;
let sectorId: number;
let ids: number[];
let key = '';

/** The site's coordinator (untyped: the tests reach inside it). */
const stub = () =>
  env.SITE_COORDINATOR.get(
    env.SITE_COORDINATOR.idFromName(`${owner.accountId}:${siteId}`),
  ) as unknown as DurableObjectStub;
/** What the tests touch inside the object: its engine's finish step, the alarm, a counter. */
type Inside = DurableObject & { engine: Record<string, any>; failedFinishes: number; alarm(): Promise<void> };

interface StoredBatch {
  idx: number;
  status: string;
  attempts: number;
}
/** The coordinator's own storage (its SQLite), read inside the object. */
function stored(jobId: string) {
  return runInDurableObject(stub(), async (_instance, state: DurableObjectState) => ({
    job: state.storage.sql
      .exec<{ status: string; phase: string }>('SELECT status, phase FROM jobs WHERE id = ?', jobId)
      .toArray()[0],
    batches: state.storage.sql
      .exec<{ idx: number; status: string; attempts: number }>(
        'SELECT idx, status, attempts FROM batches WHERE job_id = ? ORDER BY idx',
        jobId,
      )
      .toArray() as StoredBatch[],
  }));
}

/** Everything a job can have written in D1, for this account and site. */
async function footprint(jobId: string) {
  const q = <T>(sql: string, ...args: unknown[]) =>
    db
      .prepare(sql)
      .bind(owner.accountId, ...args)
      .all<T>()
      .then((r) => r.results);
  const [bal] = await q<{ balance: number; reserved: number }>(
    'SELECT balance, reserved FROM credit_balances WHERE account_id = ?',
  );
  return {
    balance: bal!,
    ledger: await q<{ idempotency_key: string; transaction_type: string; amount: number }>(
      'SELECT idempotency_key, transaction_type, amount FROM ' +
        'credit_transactions WHERE account_id = ? AND job_id = ? ORDER BY id',
      jobId,
    ),
    usage: await q<{ credits_used: number }>(
      'SELECT credits_used FROM credit_usage_logs WHERE account_id = ? AND job_id = ?',
      jobId,
    ),
    taskLogs: await q<{ status: string }>('SELECT status FROM ai_task_logs WHERE account_id = ? AND job_id = ?', jobId),
    clusters: await q<{ id: number; normalized_name: string; keywords_count: number; source_job_id: string }>(
      'SELECT id, normalized_name, keywords_count, source_job_id FROM ' +
        'clusters WHERE account_id = ? AND sector_id = ? ORDER BY id',
      sectorId,
    ),
    links: await q<{ keyword_id: number; n: number }>(
      'SELECT keyword_id, count(*) AS n FROM keyword_clusters WHERE account_id = ? GROUP BY keyword_id',
    ),
    unclustered: (
      await q<{ n: number }>(
        'SELECT count(*) AS n FROM keywords WHERE account_id = ? AND sector_id = ? AND cluster_id IS NULL',
        sectorId,
      )
    )[0]!.n,
  };
}

/** What must hold after one clustering job of the 60 keywords, however often its steps ran. */
function expectExactlyOnce(f: Awaited<ReturnType<typeof footprint>>, jobId: string, balanceBefore: number) {
  expect(f.ledger.map((t) => [t.idempotency_key, t.transaction_type])).toEqual([
    [`reserve:${jobId}`, 'reservation'],
    [`settle:${jobId}`, 'capture'],
  ]);
  expect(f.usage).toEqual([{ credits_used: 2 }]);
  expect(f.taskLogs).toEqual([{ status: 'succeeded' }]);
  expect(f.balance).toEqual({ balance: balanceBefore - 2, reserved: 0 });
  expect(new Set(f.clusters.map((c) => c.normalized_name)).size).toBe(f.clusters.length);
  expect(f.links).toHaveLength(60);
  expect(f.links.every((l) => l.n === 1)).toBe(true);
  expect(f.unclustered).toBe(0);
  expect(f.clusters.reduce((n, c) => n + c.keywords_count, 0)).toBe(60);
}

beforeAll(async () => {
  owner = await signup('restart');
  db = shardBinding(await shardOf(owner.accountId));
  siteId = (await createSite(owner, 'Restart site')).id;
  sectorId = (await createSector(owner, siteId, 'Restart sector')).id;
  const topics = ['soil', 'compost', 'tomato', 'mulch', 'seed', 'pruning'];
  ids = await seedKeywords(
    owner,
    { siteId, sectorId },
    Array.from(
      { length: 60 },
      (_, i) =>
        `${topics[i % 6]} ${['guide', 'tips', 'cost', 'ideas', 'diy'][Math.floor(i / 6) % 5]} ${Math.floor(i / 30)}`,
    ),
  );
  key = `sk-restart-${Date.now()}`;
  await useOwnModelKey(owner, key);
});

describe('a restarted coordinator', () => {
  let jobId = '';

  it('killed while its AI calls are in flight, resumes from storage and finishes once, charging once', async () => {
    await scriptFaults(key, { latency_ms: 400 });
    const {
      balance: { balance },
    } = await footprint('none');
    const start = await call('POST', '/api/v1/planner/keywords/auto_cluster/', { token: owner.token, body: { ids } });
    expect(start.status).toBe(202);
    jobId = start.body.data.task_id;
    // Wait until the calls are on the wire: the model server is answering them (slowly).
    while (((await modelStats(key)) as { in_flight?: number }).in_flight! < 1)
      await new Promise((r) => setTimeout(r, 20));
    await runInDurableObject(stub(), (_instance, state: DurableObjectState) =>
      state.abort('test: restart mid-job'),
    ).catch(() => undefined);

    // A new instance: the job is still running, its in-flight calls lost with the old one.
    const after = await stored(jobId);
    expect(after.job).toMatchObject({ status: 'running', phase: 'AI_CALL' });
    expect(after.batches).toHaveLength(3);
    expect(after.batches.filter((b) => b.status === 'pending' && b.attempts > 0).length).toBeGreaterThan(0);

    // The alarm resumes it (the platform retries the interrupted alarm too; either may run it).
    await runDurableObjectAlarm(stub());
    const job = await waitForJob(owner, jobId);
    expect(job).toMatchObject({
      status: 'succeeded',
      progress: 100,
      batches_total: 3,
      batches_done: 3,
      credits_charged: 2,
    });
    expect((await modelStats(key)).requests).toBeGreaterThan(3); // calls lost in the restart were made again
    const f = await footprint(jobId);
    expectExactlyOnce(f, jobId, balance);
    expect(f.clusters.every((c) => c.source_job_id === jobId)).toBe(true);
    expect(f.clusters).toHaveLength(job.result.clusters);
  });

  it('runs a spare alarm (and alarm() called twice) after success without changing anything', async () => {
    const before = await footprint(jobId);
    const view = (await call('GET', `/api/v1/system/settings/task_progress/${jobId}/`, { token: owner.token })).body
      .data.job;
    await runInDurableObject(stub(), (_instance, state: DurableObjectState) => state.storage.setAlarm(Date.now()));
    expect(await runDurableObjectAlarm(stub())).toBe(true);
    await runInDurableObject(stub(), async (instance: Inside) => {
      await instance.alarm();
      await instance.alarm();
    });
    expect(await footprint(jobId)).toEqual(before);
    expect(
      (await call('GET', `/api/v1/system/settings/task_progress/${jobId}/`, { token: owner.token })).body.data.job,
    ).toEqual(view);
  });

  it(
    'replays a save that committed in D1 but was not recorded by the coordinator, ' + 'applying nothing twice',
    async () => {
      await scriptFaults(key, { latency_ms: 50 });
      // The coordinator "fails" right after the job's D1 batch (results + capture) committed, before
      // it records success: at-least-once means the save step runs again.
      await runInDurableObject(stub(), (instance: Inside) => {
        const engine = instance.engine;
        const finish = engine.finish.bind(engine);
        instance.failedFinishes = 0;
        engine.finish = (job: unknown, from: unknown, end: { status: string }, settled?: number) => {
          if (end.status === 'succeeded' && instance.failedFinishes === 0) {
            instance.failedFinishes++;
            throw new Error('test: lost after the save committed');
          }
          return finish(job, from, end, settled);
        };
      });
      await db.prepare('DELETE FROM keyword_clusters WHERE account_id = ?').bind(owner.accountId).run();
      await db.prepare('UPDATE keywords SET cluster_id = NULL WHERE account_id = ?').bind(owner.accountId).run();
      await db.prepare('DELETE FROM clusters WHERE account_id = ?').bind(owner.accountId).run();
      const {
        balance: { balance },
      } = await footprint('none');
      const start = await call('POST', '/api/v1/planner/keywords/auto_cluster/', { token: owner.token, body: { ids } });
      expect(start.status).toBe(202);
      const replayed = start.body.data.task_id;
      const job = await waitForJob(owner, replayed);
      expect(job).toMatchObject({ status: 'succeeded', credits_charged: 2 });
      expect(await runInDurableObject(stub(), (instance: Inside) => instance.failedFinishes)).toBe(1);
      expectExactlyOnce(await footprint(replayed), replayed, balance);
    },
  );
});
