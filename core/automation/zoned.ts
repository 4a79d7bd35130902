/**
 * Wall-clock arithmetic in an IANA time zone with nothing but Intl (Workers and browsers both have
 * full ICU; no date library is bundled). Local dates are walked by calendar day, never by adding
 * 24 h, so a DST change (a 23 h or 25 h day) moves no slot.
 */

export interface LocalParts {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** True when Intl knows the zone (a typo such as "Europe/Berln" is refused). */
export function isValidTimeZone(tz: string): boolean {
  if (!tz) return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

export function localParts(ms: number, tz: string): LocalParts & { second: number } {
  const out: Record<string, string> = {};
  for (const p of formatter(tz).formatToParts(ms)) out[p.type] = p.value;
  return {
    year: Number(out.year),
    month: Number(out.month),
    day: Number(out.day),
    hour: Number(out.hour),
    minute: Number(out.minute),
    second: Number(out.second),
    weekday: WEEKDAYS[out.weekday!] ?? 0,
  };
}

/** The zone's offset from UTC at `ms`, in ms (Berlin in summer: +2 h). */
function offsetAt(ms: number, tz: string): number {
  const p = localParts(ms, tz);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * The instant a local wall time names. A time skipped by a spring-forward gap (02:30 in Berlin on
 * the last Sunday of March) is moved forward by the gap (03:30); a time that happens twice in the
 * autumn overlap is the first of the two.
 */
export function zonedTime(
  date: { year: number; month: number; day: number },
  hour: number,
  minute: number,
  tz: string,
): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  const before = offsetAt(wall - 86_400_000 / 2, tz);
  const after = offsetAt(wall + 86_400_000 / 2, tz);
  // The earlier offset first: in an overlap it names the first occurrence.
  const first = wall - before;
  if (offsetAt(first, tz) === before) return first;
  const second = wall - after;
  if (offsetAt(second, tz) === after) return second;
  // In a gap neither reading holds: the wall time plus the gap, read with the offset before it.
  return wall - before;
}

/** The local calendar date `n` days after `date` (month and year ends roll over). */
export function addDays(
  date: { year: number; month: number; day: number },
  n: number,
): { year: number; month: number; day: number } {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + n));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Day of week (0 = Sunday) of a calendar date: the same everywhere. */
export function weekdayOf(date: { year: number; month: number; day: number }): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
}

/** "HH:MM" → minutes. */
export function clockMinutes(hhmm: string): number {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
}
