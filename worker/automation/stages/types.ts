/**
 * The stage contract (issue 13, spec13.md "Stage contract"): the runner (worker/automation/run-hooks.ts)
 * calls one stage's `step` at a time with the run's persisted state; each stage enqueues the same AI jobs
 * users run (as the system bot) or does its local work, and reports what it did. `step` is idempotent:
 * a restart calls it again with the persisted state, and recorded job ids are looked up, never enqueued again.
 */
import type { JobView } from '../../../core/ai/jobs';
import type { AutomationStageState } from '../../../core/automation/run';
import type { AiFunction, AutomationRunStatus, AutomationStage, RunSource } from '../../../core/domain/enums';
import type { RuleConfig } from '../../../core/validation/automation';
import type { EnqueueResult } from '../../../durable-objects/site-coordinator/engine/protocol';
import type { Tenant } from '../../db/tenant';
import type { Env } from '../../env';

/** What started the run beyond the rule (an event's payload). */
export interface RunTriggerPayload {
  keyword_ids?: number[];
  content_ids?: number[];
}

/** An automation_runs row, parsed, with the two rule fields the stages need (sector and zone). */
export interface RunRecord {
  id: string;
  account_id: number;
  site_id: number;
  rule_id: number;
  /** The rule's sector (null: the whole site). */
  sector_id: number | null;
  /** The rule's IANA zone: day caps and the publish window are counted in it. */
  timezone: string;
  scheduled_task_id: number | null;
  source: RunSource;
  dry_run: boolean;
  status: AutomationRunStatus;
  current_stage: number;
  stages: AutomationStageState[];
  config: RuleConfig;
  trigger_payload: RunTriggerPayload | null;
  credits_estimate: number;
  credits_used: number;
  version: number;
  started_at: number | null;
  created_at: number;
}

export interface StageJobs {
  /** `key` is the deterministic job id (`auto-<run id>-<stage>-<n>`): a replay returns the same job. */
  enqueue(fn: AiFunction, input: unknown, key: string): Promise<EnqueueResult>;
  getJob(id: string): JobView | null;
}

export interface StageContext {
  env: Env;
  /** The system bot (worker/automation/actor.ts). */
  tenant: Tenant;
  run: RunRecord;
  config: RuleConfig;
  /** This stage's state so far. */
  stage: AutomationStageState;
  /** The stage before (its output_ids are this one's input); null for the first stage. */
  previous: AutomationStageState | null;
  now: number;
  jobs: StageJobs;
}

export type StageStep =
  /** Jobs still running: look again later. */
  | { kind: 'wait' }
  /** Stage finished (completed, or skipped with a note). */
  | { kind: 'done'; state: AutomationStageState }
  /** Jobs enqueued (job_ids recorded), counts so far. */
  | { kind: 'started'; state: AutomationStageState }
  /** Review gate: the run waits for approve/. */
  | { kind: 'hold'; state: AutomationStageState }
  | { kind: 'failed'; state: AutomationStageState; error: string };

export interface Stage {
  name: AutomationStage;
  step(ctx: StageContext): Promise<StageStep>;
}
