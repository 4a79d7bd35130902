import { describe, expect, it } from 'vitest';
import { publishWindow } from '../validation/automation';
import { publishSlots } from './publish-slots';

const TZ = 'Europe/Berlin';
// Summer dates: Berlin is UTC+2. 2026-06-08 is a Monday.
const berlinSummer = (day: number, h: number, m = 0) => Date.UTC(2026, 5, day, h - 2, m);
const defaults = publishWindow.parse({}); // Mon–Fri 09:00–17:00, 2 a day, 120 min apart

describe('publishSlots', () => {
  it('fills each weekday’s window from its start, max_per_day a day, min_spacing apart', () => {
    const now = berlinSummer(8, 7); // Monday 07:00
    const slots = publishSlots({ now, tz: TZ, window: defaults, count: 5, taken: [] });
    expect(slots).toEqual([
      berlinSummer(8, 9),
      berlinSummer(8, 11),
      berlinSummer(9, 9),
      berlinSummer(9, 11),
      berlinSummer(10, 9),
    ]);
  });

  it('starts now (rounded up to the minute) when the window is open', () => {
    const now = berlinSummer(8, 13, 20) + 15_000;
    const slots = publishSlots({ now, tz: TZ, window: defaults, count: 2, taken: [] });
    expect(slots).toEqual([berlinSummer(8, 13, 21), berlinSummer(8, 15, 21)]);
  });

  it('never starts at or after the window’s end; skips days outside `days`', () => {
    const friday = berlinSummer(12, 16, 0);
    const slots = publishSlots({ now: friday, tz: TZ, window: defaults, count: 3, taken: [] });
    // 16:00 fits, 18:00 is after 17:00; Saturday and Sunday are closed.
    expect(slots).toEqual([berlinSummer(12, 16), berlinSummer(15, 9), berlinSummer(15, 11)]);
  });

  it('counts publishes already taken against the day and keeps spacing from them', () => {
    const now = berlinSummer(8, 7);
    const taken = [berlinSummer(8, 10)];
    const slots = publishSlots({ now, tz: TZ, window: defaults, count: 3, taken });
    // Monday has one left; 09:00 is too close to 10:00, so 12:00.
    expect(slots).toEqual([berlinSummer(8, 12), berlinSummer(9, 9), berlinSummer(9, 11)]);
    const full = publishSlots({ now, tz: TZ, window: defaults, count: 1, taken: [...taken, berlinSummer(8, 15)] });
    expect(full).toEqual([berlinSummer(9, 9)]);
  });

  it('allows as many as max_per_day when spacing is zero', () => {
    const window = { ...defaults, max_per_day: 3, min_spacing_minutes: 0 };
    const slots = publishSlots({ now: berlinSummer(8, 7), tz: TZ, window, count: 4, taken: [] });
    expect(slots).toEqual([berlinSummer(8, 9), berlinSummer(8, 9), berlinSummer(8, 9), berlinSummer(9, 9)]);
  });

  it('keeps local wall times across the spring-forward change (Berlin, 29 Mar 2026)', () => {
    const window = { ...defaults, days: [0, 1, 2, 3, 4, 5, 6], max_per_day: 1 };
    const saturday = Date.UTC(2026, 2, 28, 6); // 07:00 CET
    const slots = publishSlots({ now: saturday, tz: TZ, window, count: 3, taken: [] });
    expect(slots).toEqual([Date.UTC(2026, 2, 28, 8), Date.UTC(2026, 2, 29, 7), Date.UTC(2026, 2, 30, 7)]);
  });

  it('moves a window start inside the DST gap forward by the gap', () => {
    const window = { ...defaults, start: '02:30', end: '05:00', days: [0], max_per_day: 1 };
    const slots = publishSlots({ now: Date.UTC(2026, 2, 27), tz: TZ, window, count: 1, taken: [] });
    expect(slots).toEqual([Date.UTC(2026, 2, 29, 1, 30)]); // 03:30 CEST
  });

  it('keeps local wall times and the day quota across the fall-back change (25 Oct 2026)', () => {
    const window = { ...defaults, start: '01:00', end: '04:00', days: [0], max_per_day: 3, min_spacing_minutes: 60 };
    const slots = publishSlots({ now: Date.UTC(2026, 9, 24), tz: TZ, window, count: 4, taken: [] });
    // 01:00 CEST, then one hour later each (02:00 CEST, 02:00 CET), the 4th waits for next Sunday.
    expect(slots).toEqual([
      Date.UTC(2026, 9, 24, 23),
      Date.UTC(2026, 9, 25, 0),
      Date.UTC(2026, 9, 25, 1),
      Date.UTC(2026, 10, 1, 0),
    ]);
  });

  it('returns nothing for count 0', () => {
    expect(publishSlots({ now: 0, tz: TZ, window: defaults, count: 0, taken: [] })).toEqual([]);
  });
});
