import type { JobView } from '../../../core/ai/jobs';
import { TERMINAL_STATUSES } from '../../../core/ai/jobs';
import type { CoordinatorEvent } from '../../../core/realtime/events';

/**
 * A job's frames go out at the end of the turn that changed it, one per job per turn (the latest
 * state), so members see a step as soon as it happened. A step to a new status or phase is sent
 * then; progress within a phase (each AI call done, a retry's message) is coalesced to at most
 * one frame per `intervalMs` per job (DESIGN.md: 50–100 ms), the latest state, never a stale one.
 */
export class Broadcaster {
  private readonly lastSent = new Map<string, { status: string; phase: string; at: number }>();
  private readonly pending = new Map<string, JobView>();
  private tickQueued = false;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly send: (event: CoordinatorEvent) => void,
    private readonly intervalMs = 50,
    private readonly now: () => number = Date.now,
  ) {}

  job(view: JobView) {
    this.pending.set(view.id, view);
    if (this.tickQueued) return;
    this.tickQueued = true;
    queueMicrotask(() => {
      this.tickQueued = false;
      this.flush(false);
    });
  }

  /** Other events go out at once, after the job states that came before them (members see them in order). */
  event(event: CoordinatorEvent) {
    this.flush();
    this.send(event);
  }

  /** Sends what is pending (all of it when `force`d, else what the interval allows). */
  flush(force = true) {
    const t = this.now();
    let waitMs: number | null = null;
    for (const [id, view] of this.pending) {
      const last = this.lastSent.get(id);
      const step = !last || last.status !== view.status || last.phase !== view.phase;
      const due = last ? last.at + this.intervalMs - t : 0;
      if (!force && !step && due > 0) {
        waitMs = waitMs === null ? due : Math.min(waitMs, due);
        continue;
      }
      this.pending.delete(id);
      if (TERMINAL_STATUSES.includes(view.status)) this.lastSent.delete(id);
      else this.lastSent.set(id, { status: view.status, phase: view.phase, at: t });
      this.send({ v: 1, type: 'job', job: view });
    }
    if (waitMs !== null && this.timer === null)
      this.timer = setTimeout(() => {
        this.timer = null;
        this.flush(false);
      }, waitMs);
  }
}
