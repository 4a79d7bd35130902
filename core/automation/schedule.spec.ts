import { describe, expect, it } from 'vitest';
import { cronProblem, formatLocal, isValidCron, isValidTimeZone, nextRun, nextRuns, scheduleWords } from './schedule';

const TZ = 'Europe/Berlin';

describe('nextRuns', () => {
  it('reads the cron in the rule’s zone: weekdays 07:00 Berlin is 06:00 UTC in winter, 05:00 in summer', () => {
    const monday7am = Date.UTC(2026, 11, 7, 6); // Mon 7 Dec 2026 07:00 CET
    expect(nextRuns('0 7 * * 1-5', TZ, monday7am - 1, 3)).toEqual([
      monday7am,
      Date.UTC(2026, 11, 8, 6),
      Date.UTC(2026, 11, 9, 6),
    ]);
    expect(nextRun('0 7 * * 1-5', TZ, Date.UTC(2026, 5, 7))).toBe(Date.UTC(2026, 5, 8, 5));
  });

  it('is strictly after `from`, so the dispatcher never starts the same time twice', () => {
    const at = Date.UTC(2026, 11, 7, 6);
    expect(nextRun('0 7 * * 1-5', TZ, at)).toBe(Date.UTC(2026, 11, 8, 6));
  });

  it('keeps 07:00 local across the spring-forward and fall-back weekends', () => {
    expect(nextRuns('0 7 * * *', TZ, Date.UTC(2026, 2, 28), 3)).toEqual([
      Date.UTC(2026, 2, 28, 6),
      Date.UTC(2026, 2, 29, 5),
      Date.UTC(2026, 2, 30, 5),
    ]);
    expect(nextRuns('0 7 * * *', TZ, Date.UTC(2026, 9, 24), 2)).toEqual([
      Date.UTC(2026, 9, 24, 5),
      Date.UTC(2026, 9, 25, 6),
    ]);
  });

  it('runs a time inside the DST gap once, just after the gap, and a repeated time once', () => {
    expect(nextRun('30 2 * * *', TZ, Date.UTC(2026, 2, 28, 12))).toBe(Date.UTC(2026, 2, 29, 1)); // 03:00 CEST
    expect(nextRuns('30 2 * * *', TZ, Date.UTC(2026, 9, 24, 12), 2)).toEqual([
      Date.UTC(2026, 9, 25, 0, 30), // 02:30 CEST, not again at 02:30 CET
      Date.UTC(2026, 9, 26, 1, 30),
    ]);
  });
});

describe('cron and zone checks', () => {
  it('accepts five-field expressions that run at most hourly', () => {
    expect(isValidCron('0 7 * * 1-5')).toBe(true);
    expect(isValidCron('0 */6 * * *')).toBe(true);
    expect(isValidCron(' 15 9 1 * * ')).toBe(true);
  });
  it('refuses bad fields, six fields, never-running and too-frequent expressions with a reason', () => {
    expect(cronProblem('61 7 * * *')).toMatch(/minute/);
    expect(cronProblem('0 0 7 * * *')).toMatch(/five fields/);
    expect(cronProblem('every day')).toMatch(/five fields/);
    expect(cronProblem('0 0 30 2 *')).toMatch(/never/);
    expect(cronProblem('*/5 * * * *')).toMatch(/once an hour/);
  });
  it('knows IANA zones', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('Europe/Berln')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });
});

describe('words', () => {
  it('says the schedule in words', () => {
    expect(scheduleWords('0 7 * * 1-5')).toBe('At 07:00 AM, Monday through Friday');
  });
  it('formats a time in the zone, the same in every locale', () => {
    expect(formatLocal(Date.UTC(2026, 11, 7, 6), TZ)).toBe('Mon 7 Dec 2026, 07:00');
    expect(formatLocal(Date.UTC(2026, 5, 8, 5, 5), TZ)).toBe('Mon 8 Jun 2026, 07:05');
    expect(formatLocal(Date.UTC(2026, 5, 8, 5, 5), 'America/New_York')).toBe('Mon 8 Jun 2026, 01:05');
  });
});
