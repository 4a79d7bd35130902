/**
 * A rule's daily caps are counted over the rule's local day ("6 articles a day" means the calendar
 * day in the rule's time zone, not UTC's), so a Berlin rule's day starts at 00:00 Berlin time.
 */
import { addDays, localParts, zonedTime } from './zoned';

/** Start (inclusive) of the local day containing `now`. */
export function dayStart(now: number, tz: string): number {
  const p = localParts(now, tz);
  return zonedTime(p, 0, 0, tz);
}

/** The local day containing `now` as [start, end): 23 or 25 hours long on DST days. */
export function dayRange(now: number, tz: string): { start: number; end: number } {
  const p = localParts(now, tz);
  return { start: zonedTime(p, 0, 0, tz), end: zonedTime(addDays(p, 1), 0, 0, tz) };
}

/**
 * What a cap still allows today: `Infinity` for no cap (null), so `Math.min(wanted, remaining)`
 * reads the same either way; never negative (a cap lowered below today's use allows 0).
 */
export function remainingToday(cap: number | null, usedToday: number): number {
  if (cap === null) return Number.POSITIVE_INFINITY;
  return Math.max(0, cap - Math.max(0, usedToday));
}

/** The stage note when a cap stops work: "articles_per_day reached: 6 of 6 today". */
export function capReachedNote(cap: string, limit: number, used: number, period: 'today' | 'this run' = 'today') {
  return `${cap} reached: ${used} of ${limit} ${period}`;
}
