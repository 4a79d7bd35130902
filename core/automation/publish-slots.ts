/**
 * When approved articles go out: the next publish times inside a rule's window (its days, between
 * start and end in the rule's zone), at most `max_per_day` per local day and at least
 * `min_spacing_minutes` apart, counting publishes already scheduled (`taken`). Pure: the clock is a
 * parameter, so specs use a fake one.
 */
import type { PublishWindow } from '../validation/automation';
import { addDays, clockMinutes, localParts, weekdayOf, zonedTime } from './zoned';

const MINUTE = 60_000;

export interface PublishSlotsInput {
  now: number;
  tz: string;
  window: PublishWindow;
  count: number;
  /** Publish times already scheduled on the site (any rule or by hand): they use the day's quota and spacing. */
  taken: readonly number[];
}

/**
 * The next `count` slots, ascending, each at or after `now` (rounded up to the minute) and strictly
 * before the window's end. Fewer only if the window has no days (the schema forbids that).
 */
export function publishSlots({ now, tz, window, count, taken }: PublishSlotsInput): number[] {
  const slots: number[] = [];
  if (count <= 0 || window.days.length === 0) return slots;
  const spacing = window.min_spacing_minutes * MINUTE;
  const startMin = clockMinutes(window.start);
  const endMin = clockMinutes(window.end);
  const from = Math.ceil(now / MINUTE) * MINUTE;
  const busy = [...taken].sort((a, b) => a - b);
  // Each taken time blocks at most ~2 days (spacing ≤ 24 h), so this bound is never what stops a real search.
  const maxDays = 7 * (count + busy.length + 2);
  let date: { year: number; month: number; day: number } = localParts(from, tz);
  for (let d = 0; d < maxDays && slots.length < count; d++, date = addDays(date, 1)) {
    if (!window.days.includes(weekdayOf(date))) continue;
    const dayBegin = zonedTime(date, 0, 0, tz);
    const dayEnd = zonedTime(addDays(date, 1), 0, 0, tz);
    const open = zonedTime(date, Math.floor(startMin / 60), startMin % 60, tz);
    const close = zonedTime(date, Math.floor(endMin / 60), endMin % 60, tz);
    let usedToday = busy.filter((t) => t >= dayBegin && t < dayEnd).length;
    let t = Math.max(open, from);
    while (usedToday < window.max_per_day && slots.length < count) {
      t = firstFree(t, spacing, busy, slots);
      if (t >= close) break;
      slots.push(t);
      usedToday++;
      t += spacing;
    }
  }
  return slots;
}

/** The earliest time ≥ t that is `spacing` away from every busy time and every chosen slot. */
function firstFree(t: number, spacing: number, busy: readonly number[], chosen: readonly number[]): number {
  if (spacing === 0) return t;
  for (;;) {
    let pushed = t;
    for (const x of busy) if (Math.abs(pushed - x) < spacing) pushed = Math.max(pushed, x + spacing);
    for (const x of chosen) if (Math.abs(pushed - x) < spacing) pushed = Math.max(pushed, x + spacing);
    if (pushed === t) return t;
    t = pushed;
  }
}
