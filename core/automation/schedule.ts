/**
 * A rule's schedule: a five-field cron expression read in an IANA zone ("0 7 * * 1-5" in
 * Europe/Berlin is 07:00 Berlin time all year, whatever the UTC offset). croner computes the times
 * (it runs in Workers and browsers), cronstrue says them in words. Shared by the worker (validation,
 * next_run_at) and the web (the rule editor's preview).
 */
import { Cron } from 'croner';
import cronstrue from 'cronstrue';
import { isValidTimeZone, localParts } from './zoned';

export { isValidTimeZone };

/**
 * The platform's cron trigger fires every 5 minutes (wrangler.toml), and a run of the pipeline
 * takes far longer than that: a rule that starts more often than hourly would only pile runs up on
 * the same keywords, so it is refused with the cron errors.
 */
export const MIN_RULE_INTERVAL_MS = 60 * 60_000;

function parse(cron: string, tz: string): Cron {
  // `paused` and no callback: croner only computes times, it never arms a timer in the isolate.
  return new Cron(cron.trim(), { timezone: tz, mode: '5-part', paused: true });
}

/** Why a cron expression is refused, or null when it is fine (five fields, croner syntax, at most hourly). */
export function cronProblem(cron: string, tz = 'UTC'): string | null {
  if (cron.trim().split(/\s+/).length !== 5) return 'A cron expression has five fields: minute hour day month weekday.';
  let job: Cron;
  try {
    job = parse(cron, isValidTimeZone(tz) ? tz : 'UTC');
  } catch (err) {
    return `Not a cron expression: ${err instanceof Error ? err.message : String(err)}`;
  }
  const runs = job.nextRuns(6, new Date(Date.UTC(2026, 0, 1)));
  if (runs.length === 0) return 'This cron expression never runs.';
  for (let i = 1; i < runs.length; i++) {
    if (runs[i]!.getTime() - runs[i - 1]!.getTime() < MIN_RULE_INTERVAL_MS)
      return 'A rule runs at most once an hour (for example 0 7 * * 1-5).';
  }
  return null;
}

export function isValidCron(cron: string): boolean {
  return cronProblem(cron) === null;
}

/** The next `count` run times strictly after `from` (epoch ms). Throws on an invalid cron or zone. */
export function nextRuns(cron: string, tz: string, from: number, count: number): number[] {
  return parse(cron, tz)
    .nextRuns(count, new Date(from))
    .map((d) => d.getTime());
}

/** The next run strictly after `after`, or null if the expression never runs again. */
export function nextRun(cron: string, tz: string, after: number): number | null {
  return nextRuns(cron, tz, after, 1)[0] ?? null;
}

/** "At 07:00 AM, Monday through Friday". */
export function scheduleWords(cron: string): string {
  try {
    return cronstrue.toString(cron.trim(), { throwExceptionOnParseError: true, verbose: false });
  } catch {
    return cron.trim();
  }
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Mon 7 Dec 2026, 07:00" in the zone (the same text in the worker and the browser, whatever their locale). */
export function formatLocal(ms: number, tz: string): string {
  const p = localParts(ms, tz);
  const hh = String(p.hour).padStart(2, '0');
  const mm = String(p.minute).padStart(2, '0');
  return `${DAYS[p.weekday]} ${p.day} ${MONTHS[p.month - 1]} ${p.year}, ${hh}:${mm}`;
}
