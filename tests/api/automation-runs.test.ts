import { env } from 'cloudflare:workers';
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AutomationRunView } from '../../core/automation/run';
import { AUTOMATION_STAGES } from '../../core/domain/enums';
import { grantCredits } from '../../worker/billing/ledger';
import { shardDb } from '../../worker/db/shards';
import type { Env } from '../../worker/env';
import { handleEventBatch } from '../../worker/events/consumer';
import type { DomainEvent } from '../../worker/events/types';
import { addMember, call, createSite, signup, type Session } from '../helpers/api';
import { createSector, expectError, shardBinding, shardOf } from '../helpers/fixtures';
import { scriptFaults, useOwnModelKey } from '../helpers/jobs';
import { seedKeywords } from '../helpers/planner';
import { connectSite } from '../helpers/wordpress';

/**
 * Automation runs end to end (issue 13, item 2): the cron's tick → the queue consumer → scheduled
 * task + run → the site's coordinator → the seven stages on the dev model, as the system bot, with
 * the same credit holds as a user's jobs. Queue deliveries are made by calling the consumer (a fake
 * batch) so the tests decide when, and how often, a message arrives.
 */
const RUNS = '/api/v1/automation/runs';
const RULES = '/api/v1/automation/rules';

interface Place {
  owner: Session;
  siteId: number;
  sectorId: number;
  db: D1Database;
}

async function place(label: string, keywords: number, credits = 0): Promise<Place> {
  const owner = await signup(label);
  const siteId = (await createSite(owner, `${label} site`)).id;
  const sectorId = (await createSector(owner, siteId, `${label} sector`)).id;
  const shard = await shardOf(owner.accountId);
  if (credits)
    await grantCredits(shardDb(env as unknown as Env, shard), {
      accountId: owner.accountId,
      amount: credits,
      key: `test:${label}`,
      description: 'test credits',
    });
  const topics = ['soil', 'compost', 'tomato', 'mulch', 'seed', 'pruning', 'lawn', 'orchard', 'herb', 'rose'];
  if (keywords)
    await seedKeywords(
      owner,
      { siteId, sectorId },
      Array.from({ length: keywords }, (_, i) => {
        const kind = ['guide', 'tips', 'cost', 'ideas', 'diy'][Math.floor(i / 10) % 5];
        return `${topics[i % 10]} ${kind} ${Math.floor(i / 50)}`;
      }),
    );
  return { owner, siteId, sectorId, db: shardBinding(shard) };
}

async function createRule(p: Place, config: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const res = await call('POST', `${RULES}/`, {
    token: p.owner.token,
    body: {
      site_id: p.siteId,
      sector_id: p.sectorId,
      name: 'Weekday pipeline',
      trigger: 'schedule',
      schedule: '0 7 * * 1-5',
      timezone: 'Europe/Berlin',
      config,
      ...extra,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.id as number;
}

/** Makes a schedule rule due at `at` (the cron's own next time is days ahead). */
const makeDue = (p: Place, ruleId: number, at: number) =>
  p.db
    .prepare('UPDATE automation_rules SET next_run_at = ? WHERE account_id = ? AND id = ?')
    .bind(at, p.owner.accountId, ruleId)
    .run();

/** The queue consumer, given a batch as the platform would (acks/retries recorded). */
async function deliver(bodies: unknown[], on: Env, queue = 'igny8-events') {
  const outcome: string[] = [];
  const messages = bodies.map((body, i) => ({
    id: `m-${Date.now()}-${i}`,
    timestamp: new Date(),
    attempts: 4,
    body,
    ack: () => outcome.push('ack'),
    retry: () => outcome.push('retry'),
  }));
  await handleEventBatch({ queue, messages, ackAll() {}, retryAll() {} } as unknown as MessageBatch<unknown>, on);
  return outcome;
}

/** The environment with the queue's producer recorded instead of sent (the test delivers). */
function recordingEnv() {
  const sent: DomainEvent[] = [];
  const on = Object.assign({}, env, {
    EVENTS: {
      send: async (body: DomainEvent) => void sent.push(body),
      sendBatch: async (batch: { body: DomainEvent }[]) => void sent.push(...batch.map((m) => m.body)),
    },
  }) as unknown as Env;
  return { on, sent };
}

const getRun = async (p: Place, runId: string, who: Session = p.owner): Promise<AutomationRunView> =>
  (await call('GET', `${RUNS}/${runId}/`, { token: who.token })).body.data;

async function waitRun(
  p: Place,
  runId: string,
  until: (run: AutomationRunView) => boolean,
  what: string,
  timeoutMs = 120_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await getRun(p, runId);
    if (run && until(run)) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} never ${what}: ${JSON.stringify(run)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const coordinator = (p: Place) =>
  env.SITE_COORDINATOR.get(env.SITE_COORDINATOR.idFromName(`${p.owner.accountId}:${p.siteId}`));

/** Reservations the ledger shows without their settlement (capture or release). */
async function openHolds(p: Place) {
  const row = await p.db
    .prepare(
      `SELECT count(*) AS n FROM credit_transactions r WHERE r.account_id = ? AND r.transaction_type = 'reservation'
       AND NOT EXISTS (SELECT 1 FROM credit_transactions s WHERE s.account_id = r.account_id
                       AND s.idempotency_key = 'settle:' || r.job_id)`,
    )
    .bind(p.owner.accountId)
    .first<{ n: number }>();
  const bal = await p.db
    .prepare('SELECT balance, reserved FROM credit_balances WHERE account_id = ?')
    .bind(p.owner.accountId)
    .first<{ balance: number; reserved: number }>();
  return { open: row!.n, reserved: bal!.reserved, balance: bal!.balance };
}

async function waitForRow(p: Place, sql: string, ...args: unknown[]) {
  for (let i = 0; i < 300; i++) {
    const row = await p.db
      .prepare(sql)
      .bind(p.owner.accountId, ...args)
      .first<{ id: string }>();
    if (row) return row.id;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no row for ${sql}`);
}

const count = async (p: Place, sql: string, ...args: unknown[]) =>
  (await p.db
    .prepare(sql)
    .bind(p.owner.accountId, ...args)
    .first<{ n: number }>())!.n;

describe('a scheduled run of the whole pipeline', () => {
  let p: Place;
  let runId = '';

  beforeAll(async () => {
    p = await place('pipeline', 100, 5000);
  });

  it('takes 100 keywords through all seven stages, paused at stage 4 and resumed where it stopped', async () => {
    const key = `sk-auto-${Date.now()}`;
    await useOwnModelKey(p.owner, key);
    // Slow enough that the content stage's jobs are still running when the pause lands.
    await scriptFaults(key, { latency_ms: 150 });
    const ruleId = await createRule(p, {
      batches: { keywords_per_run: 100, keywords_per_call: 20, clusters_per_call: 1, tasks_per_batch: 1 },
      // Two articles: the dev model paints each featured image (1792x1024) on the test process's one thread.
      caps: { articles_per_day: 2, images_per_day: null, credits_per_run: null, credits_per_day: null },
      publish_mode: 'draft',
      images: 'featured',
    });
    const tick = Date.now() - 1000;
    await makeDue(p, ruleId, tick - 60_000);
    const { on, sent } = recordingEnv();
    expect(await deliver([{ v: 1, type: 'automation.tick', scheduled_time: tick }], on)).toEqual(['ack']);
    const runs = sent.filter((m) => m.type === 'automation.run');
    expect(runs).toHaveLength(1);
    runId = (runs[0] as { run_id: string }).run_id;
    await deliver(runs, on);

    const atContent = await waitRun(p, runId, (r) => r.current_stage >= 3, 'reached the content stage');
    expect(atContent.current_stage).toBe(3);
    const paused = await call('POST', `${RUNS}/${runId}/pause/`, { token: p.owner.token });
    expect(paused.status, JSON.stringify(paused.body)).toBe(200);
    expect(paused.body.data.status).toBe('paused');
    expectError(await call('POST', `${RUNS}/${runId}/pause/`, { token: p.owner.token }), 409, 'run_not_running');

    await scriptFaults(key, { latency_ms: 0 });
    // The content jobs already running finish; nothing after them starts while paused.
    const contentJobs: string[] = (await getRun(p, runId)).stages[3]!.job_ids;
    const stub = coordinator(p) as unknown as { getJob(id: string): Promise<{ status: string } | null> };
    for (const id of contentJobs)
      for (;;) {
        const job = await stub.getJob(id);
        if (!job || ['succeeded', 'failed', 'cancelled'].includes(job.status)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    await runDurableObjectAlarm(coordinator(p));
    const still = await getRun(p, runId);
    expect(still.status).toBe('paused');
    expect(still.current_stage).toBe(3);
    expect(still.stages[4]!.status).toBe('pending');
    expect(still.stages[4]!.job_ids).toEqual([]);

    const resumed = await call('POST', `${RUNS}/${runId}/resume/`, { token: p.owner.token });
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(200);
    const done = await waitRun(p, runId, (r) => ['completed', 'failed', 'cancelled'].includes(r.status), 'ended');
    expect(done.status, JSON.stringify(done)).toBe('completed');
    expect(done.stages.map((s: { stage: string; status: string }) => [s.stage, s.status])).toEqual(
      AUTOMATION_STAGES.map((s) => [s, 'completed']),
    );
    expect(done.stages[0]!.input_count).toBe(100);
    expect(done.stages[3]!.output_count).toBeGreaterThan(0);
    expect(done.stages[3]!.output_count).toBeLessThanOrEqual(2);
    expect(done.rule_name).toBe('Weekday pipeline');
    // The run's credits are what its jobs charged, and every hold was settled.
    const charged = await count(
      p,
      'SELECT coalesce(sum(credits_used), 0) AS n FROM credit_usage_logs WHERE account_id = ? AND job_id LIKE ?',
      `auto-${runId}-%`,
    );
    expect(charged).toBeGreaterThan(0);
    expect(done.credits_used).toBe(charged);
    expect((await openHolds(p)).open).toBe(0);
    // Jobs ran as the system bot.
    const logs = 'SELECT count(*) AS n FROM ai_task_logs WHERE account_id = ? AND job_id LIKE ?';
    expect(await count(p, logs, `auto-${runId}-%`)).toBeGreaterThan(0);
    expect(await count(p, `${logs} AND coalesce(created_by_user_id, 0) != 0`, `auto-${runId}-%`)).toBe(0);
    // The start's history row ended with its run.
    expect(
      await count(
        p,
        "SELECT count(*) AS n FROM scheduled_tasks WHERE account_id = ? AND run_id = ? AND status = 'completed'",
        runId,
      ),
    ).toBe(1);
  });
});

describe('a start happens once', () => {
  let p: Place;
  let ruleId = 0;

  beforeAll(async () => {
    p = await place('once', 12, 500);
    ruleId = await createRule(p, {
      stages: ['clustering'],
      batches: { keywords_per_run: 12, keywords_per_call: 20, clusters_per_call: 1, tasks_per_batch: 50 },
    });
  });

  it('one run, charged once, from a tick delivered twice and a run message redelivered after a restart', async () => {
    const tick = Date.now() - 1000;
    await makeDue(p, ruleId, tick - 30_000);
    const { on, sent } = recordingEnv();
    const tickMessage = { v: 1, type: 'automation.tick', scheduled_time: tick };
    await Promise.all([deliver([tickMessage], on), deliver([tickMessage], on)]);
    await deliver([tickMessage], on);
    expect(
      await count(
        p,
        'SELECT count(*) AS n FROM scheduled_tasks WHERE account_id = ? AND automation_rule_id = ?',
        ruleId,
      ),
    ).toBe(1);
    expect(
      await count(p, 'SELECT count(*) AS n FROM automation_runs WHERE account_id = ? AND rule_id = ?', ruleId),
    ).toBe(1);
    const messages = sent.filter((m) => m.type === 'automation.run');
    expect(messages.length).toBeGreaterThanOrEqual(1);
    const runId = (messages[0] as { run_id: string }).run_id;
    expect(new Set(messages.map((m) => (m as { run_id: string }).run_id))).toEqual(new Set([runId]));
    // The rule moved on to its next cron time, after the tick.
    const rule = await p.db
      .prepare('SELECT next_run_at FROM automation_rules WHERE account_id = ? AND id = ?')
      .bind(p.owner.accountId, ruleId)
      .first<{ next_run_at: number }>();
    expect(rule!.next_run_at).toBeGreaterThan(tick);

    await deliver([messages[0]], on);
    await runInDurableObject(coordinator(p), (_i, state: DurableObjectState) => state.abort('test: restart')).catch(
      () => undefined,
    );
    await deliver([messages[0]], on);
    await runDurableObjectAlarm(coordinator(p));
    const done = await waitRun(p, runId, (r) => ['completed', 'failed'].includes(r.status), 'ended');
    expect(done.status, JSON.stringify(done)).toBe('completed');
    await deliver([messages[0]], on); // a late spare: nothing happens
    expect(
      await count(
        p,
        "SELECT count(*) AS n FROM credit_transactions WHERE account_id = ? AND transaction_type = 'reservation'",
      ),
    ).toBe(1);
    expect(
      await count(
        p,
        "SELECT count(*) AS n FROM credit_transactions WHERE account_id = ? AND transaction_type = 'capture'",
      ),
    ).toBe(1);
    expect(done.credits_used).toBe(1);
    expect((await getRun(p, runId)).version).toBe(done.version);
  });

  it('event triggers fire once per event: an import starts its rule, the same event twice starts one run', async () => {
    const rule = await createRule(
      p,
      { stages: ['clustering'] },
      { trigger: 'event', schedule: null, event_type: 'keywords.imported', name: 'On import' },
    );
    // The import itself sends keywords.imported (through the real queue): its rule starts.
    const ids = await seedKeywords(p.owner, { siteId: p.siteId, sectorId: p.sectorId }, ['fresh basil', 'fresh thyme']);
    const fromImport = await waitForRow(p, 'SELECT id FROM automation_runs WHERE account_id = ? AND rule_id = ?', rule);
    const done = await waitRun(p, fromImport, (r) => ['completed', 'failed'].includes(r.status), 'ended');
    expect(done.status, JSON.stringify(done)).toBe('completed');
    expect(done.source).toBe('event');
    expect([...done.stages[0]!.input_ids].sort()).toEqual([...ids].sort());

    const event = {
      v: 1,
      type: 'automation.event',
      account_id: p.owner.accountId,
      shard: await shardOf(p.owner.accountId),
      site_id: p.siteId,
      event: 'keywords.imported',
      event_id: `evt-${Date.now()}`,
      payload: { keyword_ids: ids },
    };
    const { on } = recordingEnv();
    await deliver([event], on);
    await deliver([event], on);
    const runs = await p.db
      .prepare(
        `SELECT ar.id FROM automation_runs ar JOIN scheduled_tasks st ON st.id = ar.scheduled_task_id
         WHERE ar.account_id = ? AND st.dedupe_key = ?`,
      )
      .bind(p.owner.accountId, `event:${event.event_id}`)
      .all<{ id: string }>();
    expect(runs.results).toHaveLength(1);
  });
});

describe('credits, cancel and the dead-letter queue', () => {
  let p: Place;

  beforeAll(async () => {
    p = await place('cancel', 40, 2000);
  });

  it('refuses up front a run the balance cannot cover, naming the cap to lower', async () => {
    const poor = await place('poor', 40);
    const balance = (await openHolds(poor)).balance;
    const ruleId = await createRule(poor, {
      batches: { keywords_per_run: 40 },
      caps: { articles_per_day: null, images_per_day: null },
    });
    const res = await call('POST', `${RULES}/${ruleId}/run_now/`, { token: poor.owner.token, body: {} });
    expectError(res, 402, 'insufficient_credits');
    expect(res.body.error).toContain(`the balance is ${balance}`);
    expect(await count(poor, 'SELECT count(*) AS n FROM automation_runs WHERE account_id = ?')).toBe(0);

    // A scheduled start the balance can't cover ends failed with the same words.
    const tick = Date.now() - 1000;
    await makeDue(poor, ruleId, tick - 1000);
    const { on, sent } = recordingEnv();
    await deliver([{ v: 1, type: 'automation.tick', scheduled_time: tick }], on);
    await deliver(
      sent.filter((m) => m.type === 'automation.run'),
      on,
    );
    const runId = (sent.find((m) => m.type === 'automation.run') as { run_id: string }).run_id;
    const failed = await waitRun(poor, runId, (r) => r.status === 'failed', 'failed');
    expect(failed.error).toContain('Lower');
    expect((await openHolds(poor)).open).toBe(0);
  });

  it('cancel cancels the queued and running jobs and releases every hold', async () => {
    const key = `sk-cancel-${Date.now()}`;
    await useOwnModelKey(p.owner, key);
    await scriptFaults(key, { latency_ms: 2000 });
    const ruleId = await createRule(p, {
      stages: ['clustering', 'ideas'],
      batches: { keywords_per_run: 40, keywords_per_call: 5, clusters_per_call: 1, tasks_per_batch: 50 },
    });
    const start = await call('POST', `${RULES}/${ruleId}/run_now/`, { token: p.owner.token, body: {} });
    expect(start.status, JSON.stringify(start.body)).toBe(202);
    const runId = start.body.data.run.id;
    await waitRun(p, runId, (r) => r.stages[0]!.job_ids.length === 8, 'started its clustering jobs');
    expect((await openHolds(p)).open).toBeGreaterThan(0);
    const res = await call('POST', `${RUNS}/${runId}/cancel/`, { token: p.owner.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.status).toBe('cancelled');
    expectError(await call('POST', `${RUNS}/${runId}/cancel/`, { token: p.owner.token }), 409, 'run_finished');
    for (let i = 0; (await openHolds(p)).open > 0 && i < 300; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await openHolds(p)).toMatchObject({ open: 0, reserved: 0 });
    await runDurableObjectAlarm(coordinator(p));
    const after = await getRun(p, runId);
    expect(after.status).toBe('cancelled');
    expect(after.stages[1]!.job_ids).toEqual([]);
    await scriptFaults(key, { latency_ms: 0 });
  });

  it('a dead automation.run message shows on the run, and retry/ sends it again', async () => {
    const ruleId = await createRule(p, { stages: ['clustering'], batches: { keywords_per_run: 5 } });
    const tick = Date.now() - 1000;
    await makeDue(p, ruleId, tick - 1000);
    const { on, sent } = recordingEnv();
    await deliver([{ v: 1, type: 'automation.tick', scheduled_time: tick }], on);
    const message = sent.find((m) => m.type === 'automation.run') as { run_id: string };
    expect(await deliver([message], on, 'igny8-events-dlq')).toEqual(['ack']);
    const dead = await getRun(p, message.run_id);
    expect(dead.status).toBe('failed');
    expect(dead.dead_letter).toMatchObject({ type: 'automation.run' });
    expect(dead.error).toContain('could not be delivered');

    const retried = await call('POST', `${RUNS}/${message.run_id}/retry/`, { token: p.owner.token });
    expect(retried.status, JSON.stringify(retried.body)).toBe(202);
    expect(retried.body.data).toMatchObject({ status: 'queued', dead_letter: null });
    // The real queue carries the message this time.
    const done = await waitRun(p, message.run_id, (r) => r.status === 'completed', 'completed');
    expect(done.dead_letter).toBeNull();
    expectError(
      await call('POST', `${RUNS}/${message.run_id}/retry/`, { token: p.owner.token }),
      409,
      'run_not_retryable',
    );
  });
});

describe('the review gate', () => {
  it('holds the run until its articles are approved; approve/ schedules them and the run completes', async () => {
    const p = await place('review', 0, 100);
    await connectSite(p.owner, p.siteId);
    const insert = (title: string) =>
      p.db
        .prepare(
          `INSERT INTO content (account_id, site_id, sector_id, title, html_content, status, created_at, updated_at)
           VALUES (?, ?, ?, ?, '<p>Ready for review.</p>', 'review', ?, ?) RETURNING id`,
        )
        .bind(p.owner.accountId, p.siteId, p.sectorId, title, Date.now(), Date.now())
        .first<{ id: number }>();
    const [a, b] = [(await insert('First held'))!.id, (await insert('Second held'))!.id];
    const ruleId = await createRule(p, { stages: ['publish'], publish_mode: 'review' });
    const start = await call('POST', `${RULES}/${ruleId}/run_now/`, { token: p.owner.token, body: {} });
    expect(start.status, JSON.stringify(start.body)).toBe(202);
    const runId = start.body.data.run.id;
    const held = await waitRun(p, runId, (r) => r.status === 'awaiting_review', 'held for review');
    expect(held.awaiting_review_ids.sort()).toEqual([a, b].sort());
    expectError(await call('POST', `${RUNS}/${runId}/resume/`, { token: p.owner.token }), 409, 'run_not_paused');

    const first = await call('POST', `${RUNS}/${runId}/approve/`, { token: p.owner.token, body: { content_ids: [a] } });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.data.approval.scheduled.map((x: { content_id: number }) => x.content_id)).toEqual([a]);
    expect((await getRun(p, runId)).awaiting_review_ids).toEqual([b]);
    const status = (id: number) =>
      p.db.prepare('SELECT status FROM content WHERE id = ?').bind(id).first<{ status: string }>();
    expect((await status(a))!.status).toBe('scheduled');

    const rest = await call('POST', `${RUNS}/${runId}/approve/`, { token: p.owner.token, body: {} });
    expect(rest.status, JSON.stringify(rest.body)).toBe(200);
    const done = await waitRun(p, runId, (r) => r.status === 'completed', 'completed');
    expect(done.awaiting_review_ids).toEqual([]);
    expect((await status(b))!.status).toBe('scheduled');
    expectError(
      await call('POST', `${RUNS}/${runId}/approve/`, { token: p.owner.token, body: {} }),
      409,
      'run_finished',
    );
  });
});

describe('tenancy of the run routes', () => {
  let p: Place;
  let runId = '';
  let viewer: Session;
  let stranger: Session;

  beforeAll(async () => {
    p = await place('runs-tenancy', 3, 200);
    const ruleId = await createRule(p, { stages: ['clustering'], batches: { keywords_per_run: 3 } });
    const start = await call('POST', `${RULES}/${ruleId}/run_now/`, { token: p.owner.token, body: {} });
    expect(start.status, JSON.stringify(start.body)).toBe(202);
    runId = start.body.data.run.id;
    await waitRun(p, runId, (r) => r.status === 'completed', 'completed');
    viewer = await addMember(p.owner, 'viewer', [p.siteId]);
    stranger = await signup('runs-stranger');
  });

  const writes = ['pause', 'resume', 'cancel', 'approve', 'retry'];

  it("another account's run is not found on every route", async () => {
    expectError(await call('GET', `${RUNS}/${runId}/`, { token: stranger.token }), 404);
    for (const action of writes)
      expectError(await call('POST', `${RUNS}/${runId}/${action}/`, { token: stranger.token, body: {} }), 404);
    const list = await call('GET', `${RUNS}/`, { token: stranger.token });
    expect(list.body.results).toEqual([]);
    expectError(await call('GET', `${RUNS}/?site_id=${p.siteId}`, { token: stranger.token }), 404);
  });

  it('a viewer sees the run but may not pause, resume, cancel, approve or retry it', async () => {
    expect((await call('GET', `${RUNS}/${runId}/`, { token: viewer.token })).status).toBe(200);
    const list = await call('GET', `${RUNS}/?site_id=${p.siteId}`, { token: viewer.token });
    expect(list.body.results.map((r: { id: string }) => r.id)).toContain(runId);
    for (const action of writes)
      expectError(await call('POST', `${RUNS}/${runId}/${action}/`, { token: viewer.token, body: {} }), 403);
  });
});
