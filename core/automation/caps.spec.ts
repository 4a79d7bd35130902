import { describe, expect, it } from 'vitest';
import { capReachedNote, dayRange, dayStart, remainingToday } from './caps';

const HOUR = 3_600_000;

describe('dayStart / dayRange', () => {
  it('starts the day at local midnight of the rule’s zone, not UTC’s', () => {
    // 2026-06-10 23:30 UTC is already 11 June 01:30 in Berlin (CEST, +2).
    const now = Date.UTC(2026, 5, 10, 23, 30);
    expect(dayStart(now, 'Europe/Berlin')).toBe(Date.UTC(2026, 5, 10, 22, 0));
    expect(dayStart(now, 'UTC')).toBe(Date.UTC(2026, 5, 10));
    expect(dayStart(now, 'America/New_York')).toBe(Date.UTC(2026, 5, 10, 4, 0));
  });

  it('is 23 hours long on the spring-forward day and 25 on the fall-back day (Berlin)', () => {
    const spring = dayRange(Date.UTC(2026, 2, 29, 12), 'Europe/Berlin');
    expect(spring.start).toBe(Date.UTC(2026, 2, 28, 23));
    expect(spring.end - spring.start).toBe(23 * HOUR);
    const autumn = dayRange(Date.UTC(2026, 9, 25, 12), 'Europe/Berlin');
    expect(autumn.start).toBe(Date.UTC(2026, 9, 24, 22));
    expect(autumn.end - autumn.start).toBe(25 * HOUR);
  });

  it('puts the instant of midnight in the new day', () => {
    const midnight = Date.UTC(2026, 0, 14, 23); // 15 Jan 00:00 Berlin (CET, +1)
    expect(dayStart(midnight, 'Europe/Berlin')).toBe(midnight);
    expect(dayStart(midnight - 1, 'Europe/Berlin')).toBe(midnight - 24 * HOUR);
  });
});

describe('remainingToday', () => {
  it('is unlimited without a cap, so Math.min keeps what the stage wanted', () => {
    expect(Math.min(50, remainingToday(null, 1000))).toBe(50);
  });
  it('is what the cap leaves, and never below zero', () => {
    expect(remainingToday(6, 4)).toBe(2);
    expect(remainingToday(6, 6)).toBe(0);
    expect(remainingToday(3, 6)).toBe(0);
  });
  it('names the cap in the note', () => {
    expect(capReachedNote('articles_per_day', 6, 6)).toBe('articles_per_day reached: 6 of 6 today');
  });
});
