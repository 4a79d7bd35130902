import type { JobView } from '../../../core/ai/jobs';
import { TERMINAL_STATUSES } from '../../../core/ai/jobs';
import type { CoordinatorEvent } from '../../../core/realtime/events';

/**
 * Progress frames are coalesced to at most one per job per `intervalMs` (DESIGN.md: 50–100 ms):
 * a job that reports 20 times in a burst sends the first and the last state, never a stale one.
 * Terminal states go out at once.
 */
export class Broadcaster {
  private readonly lastSent = new Map<string, number>();
  private readonly pending = new Map<string, JobView>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly send: (event: CoordinatorEvent) => void,
    private readonly intervalMs = 75,
    private readonly now: () => number = Date.now,
  ) {}

  job(view: JobView) {
    const t = this.now();
    const last = this.lastSent.get(view.id) ?? 0;
    if (TERMINAL_STATUSES.includes(view.status) || t - last >= this.intervalMs) {
      this.pending.delete(view.id);
      this.emit(view, t);
      return;
    }
    this.pending.set(view.id, view);
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs - (t - last));
  }

  event(event: CoordinatorEvent) {
    this.send(event);
  }

  flush() {
    this.timer = null;
    const t = this.now();
    for (const view of this.pending.values()) this.emit(view, t);
    this.pending.clear();
  }

  private emit(view: JobView, t: number) {
    this.lastSent.set(view.id, t);
    if (TERMINAL_STATUSES.includes(view.status)) this.lastSent.delete(view.id);
    this.send({ v: 1, type: 'job', job: view });
  }
}
