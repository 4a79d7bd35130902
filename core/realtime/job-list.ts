/**
 * The live job list as pure functions (the web app's site channel keeps the state): merging the
 * `snapshot` sent on connect with `job` events and with jobs a page itself just started (the POST
 * reply), so whichever arrives first, the newest version of each job wins.
 */
import { TERMINAL_STATUSES, type JobStatus, type JobView } from '../ai/jobs';

/** The coordinator's snapshot holds its newest 50 jobs; we keep as many. */
export const MAX_JOBS = 50;

export const isActive = (status: JobStatus) => !TERMINAL_STATUSES.includes(status);
/** The engine refuses to cancel a job that is already saving its results (they are committed). */
export const canCancel = (status: JobStatus) => status === 'reserving' || status === 'queued' || status === 'running';
export const canRetry = (status: JobStatus) => status === 'failed' || status === 'cancelled';

const newestFirst = (a: JobView, b: JobView) => b.created_at - a.created_at || b.id.localeCompare(a.id);

/** The list with `job` added or updated; an older version than the one we have is ignored. */
export function mergeJob(list: readonly JobView[], job: JobView): JobView[] {
  const current = list.find((j) => j.id === job.id);
  if (current && current.updated_at > job.updated_at) return list as JobView[];
  const next = current ? list.map((j) => (j.id === job.id ? job : j)) : [job, ...list];
  return next.sort(newestFirst).slice(0, MAX_JOBS);
}

/**
 * A fresh snapshot replaces the list, except where we already hold a newer version of a job
 * (an event that overtook the snapshot) or an active job the snapshot doesn't list yet.
 */
export function applySnapshot(list: readonly JobView[], snapshot: readonly JobView[]): JobView[] {
  const byId = new Map(snapshot.map((j) => [j.id, j]));
  for (const local of list) {
    const remote = byId.get(local.id);
    if (remote ? local.updated_at > remote.updated_at : isActive(local.status)) byId.set(local.id, local);
  }
  return [...byId.values()].sort(newestFirst).slice(0, MAX_JOBS);
}

/** True when this update is the moment a job ended (so it is announced once, not on every frame). */
export function justFinished(previous: JobView | undefined, next: JobView): boolean {
  return previous !== undefined && isActive(previous.status) && !isActive(next.status);
}
