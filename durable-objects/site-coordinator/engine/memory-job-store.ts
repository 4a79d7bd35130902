import { isSettled, type BatchRecord, type JobExpectation, type JobRecord, type JobStore } from './job-store';

const clone = <T>(value: T): T => structuredClone(value);

/**
 * The JobStore in memory: the same contract as the Durable Object's SQLite store, for engine tests
 * that force interleavings step by step. Values are cloned in and out, as a real store would
 * serialize them, so a caller can never mutate stored state through a reference it kept.
 */
export class MemoryJobStore implements JobStore {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly batches = new Map<string, BatchRecord[]>();

  insertJob(job: JobRecord): boolean {
    if (this.jobs.has(job.id)) return false;
    this.jobs.set(job.id, clone(job));
    return true;
  }

  getJob(id: string): JobRecord | null {
    const job = this.jobs.get(id);
    return job ? clone(job) : null;
  }

  updateJob(id: string, patch: Partial<JobRecord>): void {
    const job = this.jobs.get(id);
    if (job) this.jobs.set(id, { ...job, ...clone(patch), updated_at: patch.updated_at ?? Date.now() });
  }

  transition(id: string, expect: JobExpectation, patch: Partial<JobRecord>): boolean {
    const job = this.jobs.get(id);
    if (!job || job.version !== expect.version || !expect.status.includes(job.status)) return false;
    this.updateJob(id, patch);
    return true;
  }

  listJobs(limit: number): JobRecord[] {
    return this.sorted((a, b) => b.created_at - a.created_at || a.id.localeCompare(b.id)).slice(0, limit);
  }

  jobsInStatus(status: JobRecord['status'], now: number): JobRecord[] {
    return this.sorted((a, b) => a.created_at - b.created_at || a.id.localeCompare(b.id)).filter(
      (j) => j.status === status && j.next_run_at <= now,
    );
  }

  putBatches(batches: BatchRecord[]): void {
    for (const b of batches) {
      const list = (this.batches.get(b.job_id) ?? []).filter((x) => x.idx !== b.idx);
      list.push(clone(b));
      list.sort((x, y) => x.idx - y.idx);
      this.batches.set(b.job_id, list);
    }
  }

  batchesOf(jobId: string): BatchRecord[] {
    return clone(this.batches.get(jobId) ?? []);
  }

  updateBatch(jobId: string, idx: number, patch: Partial<BatchRecord>): void {
    const list = this.batches.get(jobId);
    const i = list?.findIndex((b) => b.idx === idx) ?? -1;
    if (list && i >= 0) list[i] = { ...list[i]!, ...clone(patch) };
  }

  pendingBatches(now: number): BatchRecord[] {
    return this.jobsInStatus('running', Number.MAX_SAFE_INTEGER).flatMap((job) =>
      this.batchesOf(job.id).filter((b) => b.status === 'pending' && b.next_run_at <= now),
    );
  }

  nextWakeAt(): number | null {
    const times: number[] = [];
    for (const job of this.jobs.values()) {
      if (
        ['reserving', 'queued', 'saving'].includes(job.status) ||
        (['failed', 'cancelled'].includes(job.status) && job.settled === 0)
      ) {
        times.push(job.next_run_at);
      }
      if (job.status === 'running') {
        for (const b of this.batches.get(job.id) ?? []) if (b.status === 'pending') times.push(b.next_run_at);
      }
    }
    return times.length ? Math.min(...times) : null;
  }

  unsettledJobs(now: number): JobRecord[] {
    return [...this.jobs.values()]
      .filter((j) => (j.status === 'failed' || j.status === 'cancelled') && j.settled === 0 && j.next_run_at <= now)
      .map(clone);
  }

  prune(keep: number): void {
    const newest = new Set(this.listJobs(keep).map((j) => j.id));
    for (const job of [...this.jobs.values()]) {
      if (!isSettled(job)) continue;
      this.batches.delete(job.id);
      if (!newest.has(job.id)) this.jobs.delete(job.id);
    }
  }

  private sorted(compare: (a: JobRecord, b: JobRecord) => number): JobRecord[] {
    return [...this.jobs.values()].sort(compare).map(clone);
  }
}
