import { describe, expect, it } from 'vitest';
import { nextRunAfter } from './rules-service';

const rule = { trigger: 'schedule', schedule: '0 7 * * 1-5', timezone: 'Europe/Berlin', is_active: true } as const;

describe('nextRunAfter (the dispatcher moves next_run_at with it)', () => {
  it('is the next cron time in the rule’s zone, strictly after the given time', () => {
    const monday7 = Date.UTC(2026, 11, 7, 6);
    expect(nextRunAfter(rule, monday7 - 1)).toBe(monday7);
    expect(nextRunAfter(rule, monday7)).toBe(Date.UTC(2026, 11, 8, 6));
    // Friday 07:00 → Monday 07:00.
    expect(nextRunAfter(rule, Date.UTC(2026, 11, 11, 6))).toBe(Date.UTC(2026, 11, 14, 6));
  });

  it('is null when the rule cannot fire by the clock', () => {
    const at = Date.UTC(2026, 11, 7);
    expect(nextRunAfter({ ...rule, is_active: false }, at)).toBeNull();
    expect(nextRunAfter({ ...rule, trigger: 'event' }, at)).toBeNull();
    expect(nextRunAfter({ ...rule, trigger: 'manual' }, at)).toBeNull();
    expect(nextRunAfter({ ...rule, schedule: null }, at)).toBeNull();
    // A stored cron that no longer parses stops the rule instead of failing every tick.
    expect(nextRunAfter({ ...rule, schedule: 'not a cron' }, at)).toBeNull();
    expect(nextRunAfter({ ...rule, timezone: 'Gone/Zone' }, at)).toBeNull();
  });
});
