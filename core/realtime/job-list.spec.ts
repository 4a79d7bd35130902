import { describe, expect, it } from 'vitest';
import type { JobView } from '../ai/jobs';
import { applySnapshot, canCancel, canRetry, justFinished, MAX_JOBS, mergeJob } from './job-list';

function job(id: string, patch: Partial<JobView> = {}): JobView {
  return {
    id,
    site_id: 1,
    function: 'auto_cluster',
    status: 'running',
    phase: 'AI_CALL',
    progress: 40,
    message: '',
    credits_reserved: 1,
    credits_charged: null,
    batches_total: 1,
    batches_done: 0,
    error: null,
    result: null,
    created_by: { id: 1, name: 'Owner' },
    retry_of: null,
    created_at: 1000,
    updated_at: 1000,
    finished_at: null,
    ...patch,
  };
}

describe('mergeJob', () => {
  it('adds a new job, newest first', () => {
    const list = mergeJob([job('a', { created_at: 1 })], job('b', { created_at: 2 }));
    expect(list.map((j) => j.id)).toEqual(['b', 'a']);
  });

  it('replaces a job with a newer version and ignores an older one', () => {
    const list = [job('a', { progress: 40, updated_at: 10 })];
    expect(mergeJob(list, job('a', { progress: 60, updated_at: 11 }))[0]!.progress).toBe(60);
    const stale = mergeJob(list, job('a', { progress: 10, updated_at: 9 }));
    expect(stale).toBe(list);
  });

  it('keeps at most MAX_JOBS', () => {
    let list: JobView[] = [];
    for (let i = 0; i < MAX_JOBS + 5; i++) list = mergeJob(list, job(`j${i}`, { created_at: i }));
    expect(list).toHaveLength(MAX_JOBS);
    expect(list[0]!.id).toBe(`j${MAX_JOBS + 4}`);
  });
});

describe('applySnapshot', () => {
  it('takes the snapshot, but keeps newer local versions and active jobs it does not list yet', () => {
    const local = [
      job('newer', { updated_at: 20, progress: 90 }),
      job('adopted', { status: 'queued' }),
      job('old-done', { status: 'succeeded' }),
    ];
    const snapshot = [job('newer', { updated_at: 10, progress: 50 }), job('other', { created_at: 500 })];
    const list = applySnapshot(local, snapshot);
    expect(list.map((j) => j.id).sort()).toEqual(['adopted', 'newer', 'other']);
    expect(list.find((j) => j.id === 'newer')!.progress).toBe(90);
  });
});

describe('job state', () => {
  it('finishes once: active → terminal, not terminal → terminal or unknown → terminal', () => {
    expect(justFinished(job('a'), job('a', { status: 'succeeded' }))).toBe(true);
    expect(justFinished(job('a', { status: 'succeeded' }), job('a', { status: 'succeeded' }))).toBe(false);
    expect(justFinished(undefined, job('a', { status: 'failed' }))).toBe(false);
  });

  it('cancels what has not started saving; retries what failed or was cancelled', () => {
    expect(['reserving', 'queued', 'running'].every((s) => canCancel(s as JobView['status']))).toBe(true);
    expect(canCancel('saving')).toBe(false);
    expect(canRetry('failed') && canRetry('cancelled') && !canRetry('succeeded')).toBe(true);
  });
});
