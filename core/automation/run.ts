/**
 * An automation run as the API and the web see it, and the persisted shape of each stage
 * (automation_runs.stages, version 1). The worker (worker/automation) writes it; the web reads it.
 */
import {
  AUTOMATION_STAGES,
  type AutomationRunStatus,
  type AutomationStage,
  type AutomationStageStatus,
  type RunSource,
} from '../domain/enums';

/** Persisted-format version of a stage state: a reader meeting another version shows the run read-only. */
export const STAGE_STATE_VERSION = 1;

export interface AutomationStageState {
  v: typeof STAGE_STATE_VERSION;
  stage: AutomationStage;
  status: AutomationStageStatus;
  /** Items the stage took in (keywords, clusters, ideas, tasks, articles, image rows, articles). */
  input_count: number;
  /** Items it made (clusters, ideas, tasks, articles, image prompts, images, publishes scheduled). */
  output_count: number;
  /** Ids of the items it took in, so a resumed or restarted run does not pick them again. */
  input_ids: number[];
  /** Ids of what it made: the next stage's input. */
  output_ids: number[];
  /** The coordinator jobs it started (AI stages); a restart looks them up instead of starting more. */
  job_ids: string[];
  credits_used: number;
  /** Why it was skipped or failed, in words ("articles_per_day reached: 6 of 6 today"). */
  note: string | null;
  started_at: number | null;
  finished_at: number | null;
}

export function emptyStage(stage: AutomationStage): AutomationStageState {
  return {
    v: STAGE_STATE_VERSION,
    stage,
    status: 'pending',
    input_count: 0,
    output_count: 0,
    input_ids: [],
    output_ids: [],
    job_ids: [],
    credits_used: 0,
    note: null,
    started_at: null,
    finished_at: null,
  };
}

/** A new run's stages: the rule's stages pending, the others skipped. */
export function initialStages(enabled: readonly AutomationStage[]): AutomationStageState[] {
  return AUTOMATION_STAGES.map((stage) => ({
    ...emptyStage(stage),
    status: enabled.includes(stage) ? 'pending' : 'skipped',
  }));
}

/** What a run can still become: a terminal run never changes again. */
export const TERMINAL_RUN_STATUSES: readonly AutomationRunStatus[] = ['completed', 'failed', 'cancelled'];

/** A run as the API returns it (GET /automation/runs/{id}/). */
export interface AutomationRunView {
  id: string;
  site_id: number;
  rule_id: number;
  rule_name: string;
  scheduled_task_id: number | null;
  source: RunSource;
  dry_run: boolean;
  status: AutomationRunStatus;
  current_stage: number;
  stages: AutomationStageState[];
  credits_estimate: number;
  credits_used: number;
  error: string | null;
  /** A message of the run that reached the dead-letter queue; `retry/` sends it again. */
  dead_letter: { type: string; failed_at: number; error: string } | null;
  /** Articles held by the review gate (content ids still in review). */
  awaiting_review_ids: number[];
  version: number;
  started_at: number | null;
  finished_at: number | null;
  created_at: number;
  updated_at: number;
}

/** Short labels for the seven stages, shared by the run page and the notes. */
export const STAGE_LABELS: Record<AutomationStage, string> = {
  clustering: 'Keywords → clusters',
  ideas: 'Clusters → ideas',
  tasks: 'Ideas → tasks',
  content: 'Tasks → articles',
  image_prompts: 'Articles → image prompts',
  images: 'Prompts → images',
  publish: 'Review → publish',
};
