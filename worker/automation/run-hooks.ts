import { and, eq, sql } from 'drizzle-orm';
import { TERMINAL_STATUSES } from '../../core/ai/jobs';
import type { AutomationStageState } from '../../core/automation/run';
import { AUTOMATION_STAGES } from '../../core/domain/enums';
import { scheduledTasks } from '../../core/schema/shard';
import type { AutomationRunHooks } from '../../durable-objects/site-coordinator/automation-runs';
import type {
  AdvanceResult,
  AutomationRunSpec,
  RunJobs,
} from '../../durable-objects/site-coordinator/automation-runs-protocol';
import { isShardName, type ShardDb, shardDb } from '../db/shards';
import type { Tenant } from '../db/tenant';
import type { Env } from '../env';
import { AccountInactive, SYSTEM_BOT, systemBotTenant } from './actor';
import { affordability } from './dispatch';
import {
  configOf,
  isTerminal,
  loadRun,
  type RunPatch,
  type RunRow,
  recordOf,
  stagesOf,
  updateRun,
  viewOf,
} from './runs-service';
import { STAGES } from './stages';
import type { StageJobs } from './stages/types';

/**
 * The runner the site's coordinator drives a run with (durable-objects/site-coordinator/automation-runs.ts):
 * each advance reloads the run from D1, steps its current stage (engineer C's stages), persists what the
 * step reports with a version compare-and-set, and says when to look again. A run that is paused is
 * left alone (its running jobs finish; nothing new starts) until resume/ pokes it; a run held at the
 * review gate is looked at now and then (articles approved elsewhere end it too). Losing a compare-and-set
 * to the API (pause, cancel) means: reload and decide again; a cancelled run's jobs are cancelled here
 * too, including any the lost step had just started (its ids are in the state it tried to write).
 */
const POLL_JOBS_MS = 1_000;
const POLL_REVIEW_MS = 10 * 60_000;
/** Stages stepped in one advance at most (a run whose stages have nothing to do finishes in one). */
const STEPS_PER_ADVANCE = AUTOMATION_STAGES.length + 1;

export function automationRunHooks(env: Env): AutomationRunHooks {
  return {
    advance: (spec, jobs) => advance(env, spec, jobs),
    giveUp: async (spec, error) => {
      if (!isShardName(spec.shard)) return null;
      const db = shardDb(env, spec.shard);
      const found = await loadRun(db, spec.account_id, spec.run_id);
      if (!found || isTerminal(found.run.status)) return null;
      const run = await finish(db, found.run, { status: 'failed', error });
      return run ? viewOf(db, run, found.rule.rule_name) : null;
    },
  };
}

export async function advance(env: Env, spec: AutomationRunSpec, jobs: RunJobs): Promise<AdvanceResult> {
  if (!isShardName(spec.shard)) return { run: null, done: true, wake_at: null };
  const db = shardDb(env, spec.shard);
  let found = await loadRun(db, spec.account_id, spec.run_id);
  if (!found) return { run: null, done: true, wake_at: null };
  let changed = false;
  const result = async (done: boolean, wake_at: number | null): Promise<AdvanceResult> => ({
    run: changed && found ? await viewOf(db, found.run, found.rule.rule_name) : null,
    done,
    wake_at,
  });
  /** Writes a patch; false when the API changed the run first (`found` is then reloaded). */
  const write = async (patch: RunPatch, attempted?: AutomationStageState) => {
    const next = await updateRun(db, found!.run, patch);
    if (next) {
      found = { ...found!, run: next };
      changed = true;
      return true;
    }
    found = await loadRun(db, spec.account_id, spec.run_id);
    changed = true;
    if (found?.run.status === 'cancelled' && attempted) await cancelJobs(jobs, attempted.job_ids);
    return false;
  };

  for (let steps = 0; steps < STEPS_PER_ADVANCE; steps++) {
    if (!found) return { run: null, done: true, wake_at: null };
    const { run } = found;
    if (isTerminal(run.status)) {
      if (run.status === 'cancelled')
        await cancelJobs(
          jobs,
          stagesOf(run).flatMap((s) => s.job_ids),
        );
      await settleTask(db, run);
      return result(true, null);
    }
    if (run.status === 'paused') return result(false, null);
    let tenant: Tenant;
    try {
      tenant = await systemBotTenant(env, run.account_id);
    } catch (err) {
      if (!(err instanceof AccountInactive)) throw err;
      await write(endPatch(run, { status: 'failed', error: err.message }));
      continue;
    }
    if (run.status === 'queued') {
      await write(await startPatch(db, run, found.rule));
      continue;
    }
    const stages = stagesOf(run);
    const at = firstOpenStage(stages, run.current_stage);
    if (at >= stages.length) {
      await write(endPatch(run, { status: 'completed', stages, current_stage: stages.length }));
      continue;
    }
    const stage = stages[at]!;
    const step = await STAGES[stage.stage].step({
      env,
      tenant,
      run: { ...recordOf(run, found.rule), stages, current_stage: at },
      config: configOf(run),
      stage,
      previous: at > 0 ? stages[at - 1]! : null,
      now: Date.now(),
      jobs: stageJobs(spec, jobs),
    });
    if (step.kind === 'wait') return result(false, Date.now() + POLL_JOBS_MS);
    const nextStages = stages.map((s, i) => (i === at ? step.state : s));
    const credits_used = nextStages.reduce((n, s) => n + s.credits_used, 0);
    const base = { stages: nextStages, credits_used, current_stage: at };
    if (step.kind === 'started') {
      if (!(await write(base, step.state))) continue;
      return result(false, Date.now() + POLL_JOBS_MS);
    }
    if (step.kind === 'hold') {
      // Still held, nothing new: no write (a held run is looked at every few minutes for days).
      const same = run.status === 'awaiting_review' && JSON.stringify(step.state) === JSON.stringify(stage);
      if (same) return result(false, Date.now() + POLL_REVIEW_MS);
      if (!(await write({ ...base, status: 'awaiting_review' }, step.state))) continue;
      return result(false, Date.now() + POLL_REVIEW_MS);
    }
    if (step.kind === 'failed') {
      const failedStages = nextStages.map((s, i) => (i === at ? { ...s, status: 'failed' as const } : s));
      await write(endPatch(run, { ...base, stages: failedStages, status: 'failed', error: step.error }));
      continue;
    }
    // done: the next stage runs at once (a held run that is done here leaves the review gate).
    await write({ ...base, current_stage: at + 1, status: 'running' }, step.state);
  }
  return result(false, Date.now());
}

/** The index of the first stage still to run, from `from` (skipped and completed stages are passed). */
function firstOpenStage(stages: AutomationStageState[], from: number) {
  let at = Math.max(0, from);
  while (at < stages.length && (stages[at]!.status === 'skipped' || stages[at]!.status === 'completed')) at++;
  return at;
}

/** The stages' job handle: the system bot's jobs on this site, under the stage's deterministic ids. */
function stageJobs(spec: AutomationRunSpec, jobs: RunJobs): StageJobs {
  return {
    enqueue: (fn, input, key) =>
      jobs.enqueue({
        id: key,
        account_id: spec.account_id,
        shard: spec.shard,
        site_id: spec.site_id,
        user_id: SYSTEM_BOT.id,
        user_name: SYSTEM_BOT.name,
        function: fn,
        input,
      }),
    getJob: (id) => jobs.getJob(id),
  };
}

/**
 * queued → running. A run that has not started yet is checked against the balance first (the same
 * check run_now makes before it answers): one that can't be covered fails with the message naming
 * the cap to lower. A retried run (from the dead-letter queue) keeps its stages and goes on.
 */
async function startPatch(db: ShardDb, run: RunRow, rule: { sector_id: number | null; timezone: string }) {
  const now = Date.now();
  const stages = stagesOf(run);
  if (run.started_at !== null) return { status: 'running', stages, error: null } satisfies RunPatch;
  const config = configOf(run);
  const payload = (run.trigger_payload ?? null) as Parameters<typeof affordability>[3];
  const scope = { id: run.rule_id, account_id: run.account_id, site_id: run.site_id, ...rule };
  const { estimate, shortfall } = await affordability(db, scope, config, payload);
  if (shortfall) return endPatch(run, { status: 'failed', stages, error: shortfall, credits_estimate: estimate.total });
  await db
    .update(scheduledTasks)
    .set({ status: 'running', executed_at: new Date(now), updated_at: new Date(now) })
    .where(and(eq(scheduledTasks.account_id, run.account_id), eq(scheduledTasks.id, run.scheduled_task_id ?? -1)));
  return { status: 'running', stages, started_at: now, credits_estimate: estimate.total } satisfies RunPatch;
}

function endPatch(run: RunRow, patch: RunPatch & Pick<RunPatch, 'status'>): RunPatch {
  return { finished_at: Date.now(), started_at: run.started_at?.getTime() ?? Date.now(), ...patch };
}

async function finish(db: ShardDb, run: RunRow, patch: RunPatch & Pick<RunPatch, 'status'>) {
  const next = await updateRun(db, run, endPatch(run, patch));
  if (next) await settleTask(db, next);
  return next;
}

/** The start's history row ends as its run did. */
async function settleTask(db: ShardDb, run: RunRow) {
  const status = run.status === 'completed' ? 'completed' : run.status === 'cancelled' ? 'cancelled' : 'failed';
  await db.run(sql`
    UPDATE scheduled_tasks
    SET status = ${status}, error_message = ${run.error}, updated_at = ${Date.now()},
        result = ${JSON.stringify({ run_status: run.status, credits_used: run.credits_used })}
    WHERE account_id = ${run.account_id} AND id = ${run.scheduled_task_id ?? -1} AND status != ${status}`);
}

/** Cancels the jobs that have not ended (the engine releases their holds). */
async function cancelJobs(jobs: RunJobs, ids: string[]) {
  for (const id of ids) {
    const job = jobs.getJob(id);
    if (job && !TERMINAL_STATUSES.includes(job.status)) await jobs.cancel(id);
  }
}
