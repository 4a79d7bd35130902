import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { JobView } from '../../core/ai/jobs';
import { emptyStage, initialStages, type AutomationStageState } from '../../core/automation/run';
import { addDays, localParts, zonedTime } from '../../core/automation/zoned';
import { AUTOMATION_STAGES, type AutomationStage } from '../../core/domain/enums';
import { ruleConfig } from '../../core/validation/automation';
import { coordinatorOf } from '../../durable-objects/site-coordinator/engine/client';
import { systemBotTenant } from '../../worker/automation/actor';
import { STAGES } from '../../worker/automation/stages';
import { pickKeywords } from '../../worker/automation/stages/pick';
import { approveArticles } from '../../worker/automation/stages/publish';
import type { RunRecord, StageContext, StageStep } from '../../worker/automation/stages/types';
import type { Tenant } from '../../worker/db/tenant';
import type { Env } from '../../worker/env';
import { ActorGone, tenantOfUser } from '../../worker/publisher/schedule-actor';
import { call, createSite, signup, type Session } from '../helpers/api';
import { createSector, shardBinding, shardOf } from '../helpers/fixtures';
import { connectSite } from '../helpers/wordpress';

/**
 * Each stage of an automation run driven directly (its step() against real D1 and the site's real
 * coordinator on the dev model), with hand-built runs: what it picks, what it caps, what a restart
 * does, and what the publish modes do to the articles.
 */
const TZ = 'Europe/Berlin';
let seq = 0;

interface Fx {
  owner: Session;
  tenant: Tenant;
  siteId: number;
  sectorId: number;
  db: D1Database;
}

async function fixture(label: string, csv: string): Promise<Fx> {
  const owner = await signup(label);
  const siteId = (await createSite(owner, `${label} site`)).id;
  const sectorId = (await createSector(owner, siteId, 'Garden')).id;
  if (csv) {
    const res = await call('POST', `/api/v1/planner/keywords/import/?site_id=${siteId}&sector_id=${sectorId}`, {
      token: owner.token,
      rawBody: `keyword,volume,difficulty\n${csv}`,
      headers: { 'content-type': 'text/csv' },
    });
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  }
  const tenant = await systemBotTenant(env as unknown as Env, owner.accountId);
  return { owner, tenant, siteId, sectorId, db: shardBinding(await shardOf(owner.accountId)) };
}

function runOf(fx: Fx, config: Record<string, unknown> = {}, over: Partial<RunRecord> = {}): RunRecord {
  const parsed = ruleConfig.parse(config);
  return {
    id: `run-test-${Date.now().toString(36)}-${++seq}`,
    account_id: fx.owner.accountId,
    site_id: fx.siteId,
    rule_id: 1,
    sector_id: fx.sectorId,
    timezone: TZ,
    scheduled_task_id: null,
    source: 'manual',
    dry_run: false,
    status: 'running',
    current_stage: 0,
    stages: initialStages(parsed.stages),
    config: parsed,
    trigger_payload: null,
    credits_estimate: 0,
    credits_used: 0,
    version: 1,
    started_at: Date.now(),
    created_at: Date.now(),
    ...over,
  };
}

/** The coordinator's engine as the runner hands it: getJob reads what was last looked up. */
function jobsPort(fx: Fx) {
  const coordinator = coordinatorOf(env as unknown as Env, fx.owner.accountId, fx.siteId);
  const seen = new Map<string, JobView>();
  const enqueued: { id: string; replayed: boolean }[] = [];
  return {
    enqueued,
    coordinator,
    port: {
      async enqueue(fn: Parameters<StageContext['jobs']['enqueue']>[0], input: unknown, key: string) {
        const result = await coordinator.enqueue({
          id: key,
          account_id: fx.owner.accountId,
          shard: fx.tenant.shard,
          site_id: fx.siteId,
          user_id: 0,
          user_name: 'Automation',
          function: fn,
          input,
        });
        if (result.ok) {
          seen.set(result.job.id, result.job);
          enqueued.push({ id: result.job.id, replayed: result.replayed });
        }
        return result;
      },
      getJob: (id: string) => seen.get(id) ?? null,
    },
    async refresh(ids: string[]) {
      for (const id of ids) {
        const job = await coordinator.getJob(id);
        if (job) seen.set(id, job as JobView);
        else seen.delete(id);
      }
    },
  };
}

type Port = ReturnType<typeof jobsPort>;

function ctxOf(fx: Fx, run: RunRecord, stage: AutomationStage, jobs: Port, now = Date.now()): StageContext {
  const at = AUTOMATION_STAGES.indexOf(stage);
  return {
    env: env as unknown as Env,
    tenant: fx.tenant,
    run,
    config: run.config,
    stage: run.stages[at]!,
    previous: at > 0 ? run.stages[at - 1]! : null,
    now,
    jobs: jobs.port,
  };
}

/** Steps one stage until it is done, holds or fails (as the runner would), storing its state on the run. */
async function drive(fx: Fx, run: RunRecord, stage: AutomationStage, jobs: Port, now?: number): Promise<StageStep> {
  const at = AUTOMATION_STAGES.indexOf(stage);
  for (let i = 0; i < 600; i++) {
    await jobs.refresh(run.stages[at]!.job_ids);
    const step = await STAGES[stage].step(ctxOf(fx, run, stage, jobs, now));
    if (step.kind === 'wait') {
      await new Promise((r) => setTimeout(r, 50));
      continue;
    }
    run.stages[at] = step.state;
    if (step.kind !== 'started') return step;
  }
  throw new Error(`stage ${stage} did not finish`);
}

const rows = async <T>(fx: Fx, query: string, ...binds: unknown[]) =>
  (
    await fx.db
      .prepare(query)
      .bind(...binds)
      .all<T>()
  ).results;

/** A run of the same rule earlier today that made `count` items in `stage` (for the per-day caps). */
async function earlierRunToday(fx: Fx, run: RunRecord, stage: AutomationStage, count: number, credits = 0) {
  const stages = initialStages([...AUTOMATION_STAGES]).map((s) =>
    s.stage === stage ? { ...s, status: 'completed' as const, output_count: count, input_count: count } : s,
  );
  await fx.db
    .prepare(
      `INSERT INTO automation_runs (id, account_id, site_id, rule_id, source, status, stages, config, credits_used,
                                    created_at, updated_at)
       VALUES (?, ?, ?, ?, 'schedule', 'completed', ?, '{}', ?, ?, ?)`,
    )
    .bind(
      `earlier-${run.id}`,
      run.account_id,
      run.site_id,
      run.rule_id,
      JSON.stringify(stages),
      credits,
      Date.now(),
      Date.now(),
    )
    .run();
}

const KEYWORDS =
  'raised bed garden,900,40\nraised bed soil,500,10\nhow to build a raised bed,700,70\ncedar raised bed,300,5\n' +
  'compost bin,800,20\nworm composting,200,30\n';

describe('clustering', () => {
  let fx: Fx;
  beforeAll(async () => {
    fx = await fixture('auto-cluster', KEYWORDS);
  });

  it('picks in the rule’s order, never twice across a restart, never a clustered keyword', async () => {
    expect(
      (await pickKeywords(fx.tenant.db, fx.owner.accountId, fx.siteId, null, 'difficulty', 2)).map((k) => k.keyword),
    ).toEqual(['cedar raised bed', 'raised bed soil']);

    const run = runOf(fx, { batches: { keywords_per_run: 3, keywords_per_call: 2 } });
    const jobs = jobsPort(fx);
    // First the selection is recorded, then its jobs are enqueued from the record.
    const picked = await STAGES.clustering.step(ctxOf(fx, run, 'clustering', jobs));
    expect(picked.kind).toBe('started');
    const chosen = (picked as { state: AutomationStageState }).state;
    expect(chosen.job_ids).toEqual([]);
    const names = await rows<{ keyword: string }>(
      fx,
      `SELECT keyword FROM keywords WHERE id IN (${chosen.input_ids.join(',')}) ORDER BY volume DESC`,
    );
    expect(names.map((n) => n.keyword)).toEqual(['raised bed garden', 'compost bin', 'how to build a raised bed']);
    run.stages[0] = chosen;
    const first = await STAGES.clustering.step(ctxOf(fx, run, 'clustering', jobs));
    const state = (first as { state: AutomationStageState }).state;
    expect(state.input_ids).toEqual(chosen.input_ids);
    expect(state.job_ids).toEqual([`auto-${run.id}-clustering-0`, `auto-${run.id}-clustering-1`]);

    // A restart before the jobs were saved on the run steps again from the record: the same jobs come back.
    const again = await STAGES.clustering.step(ctxOf(fx, run, 'clustering', jobs));
    expect((again as { state: AutomationStageState }).state.job_ids).toEqual(state.job_ids);
    expect(jobs.enqueued.filter((e) => !e.replayed)).toHaveLength(2);

    run.stages[0] = state;
    const done = await drive(fx, run, 'clustering', jobs);
    expect(done.kind).toBe('done');
    const out = run.stages[0]!;
    expect(out.status).toBe('completed');
    expect(out.output_ids.length).toBeGreaterThan(0);
    expect(out.credits_used).toBe(2); // two calls of 2 and 1 keywords: 1 credit each
    const all = (await jobs.coordinator.listJobs(100)) as JobView[];
    expect(all.filter((j) => j.id.startsWith(`auto-${run.id}-`))).toHaveLength(2);
    expect(all.find((j) => j.id === state.job_ids[0])!.created_by).toEqual({ id: 0, name: 'Automation' });

    // The next run takes the next keywords by volume: none of those clustered.
    const next = runOf(fx, { batches: { keywords_per_run: 3 } });
    const step = await STAGES.clustering.step(ctxOf(fx, next, 'clustering', jobsPort(fx)));
    const taken = (step as { state: AutomationStageState }).state.input_ids;
    expect(taken.some((id) => state.input_ids.includes(id))).toBe(false);
    expect(taken).toHaveLength(3);
  });
});

describe('an import event’s keywords', () => {
  it('clusters only the imported keywords not clustered yet', async () => {
    const fx = await fixture('auto-event', KEYWORDS);
    const all = await rows<{ id: number; keyword: string }>(
      fx,
      'SELECT id, keyword FROM keywords WHERE account_id = ? ORDER BY id',
      fx.owner.accountId,
    );
    const [a, b, c] = all;
    await fx.db.prepare('UPDATE keywords SET cluster_id = 999 WHERE id = ?').bind(b!.id).run();
    const run = runOf(fx, {}, { source: 'event', trigger_payload: { keyword_ids: [a!.id, b!.id, c!.id] } });
    const step = await STAGES.clustering.step(ctxOf(fx, run, 'clustering', jobsPort(fx)));
    expect((step as { state: AutomationStageState }).state.input_ids.sort()).toEqual([a!.id, c!.id].sort());
  });
});

describe('the system bot', () => {
  it('is who a run’s scheduled publishes fire as, while its account is active', async () => {
    const fx = await fixture('auto-bot', '');
    const bot = await tenantOfUser(env as unknown as Env, fx.owner.accountId, 0);
    expect(bot.user).toMatchObject({ id: 0, role: 'system_bot', account_id: fx.owner.accountId });
    expect(bot.can('data:write')).toBe(true);
    expect(await bot.accessibleSiteIds()).toBe('all');
    await env.DB_CONTROL.prepare("UPDATE accounts SET status = 'suspended' WHERE id = ?")
      .bind(fx.owner.accountId)
      .run();
    await expect(tenantOfUser(env as unknown as Env, fx.owner.accountId, 0)).rejects.toBeInstanceOf(ActorGone);
  });
});

describe('ideas → tasks → content → image prompts → images', () => {
  let fx: Fx;
  let run: RunRecord;
  let jobs: Port;

  beforeAll(async () => {
    fx = await fixture('auto-pipeline', KEYWORDS);
    run = runOf(fx, { caps: { articles_per_day: 3 }, images: 'featured' });
    jobs = jobsPort(fx);
    expect((await drive(fx, run, 'clustering', jobs)).kind).toBe('done');
  });

  it('makes ideas for the new clusters, then one task per idea (a second step changes nothing)', async () => {
    expect((await drive(fx, run, 'ideas', jobs)).kind).toBe('done');
    const ideas = run.stages[1]!;
    expect(ideas.input_ids).toEqual(run.stages[0]!.output_ids);
    expect(ideas.output_count).toBeGreaterThanOrEqual(3 * ideas.input_count);
    expect(ideas.credits_used).toBe(ideas.output_count);

    expect((await drive(fx, run, 'tasks', jobs)).kind).toBe('done');
    const tasks = run.stages[2]!;
    expect(tasks.output_count).toBe(ideas.output_count);
    await drive(fx, run, 'tasks', jobs);
    expect(run.stages[2]!.output_ids).toEqual(tasks.output_ids);
    const [count] = await rows<{ n: number }>(
      fx,
      'SELECT count(*) AS n FROM tasks WHERE account_id = ?',
      run.account_id,
    );
    expect(count!.n).toBe(tasks.output_count);
  });

  it('writes no more articles than articles_per_day leaves today (earlier runs of the rule count)', async () => {
    await earlierRunToday(fx, run, 'content', 1);
    expect((await drive(fx, run, 'content', jobs)).kind).toBe('done');
    const content = run.stages[3]!;
    expect(content.input_count).toBe(2);
    expect(content.output_count).toBe(2);
    expect(content.credits_used).toBe(6);
    expect(content.note).toBe('articles_per_day reached: 3 of 3 today (1 by earlier runs)');
  });

  it('makes image prompts for the run’s articles and generates only featured images when asked', async () => {
    expect((await drive(fx, run, 'image_prompts', jobs)).kind).toBe('done');
    const prompts = run.stages[4]!;
    expect(prompts.input_ids).toEqual(run.stages[3]!.output_ids);
    expect(prompts.output_count).toBeGreaterThan(2);
    expect(prompts.credits_used).toBe(0);

    expect((await drive(fx, run, 'images', jobs)).kind).toBe('done');
    const images = run.stages[5]!;
    expect(images.output_count).toBe(2);
    const made = await rows<{ image_type: string; status: string }>(
      fx,
      `SELECT image_type, status FROM images WHERE id IN (${images.output_ids.join(',')})`,
    );
    expect(made.every((m) => m.image_type === 'featured' && m.status === 'generated')).toBe(true);
  });
});

describe('caps', () => {
  let fx: Fx;
  beforeAll(async () => {
    fx = await fixture('auto-caps', '');
  });

  async function queuedTasks(n: number) {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) {
      const res = await call('POST', '/api/v1/writer/tasks/', {
        token: fx.owner.token,
        body: { site_id: fx.siteId, sector_id: fx.sectorId, title: `Mulch ${++seq}`, target_keywords: ['mulch'] },
      });
      ids.push(res.body.data.id);
    }
    return ids;
  }

  it('content stops at credits_per_run (what earlier stages spent counts) and the stage says why', async () => {
    const taskIds = await queuedTasks(3);
    const run = runOf(fx, { stages: ['tasks', 'content'], caps: { credits_per_run: 10 } });
    run.stages[2] = { ...emptyStage('tasks'), status: 'completed', output_ids: taskIds, output_count: 3 };
    run.stages[0] = { ...run.stages[0]!, credits_used: 4 }; // 6 left: 2 articles at 3 credits
    const jobs = jobsPort(fx);
    expect((await drive(fx, run, 'content', jobs)).kind).toBe('done');
    const content = run.stages[3]!;
    expect(content.input_count).toBe(2);
    expect(content.note).toBe('credits_per_run reached: 4 of 10 this run');
  });

  it('content stops at credits_per_day (the rule’s other runs today count)', async () => {
    const taskIds = await queuedTasks(2);
    const run = runOf(fx, { stages: ['content'], caps: { credits_per_day: 7 } }, { rule_id: 2 });
    run.stages[2] = { ...emptyStage('tasks'), status: 'completed', output_ids: taskIds, output_count: 2 };
    await earlierRunToday(fx, run, 'content', 1, 4); // 3 credits left today: 1 article
    expect((await drive(fx, run, 'content', jobsPort(fx))).kind).toBe('done');
    expect(run.stages[3]).toMatchObject({ input_count: 1, note: 'credits_per_day reached: 4 of 7 today' });
  });

  it('images stop at images_per_day', async () => {
    const run = runOf(fx, { caps: { images_per_day: 2 } });
    const [article] = await rows<{ id: number }>(
      fx,
      'SELECT id FROM content WHERE account_id = ? AND html_content != "" LIMIT 1',
      run.account_id,
    );
    const ids: number[] = [];
    for (const type of ['featured', 'in_article', 'in_article']) {
      const [row] = await rows<{ id: number }>(
        fx,
        `INSERT INTO images (account_id, site_id, sector_id, content_id, image_type, prompt, alt, status,
                             created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 'a red wheelbarrow', 'wheelbarrow', 'pending', ?, ?) RETURNING id`,
        run.account_id,
        run.site_id,
        fx.sectorId,
        article!.id,
        type,
        Date.now(),
        Date.now(),
      );
      ids.push(row!.id);
    }
    await earlierRunToday(fx, run, 'images', 1);
    run.stages[4] = { ...run.stages[4]!, status: 'completed', output_ids: ids, output_count: 3 };
    expect((await drive(fx, run, 'images', jobsPort(fx))).kind).toBe('done');
    const images = run.stages[5]!;
    expect(images.input_ids).toEqual([ids[0]]); // the featured image first
    expect(images.note).toBe('images_per_day reached: 2 of 2 today (1 by earlier runs)');
  });
});

describe('publish', () => {
  let fx: Fx;
  beforeAll(async () => {
    fx = await fixture('auto-publish', '');
    await connectSite(fx.owner, fx.siteId);
  });

  /** A Monday 08:00 in Berlin at least a week ahead: the window (Mon–Fri 09:00–17:00) opens an hour later. */
  function nextMonday8() {
    let date = localParts(Date.now() + 7 * 86_400_000, TZ) as { year: number; month: number; day: number };
    while (new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() !== 1) date = addDays(date, 1);
    return { date, at: (h: number, m = 0, d = 0) => zonedTime(addDays(date, d), h, m, TZ) };
  }

  async function drafts(n: number): Promise<number[]> {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) {
      const [row] = await rows<{ id: number }>(
        fx,
        `INSERT INTO content (account_id, site_id, sector_id, title, html_content, status, source, created_at,
                              updated_at)
         VALUES (?, ?, ?, ?, '<h2>Soil</h2><p>Loam.</p>', 'draft', 'ai', ?, ?) RETURNING id`,
        fx.owner.accountId,
        fx.siteId,
        fx.sectorId,
        `Article ${++seq}`,
        Date.now(),
        Date.now(),
      );
      ids.push(row!.id);
    }
    return ids;
  }

  function madeRun(config: Record<string, unknown>, contentIds: number[]) {
    const run = runOf(fx, { publish_window: { max_per_day: 2, min_spacing_minutes: 120 }, ...config });
    run.stages[3] = { ...emptyStage('content'), status: 'completed', output_ids: contentIds };
    return run;
  }

  const statusOf = async (ids: number[]) =>
    (
      await rows<{ id: number; status: string; publish_at: number | null }>(
        fx,
        `SELECT id, status, publish_at FROM content WHERE id IN (${ids.join(',')}) ORDER BY id`,
      )
    ).map((r) => ({ status: r.status, publish_at: r.publish_at }));

  it('draft mode leaves the articles as drafts', async () => {
    const ids = await drafts(2);
    const run = madeRun({ publish_mode: 'draft' }, ids);
    expect((await drive(fx, run, 'publish', jobsPort(fx))).kind).toBe('done');
    expect((await statusOf(ids)).map((r) => r.status)).toEqual(['draft', 'draft']);
  });

  it('review mode holds the run with the articles in review; approve schedules them in the window', async () => {
    const ids = await drafts(3);
    const run = madeRun({ publish_mode: 'review' }, ids);
    const jobs = jobsPort(fx);
    const monday = nextMonday8();
    const held = await drive(fx, run, 'publish', jobs, monday.at(8));
    expect(held.kind).toBe('hold');
    expect((await statusOf(ids)).map((r) => r.status)).toEqual(['review', 'review', 'review']);
    // Stepped again (a restart) it still holds, changing nothing.
    expect((await STAGES.publish.step(ctxOf(fx, run, 'publish', jobs, monday.at(8)))).kind).toBe('hold');

    const first = await approveArticles(env as unknown as Env, fx.tenant, run, [ids[0]!, ids[1]!], monday.at(8));
    expect(first.scheduled.map((s) => s.publish_at)).toEqual([monday.at(9), monday.at(11)]);
    expect(first.still_in_review).toEqual([ids[2]]);
    expect((await STAGES.publish.step(ctxOf(fx, run, 'publish', jobs, monday.at(8)))).kind).toBe('hold');

    // Two a day: the third goes out on Tuesday at the window's start.
    const second = await approveArticles(env as unknown as Env, fx.tenant, run, undefined, monday.at(8));
    expect(second.scheduled).toEqual([{ content_id: ids[2], publish_at: monday.at(9, 0, 1) }]);
    const done = await STAGES.publish.step(ctxOf(fx, run, 'publish', jobs, monday.at(8)));
    expect(done.kind).toBe('done');
    expect((done as { state: AutomationStageState }).state.output_ids).toEqual(ids);
    expect((await statusOf(ids)).map((r) => r.status)).toEqual(['scheduled', 'scheduled', 'scheduled']);
  });

  it('auto mode schedules at once in the slots; below min_optimizer_score stays in review with a note', async () => {
    const ids = await drafts(3);
    for (const [id, score] of [
      [ids[0], 90],
      [ids[1], 40],
      [ids[2], 75],
    ] as const) {
      await fx.db
        .prepare(
          `INSERT INTO content_scores (account_id, site_id, content_id, score, band, scorer_version, words,
                                       categories, issues, scored_at)
           VALUES (?, ?, ?, ?, 'high', 1, 100, '{}', '[]', ?)
           ON CONFLICT DO UPDATE SET score = excluded.score`,
        )
        .bind(fx.owner.accountId, fx.siteId, id, score, Date.now())
        .run();
    }
    // Another week, so the review test's schedules don't share these days.
    const monday = nextMonday8();
    const now = monday.at(8, 0, 7);
    const run = madeRun({ publish_mode: 'auto', min_optimizer_score: 70 }, ids);
    const step = await drive(fx, run, 'publish', jobsPort(fx), now);
    expect(step.kind).toBe('done');
    const state = (step as { state: AutomationStageState }).state;
    expect(state.output_ids).toEqual([ids[0], ids[2]]);
    expect(state.note).toBe(`1 below optimizer score 70 stay in review: #${ids[1]} (40)`);
    expect(await statusOf(ids)).toEqual([
      { status: 'scheduled', publish_at: monday.at(9, 0, 7) },
      { status: 'review', publish_at: null },
      { status: 'scheduled', publish_at: monday.at(11, 0, 7) },
    ]);
  });
});
