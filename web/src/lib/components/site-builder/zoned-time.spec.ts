import { describe, expect, it } from 'vitest';
import { zonedInstant, zoneOffsetMinutes } from './zoned-time';

describe('a wall-clock time in a time zone', () => {
  it('is the instant it names, in winter and in summer', () => {
    expect(new Date(zonedInstant('2026-12-08', '09:00', 'Europe/Berlin')).toISOString()).toBe(
      '2026-12-08T08:00:00.000Z',
    );
    expect(new Date(zonedInstant('2026-07-08', '09:00', 'Europe/Berlin')).toISOString()).toBe(
      '2026-07-08T07:00:00.000Z',
    );
    expect(new Date(zonedInstant('2026-12-08', '09:00', 'America/New_York')).toISOString()).toBe(
      '2026-12-08T14:00:00.000Z',
    );
    expect(new Date(zonedInstant('2026-12-08', '09:30', 'Asia/Kolkata')).toISOString()).toBe(
      '2026-12-08T04:00:00.000Z',
    );
  });

  it('reads offsets across the daylight-saving switch', () => {
    expect(zoneOffsetMinutes('Europe/Berlin', Date.UTC(2026, 2, 29, 0, 30))).toBe(60);
    expect(zoneOffsetMinutes('Europe/Berlin', Date.UTC(2026, 2, 29, 1, 30))).toBe(120);
    // 03:30 on the switch morning exists only in summer time: 01:30Z.
    expect(new Date(zonedInstant('2026-03-29', '03:30', 'Europe/Berlin')).toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
  });
});
