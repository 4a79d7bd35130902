import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JobView } from '../../../core/ai/jobs';
import type { CoordinatorEvent } from '../../../core/realtime/events';
import { Broadcaster } from './broadcaster';

/**
 * What members of a site see of a job's progress: each step (a new status or phase) as soon as it
 * happened, one frame per turn with the latest state, and progress within a phase held to one
 * frame per interval.
 */
const view = (progress: number, status: JobView['status'] = 'running', id = 'job-1', phase = 'AI_CALL') =>
  ({ id, status, phase, progress, message: `at ${progress}` }) as JobView;

let clock = 0;
let sent: CoordinatorEvent[] = [];
const progressSent = () => sent.map((e) => (e.type === 'job' ? e.job.progress : null));
const endOfTurn = () => new Promise<void>((resolve) => queueMicrotask(resolve));

beforeEach(() => {
  vi.useFakeTimers();
  clock = 0;
  sent = [];
});
afterEach(() => vi.useRealTimers());

function broadcaster() {
  return new Broadcaster(
    (e) => void sent.push(e),
    75,
    () => clock,
  );
}

describe('Broadcaster', () => {
  it('sends the latest state once for a burst of updates in one turn', async () => {
    const b = broadcaster();
    b.job(view(10));
    b.job(view(20));
    b.job(view(30));
    expect(sent).toEqual([]);
    await endOfTurn();
    expect(progressSent()).toEqual([30]);
  });

  it("sends each of a job's steps at once when they come a few milliseconds apart", async () => {
    const b = broadcaster();
    const steps: [JobView['status'], string][] = [
      ['queued', 'INIT'],
      ['queued', 'PREP'],
      ['running', 'AI_CALL'],
      ['saving', 'PARSE'],
      ['saving', 'SAVE'],
    ];
    for (const [i, [status, phase]] of steps.entries()) {
      b.job(view(i * 10, status, 'job-1', phase));
      await endOfTurn();
      expect(progressSent().at(-1)).toBe(i * 10);
      clock += 3;
    }
    expect(progressSent()).toEqual([0, 10, 20, 30, 40]);
  });

  it('holds progress within a phase to one frame per interval, never stale, and sends the end at once', async () => {
    const b = broadcaster();
    for (let progress = 1; progress <= 30; progress++) {
      b.job(view(progress));
      await endOfTurn();
      clock += 1;
    }
    // The first went out; the rest waits for the interval's end, and that frame carries the latest.
    expect(progressSent()).toEqual([1]);
    clock += 75;
    vi.advanceTimersByTime(75);
    expect(progressSent()).toEqual([1, 30]);
    b.job(view(31));
    b.job(view(100, 'succeeded', 'job-1', 'DONE'));
    await endOfTurn();
    expect(sent.at(-1)).toMatchObject({ type: 'job', job: { status: 'succeeded', progress: 100 } });
  });

  it("never holds one job's frame back for another job's chatter", async () => {
    const b = broadcaster();
    for (let progress = 1; progress <= 10; progress++) {
      b.job(view(progress));
      await endOfTurn();
    }
    b.job(view(50, 'running', 'job-2'));
    await endOfTurn();
    expect(sent.at(-1)).toMatchObject({ job: { id: 'job-2', progress: 50 } });
  });

  it('sends a job state before the event that followed it', async () => {
    const b = broadcaster();
    b.job(view(100, 'succeeded', 'job-1', 'DONE'));
    b.event({ v: 1, type: 'data.changed', entities: ['clusters'], job_id: 'job-1' });
    await endOfTurn();
    expect(sent.map((e) => e.type)).toEqual(['job', 'data.changed']);
  });
});
