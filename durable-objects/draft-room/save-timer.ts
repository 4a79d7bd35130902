/**
 * The debounced save of a draft room: `wait` ms after the last change, and at least every
 * `maxWait` ms while changes keep coming (y-partyserver's onSave timing, which this replaces
 * because the room registers its own document listeners; see DraftRoom.onStart).
 *
 * One timer per quiet period, re-checked when it fires, instead of re-arming a timer on every
 * keystroke.
 */
export class SaveTimer {
  private firstChange: number | null = null;
  private lastChange = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly save: () => void,
    private readonly wait: number,
    private readonly maxWait: number,
    private readonly now: () => number = Date.now,
  ) {}

  changed() {
    this.lastChange = this.now();
    this.firstChange ??= this.lastChange;
    if (this.timer === null) this.arm(this.wait);
  }

  private arm(ms: number) {
    this.timer = setTimeout(() => this.fire(), Math.max(0, ms));
  }

  private fire() {
    this.timer = null;
    if (this.firstChange === null) return;
    const t = this.now();
    const due = Math.min(this.lastChange + this.wait, this.firstChange + this.maxWait);
    if (t < due) return this.arm(due - t);
    this.firstChange = null;
    this.save();
  }
}
