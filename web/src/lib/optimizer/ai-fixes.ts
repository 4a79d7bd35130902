/**
 * The Optimizer's AI fixes as the web starts them (issue 11, scope item 4): the price before the
 * click (`GET /optimizer/optimize/quote`), one job for a selection (`POST /optimizer/optimize`) and
 * following that job. What the fixes and their outcomes read like is ./fix-text.ts.
 */
import type { JobView } from '$core/ai/jobs';
import { isActive } from '$core/realtime/job-list';
import { OPTIMIZE_ACTIONS, type OptimizeAction } from '$core/validation/optimizer';
import { api, data, param, type Query, read } from '$lib/api/client';
import { startAiJob } from '$lib/realtime/start-job';

export type Quote = Awaited<ReturnType<typeof fetchQuote>>;
export type QuoteLine = Quote['actions'][number];

/** The price of `actions` on one article, whether each has anything to fix now, and the balance. */
export function fetchQuote(contentId: number, actions: readonly OptimizeAction[] = OPTIMIZE_ACTIONS) {
  const query = { content_id: param(contentId), actions: actions.join(',') };
  return data(api.api.v1.optimizer.optimize.quote.$get({ query }));
}

/** What the fixes reach: articles checked by hand, or all those the Optimizer's list shows for a filter. */
export type FixTarget = { content_ids: number[] } | { filter: Query; expected_count: number };

/** Starts one job for the articles and fixes; the job goes straight into the live job list. */
export async function startFixes(target: FixTarget, actions: OptimizeAction[]): Promise<JobView> {
  let job: JobView | null = null;
  await startAiJob(async () => {
    const json = { ...target, actions } as Parameters<typeof api.api.v1.optimizer.optimize.$post>[0]['json'];
    const res = await read(api.api.v1.optimizer.optimize.$post({ json }));
    job = res.data.job;
    return res;
  }, '');
  return job!;
}

const POLL_MS = 1500;

/**
 * Follows a job by polling, for when the live channel is on another site than the job's (an
 * article opened from a link while the header shows another site). Stops when it ends or on `stop()`.
 */
export function pollJob(jobId: string, onJob: (job: JobView) => void): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const route = api.api.v1.system.settings.task_progress[':taskId'];
  const tick = async () => {
    try {
      const { job } = await data(route.$get({ param: { taskId: param(jobId) } }));
      if (stopped) return;
      onJob(job);
      if (!isActive(job.status)) return;
    } catch {
      if (stopped) return; // a missed poll is retried: the job keeps running on the server
    }
    timer = setTimeout(tick, POLL_MS);
  };
  timer = setTimeout(tick, POLL_MS);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
