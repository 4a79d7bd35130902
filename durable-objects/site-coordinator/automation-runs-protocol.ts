import type { JobView } from '../../core/ai/jobs';
import type { AutomationRunView } from '../../core/automation/run';
import type { EnqueueResult, EnqueueSpec } from './engine/protocol';

/**
 * What the Worker may ask a site's coordinator about automation runs (RPC), beside the job engine's
 * methods (engine/protocol.ts) and scheduled publishing (scheduled-publish-protocol.ts). The
 * SiteCoordinator class implements it; the Worker reaches it through automation-runs-client.ts.
 */
export interface AutomationRunsRpc {
  /** Starts driving a run (or looks at it again at once): idempotent, a redelivered message is a no-op. */
  driveRun(spec: AutomationRunSpec): Promise<void>;
  /** The run changed outside the coordinator (paused, resumed, cancelled, approved): look at it now. */
  pokeRun(runId: string): Promise<boolean>;
}

/** Names a run: where its row lives (automation_runs, shard D1) and whose coordinator drives it. */
export interface AutomationRunSpec {
  run_id: string;
  account_id: number;
  shard: string;
  site_id: number;
}

/** The job methods a run is driven with: the coordinator's own engine (calls within the object). */
export interface RunJobs {
  enqueue(spec: EnqueueSpec): Promise<EnqueueResult>;
  getJob(id: string): JobView | null;
  cancel(id: string): Promise<JobView | null>;
}

/**
 * One step of driving, as the runner (worker/automation/run-hooks.ts) reports it: `run` when the run
 * changed (members are told), `done` when the coordinator can forget it (terminal or gone), else when
 * to look again (`wake_at`; null: only when poked).
 */
export interface AdvanceResult {
  run: AutomationRunView | null;
  done: boolean;
  wake_at: number | null;
}
