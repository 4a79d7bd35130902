import { describe, expect, it } from 'vitest';
import { dayRange } from './caps';
import { addDays, isValidTimeZone, localParts, weekdayOf, zonedTime } from './zoned';

const HOUR = 3_600_000;

describe('zonedTime', () => {
  it('reads a wall time with the offset of that day (Berlin: +1 in winter, +2 in summer)', () => {
    expect(zonedTime({ year: 2026, month: 1, day: 15 }, 9, 0, 'Europe/Berlin')).toBe(Date.UTC(2026, 0, 15, 8));
    expect(zonedTime({ year: 2026, month: 7, day: 15 }, 9, 0, 'Europe/Berlin')).toBe(Date.UTC(2026, 6, 15, 7));
    expect(zonedTime({ year: 2026, month: 7, day: 15 }, 9, 0, 'Asia/Kolkata')).toBe(Date.UTC(2026, 6, 15, 3, 30));
  });

  it('moves a time skipped by spring-forward past the gap, and takes the first of a repeated time', () => {
    expect(zonedTime({ year: 2026, month: 3, day: 29 }, 2, 30, 'Europe/Berlin')).toBe(Date.UTC(2026, 2, 29, 1, 30));
    expect(zonedTime({ year: 2026, month: 10, day: 25 }, 2, 30, 'Europe/Berlin')).toBe(Date.UTC(2026, 9, 25, 0, 30));
    // New York: 02:30 does not exist on 8 Mar 2026 (→ 03:30 EDT); 01:30 happens twice on 1 Nov (first: EDT).
    expect(zonedTime({ year: 2026, month: 3, day: 8 }, 2, 30, 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 7, 30));
    expect(zonedTime({ year: 2026, month: 11, day: 1 }, 1, 30, 'America/New_York')).toBe(Date.UTC(2026, 10, 1, 5, 30));
  });

  it('starts a day whose midnight is skipped at the first instant that exists (Santiago, DST at 24:00)', () => {
    // Chile moves its clocks at midnight: on the first Sunday of September 2026, 00:00 becomes 01:00.
    const { start, end } = dayRange(Date.UTC(2026, 8, 6, 15), 'America/Santiago');
    expect(localParts(start, 'America/Santiago')).toMatchObject({ day: 6, hour: 1, minute: 0 });
    expect(end - start).toBe(23 * HOUR);
  });
});

describe('calendar helpers', () => {
  it('roll days over month and year ends and know the weekday', () => {
    expect(addDays({ year: 2026, month: 12, day: 31 }, 1)).toEqual({ year: 2027, month: 1, day: 1 });
    expect(addDays({ year: 2028, month: 2, day: 28 }, 1)).toEqual({ year: 2028, month: 2, day: 29 });
    expect(weekdayOf({ year: 2026, month: 12, day: 7 })).toBe(1);
  });
  it('knows which zones exist', () => {
    expect(isValidTimeZone('America/Santiago')).toBe(true);
    expect(isValidTimeZone('Not/AZone')).toBe(false);
  });
});
