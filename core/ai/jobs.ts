/**
 * AI jobs as clients see them (API, WebSocket events, the progress panel). The SiteCoordinator
 * Durable Object owns the jobs; these are the shapes it reports.
 */
import type { AiFunction } from '../domain/enums';

export const JOB_STATUSES = ['reserving', 'queued', 'running', 'saving', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const TERMINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];

/** The seed's six phases and the share of the progress bar each one owns. */
export const PHASES = {
  INIT: [0, 10],
  PREP: [10, 25],
  AI_CALL: [25, 70],
  PARSE: [70, 85],
  SAVE: [85, 98],
  DONE: [98, 100],
} as const satisfies Record<string, readonly [number, number]>;
export type Phase = keyof typeof PHASES;

/** Progress inside a phase (fraction 0..1) as a whole percentage of the job. */
export function progressOf(phase: Phase, fraction = 0): number {
  const [from, to] = PHASES[phase];
  return Math.round(from + (to - from) * Math.min(1, Math.max(0, fraction)));
}

export interface JobView {
  id: string;
  site_id: number;
  function: AiFunction;
  status: JobStatus;
  phase: Phase;
  progress: number;
  message: string;
  credits_reserved: number;
  credits_charged: number | null;
  batches_total: number;
  batches_done: number;
  error: string | null;
  result: Record<string, unknown> | null;
  created_by: { id: number; name: string };
  retry_of: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
}
