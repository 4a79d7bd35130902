import { describe, expect, it } from 'vitest';
import type { JobView } from '../../../core/ai/jobs';
import { emptyStage } from '../../../core/automation/run';
import { itemsWithin } from './budget';
import { chunkIds, enqueueRecorded, joinNotes, jobsOutcome, recordInput, settleJobs, stageJobId } from './jobs';
import type { StageContext } from './types';

const job = (id: string, status: JobView['status'], charged: number | null = null, error: string | null = null) =>
  ({ id, status, credits_charged: charged, error, message: status }) as JobView;

function ctxWith(jobs: JobView[], jobIds: string[]): StageContext {
  return {
    stage: { ...emptyStage('content'), status: 'running', job_ids: jobIds, started_at: 1 },
    now: 99,
    jobs: { getJob: (id: string) => jobs.find((j) => j.id === id) ?? null },
  } as unknown as StageContext;
}

describe('stage jobs', () => {
  it('names a job by run, stage and batch, so a restart asks for the same one', () => {
    expect(stageJobId('run-7-abc', 'image_prompts', 2)).toBe('auto-run-7-abc-image-prompts-2');
  });

  it('splits ids into batches of the given size, in order', () => {
    expect(chunkIds([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunkIds([], 50)).toEqual([]);
  });

  it('waits while any job runs; counts what ended jobs charged; a job the coordinator lost is a failure', () => {
    const running = jobsOutcome(ctxWith([job('a', 'succeeded', 3), job('b', 'running')], ['a', 'b']), ['a', 'b']);
    expect(running.running).toBe(true);
    const ended = jobsOutcome(
      ctxWith([job('a', 'succeeded', 3), job('b', 'failed', 0, 'bad reply')], ['a', 'b', 'c']),
      ['a', 'b', 'c'],
    );
    expect(ended).toMatchObject({ running: false, succeeded: 1, failed: 2, missing: 1, credits: 3 });
    expect(ended.errors).toEqual(['bad reply']);
  });

  it('settles as done when some jobs succeeded (noting the failures), failed when none did', async () => {
    const some = await settleJobs(
      ctxWith([job('a', 'succeeded', 6), job('b', 'failed', 0, 'timeout')], ['a', 'b']),
      async () => ({
        ids: [10, 11],
      }),
    );
    expect(some).toMatchObject({
      kind: 'done',
      state: { status: 'completed', output_ids: [10, 11], output_count: 2, credits_used: 6, finished_at: 99 },
    });
    expect(some.kind === 'done' && some.state.note).toBe('1 of 2 jobs failed: timeout');
    const none = await settleJobs(ctxWith([job('a', 'cancelled', 0, 'Cancelled by Ann')], ['a']), async () => ({
      ids: [],
    }));
    expect(none).toMatchObject({ kind: 'failed', error: 'Cancelled by Ann', state: { status: 'failed' } });
    expect(await settleJobs(ctxWith([job('a', 'queued')], ['a']), async () => ({ ids: [] }))).toEqual({ kind: 'wait' });
  });

  it('fits whole items into the credits left', () => {
    const room = (left: number) => ({ left, note: () => '' });
    expect(itemsWithin(room(10), 3, 5)).toBe(3);
    expect(itemsWithin(room(2), 3, 5)).toBe(0);
    expect(itemsWithin(room(Number.POSITIVE_INFINITY), 3, 5)).toBe(5);
    expect(itemsWithin(room(0), 0, 5)).toBe(5); // free work (image prompts) is never capped by credits
  });

  it('joins the notes there are', () => {
    expect(joinNotes(null, false, 'a', undefined, 'b')).toBe('a; b');
    expect(joinNotes(null, false)).toBeNull();
  });

  it('records the selection first, then enqueues it under the same ids however often it is stepped', async () => {
    const accepted: string[] = [];
    const ctx = {
      run: { id: 'run-1-ab' },
      stage: { ...emptyStage('images'), note: 'images_per_day reached: 1 of 2 today' },
      now: 5,
      jobs: {
        enqueue: async (_fn: string, input: { image_ids: number[] }, key: string) => {
          if (input.image_ids.includes(3))
            return { ok: false, code: 'insufficient_credits', message: 'Needs 1 credit; 0 left.' };
          if (!accepted.includes(key)) accepted.push(key);
          return { ok: true, job: { id: key }, replayed: false };
        },
      },
    } as unknown as StageContext;
    const recorded = recordInput(ctx, [1, 2, 3], ctx.stage.note);
    expect(recorded).toMatchObject({ kind: 'started', state: { input_ids: [1, 2, 3], job_ids: [], started_at: 5 } });
    expect(recordInput(ctx, [], 'No images to generate.')).toMatchObject({
      kind: 'done',
      state: { status: 'completed', note: 'No images to generate.' },
    });
    const step = () =>
      enqueueRecorded(ctx, 'generate_images', [{ image_ids: [1, 2] }, { image_ids: [3] }]) as Promise<{
        state: { job_ids: string[]; note: string };
      }>;
    const once = await step();
    const twice = await step();
    expect(once.state.job_ids).toEqual(['auto-run-1-ab-images-0']);
    expect(twice.state.job_ids).toEqual(once.state.job_ids);
    expect(accepted).toEqual(['auto-run-1-ab-images-0']);
    expect(once.state.note).toBe('images_per_day reached: 1 of 2 today; Needs 1 credit; 0 left.');
  });
});
