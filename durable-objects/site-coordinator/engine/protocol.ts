import type { JobView } from '../../../core/ai/jobs';
import type { AiFunction } from '../../../core/domain/enums';
import type { DataEntity } from '../../../core/realtime/events';

/**
 * What the Worker may ask a site's coordinator (RPC), and the shapes that cross the boundary.
 * The SiteCoordinator class implements this interface; the Worker talks to it through client.ts.
 * Messages on the live socket are CoordinatorEvent / ClientMessage (core/realtime/events.ts).
 */
export interface SiteCoordinatorRpc {
  enqueue(spec: EnqueueSpec): Promise<EnqueueResult>;
  cancel(jobId: string, byName: string): Promise<JobView | null>;
  getJob(jobId: string): JobView | null;
  listJobs(limit?: number): JobView[];
  /** The periodic sweep of stale credit holds (worker/billing/sweep-holds.ts). */
  sweepHolds(holds: HoldRef[]): Promise<SweepCounts>;
  /** Tells connected members that data changed outside a job (imports, manual edits). */
  notifyDataChanged(entities: DataEntity[]): void;
}

/** A job handed to the coordinator: its id is the idempotency key (a replay returns the same job). */
export interface EnqueueSpec {
  id: string;
  account_id: number;
  shard: string;
  site_id: number;
  user_id: number;
  user_name: string;
  function: AiFunction;
  input: unknown;
  retry_of?: string | null;
}

export type EnqueueResult =
  | { ok: true; job: JobView; replayed: boolean }
  | { ok: false; code: 'insufficient_credits'; needed: number; available: number; message: string }
  | { ok: false; code: 'invalid_input'; message: string };

/** A credit hold the ledger still shows as open, named by the job that took it. */
export interface HoldRef {
  job_id: string;
  account_id: number;
  shard: string;
}

export interface SweepCounts {
  kept: number;
  settled: number;
  released: number;
}

/** One coordinator per site, named by account and site so accounts never share one. */
export const coordinatorName = (accountId: number, siteId: number) => `${accountId}:${siteId}`;
