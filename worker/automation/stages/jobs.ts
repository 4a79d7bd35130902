/**
 * What every AI stage does with its coordinator jobs: enqueue them under deterministic ids (a restart
 * that enqueues again gets the same jobs back: the id is the coordinator's idempotency key), look
 * them up until all have ended, and add up what they charged.
 */
import { TERMINAL_STATUSES, type JobView } from '../../../core/ai/jobs';
import type { AutomationStageState } from '../../../core/automation/run';
import type { AiFunction, AutomationStage } from '../../../core/domain/enums';
import type { StageContext, StageStep } from './types';

/**
 * `auto-<run id>-<stage>-<n>`: the same run, stage and batch always name the same job. The stage is
 * hyphenated (image-prompts) because job ids in URLs are `[A-Za-z0-9-]` (worker/jobs/jobs-routes.ts).
 */
export const stageJobId = (runId: string, stage: AutomationStage, n: number) =>
  `auto-${runId}-${stage.replaceAll('_', '-')}-${n}`;

export function chunkIds<T>(items: readonly T[], size: number): T[][] {
  const parts: T[][] = [];
  for (let at = 0; at < items.length; at += size) parts.push(items.slice(at, at + size));
  return parts;
}

export interface Enqueued {
  job_ids: string[];
  /** Why some batches were not started (the coordinator refused them: credits, input), in words. */
  refused: string[];
}

/**
 * An AI stage starts in two steps, each persisted by the runner before the next: the first records
 * what the stage takes in (input_ids, and why caps cut it), the second enqueues the jobs from that
 * record. A restart between the two, or in the middle of the second, enqueues the same batches under
 * the same ids, never a different selection (after a crash, the items of a job already started are
 * no longer "to do", so picking again would shift every later batch).
 */
export function recordInput(ctx: StageContext, ids: number[], note: string | null): StageStep {
  if (!ids.length) return { kind: 'done', state: finishedState(ctx, { note: note ?? ctx.stage.note }) };
  return {
    kind: 'started',
    state: advanceState(ctx, { status: 'running', input_ids: ids, input_count: ids.length, note }),
  };
}

/** The second step: the recorded input's jobs (all refused: the stage ends with the refusal as its note). */
export async function enqueueRecorded(ctx: StageContext, fn: AiFunction, inputs: unknown[]): Promise<StageStep> {
  const { job_ids, refused } = await enqueueBatches(ctx, fn, inputs);
  const state = advanceState(ctx, { status: 'running', job_ids, note: joinNotes(ctx.stage.note, refused[0]) });
  if (!job_ids.length) return { kind: 'done', state: { ...state, status: 'completed', finished_at: ctx.now } };
  return { kind: 'started', state };
}

/** Enqueues one job per input, in order; a refused batch is noted, not thrown (later stages go on). */
export async function enqueueBatches(ctx: StageContext, fn: AiFunction, inputs: unknown[]): Promise<Enqueued> {
  const job_ids: string[] = [];
  const refused: string[] = [];
  for (const [n, input] of inputs.entries()) {
    const id = stageJobId(ctx.run.id, ctx.stage.stage, n);
    const result = await ctx.jobs.enqueue(fn, input, id);
    if (result.ok) job_ids.push(result.job.id);
    else refused.push(result.message);
  }
  return { job_ids, refused };
}

export interface JobsOutcome {
  /** Some job has not ended yet. */
  running: boolean;
  jobs: JobView[];
  /** Recorded jobs the coordinator no longer knows (counted as failed). */
  missing: number;
  succeeded: number;
  failed: number;
  credits: number;
  errors: string[];
}

/** The recorded jobs as they are now; credits are what the ended ones charged (holds are not spent). */
export function jobsOutcome(ctx: StageContext, jobIds: readonly string[]): JobsOutcome {
  const jobs: JobView[] = [];
  let missing = 0;
  for (const id of jobIds) {
    const job = ctx.jobs.getJob(id);
    if (job) jobs.push(job);
    else missing++;
  }
  const ended = jobs.filter((j) => TERMINAL_STATUSES.includes(j.status));
  return {
    running: ended.length < jobs.length,
    jobs,
    missing,
    succeeded: ended.filter((j) => j.status === 'succeeded').length,
    failed: ended.filter((j) => j.status !== 'succeeded').length + missing,
    credits: ended.reduce((n, j) => n + (j.credits_charged ?? 0), 0),
    errors: ended.filter((j) => j.status !== 'succeeded').map((j) => j.error ?? j.message),
  };
}

/** A stage's state moved on: started now (once), with these fields changed. */
export function advanceState(ctx: StageContext, patch: Partial<AutomationStageState>): AutomationStageState {
  return { ...ctx.stage, started_at: ctx.stage.started_at ?? ctx.now, ...patch };
}

export function finishedState(ctx: StageContext, patch: Partial<AutomationStageState>): AutomationStageState {
  return advanceState(ctx, { status: 'completed', finished_at: ctx.now, ...patch });
}

/** Notes joined into one line (null when there is nothing to say). */
export const joinNotes = (...notes: (string | null | undefined | false)[]) =>
  notes.filter((n): n is string => !!n).join('; ') || null;

/**
 * The common end of an AI stage: while jobs run, wait; when all ended, the caller's `outputs` reads
 * what they made. All jobs failed (and some were started): the stage failed with the first error.
 */
export async function settleJobs(
  ctx: StageContext,
  outputs: (outcome: JobsOutcome) => Promise<{ ids: number[]; note?: string | null }>,
): Promise<
  | { kind: 'wait' }
  | { kind: 'done'; state: AutomationStageState }
  | { kind: 'failed'; state: AutomationStageState; error: string }
> {
  const outcome = jobsOutcome(ctx, ctx.stage.job_ids);
  if (outcome.running) return { kind: 'wait' };
  const made = await outputs(outcome);
  const failedNote =
    outcome.failed > 0
      ? `${outcome.failed} of ${ctx.stage.job_ids.length} jobs failed: ${outcome.errors[0] ?? 'lost'}`
      : null;
  const patch = {
    output_ids: made.ids,
    output_count: made.ids.length,
    credits_used: outcome.credits,
    note: joinNotes(ctx.stage.note, made.note, failedNote),
  };
  if (outcome.succeeded === 0 && ctx.stage.job_ids.length > 0) {
    const error = outcome.errors[0] ?? 'The stage’s jobs were lost.';
    return { kind: 'failed', state: advanceState(ctx, { ...patch, status: 'failed', finished_at: ctx.now }), error };
  }
  return { kind: 'done', state: finishedState(ctx, patch) };
}
