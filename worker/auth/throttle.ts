import { inArray, sql } from 'drizzle-orm';
import { loginThrottle } from '../../core/schema/control';
import type { ControlDb } from '../db/shards';
import { TooManyRequests } from '../http/errors';

/**
 * Login throttling with fixed windows kept in the control database (so it holds across isolates):
 * per email (guessing one user's password) and per client IP (spraying many users).
 */
export const THROTTLE_RULES = {
  email: { maxFailures: 5, windowMs: 15 * 60_000, lockMs: 15 * 60_000 },
  ip: { maxFailures: 30, windowMs: 15 * 60_000, lockMs: 15 * 60_000 },
} as const;

export type ThrottleKey = { kind: keyof typeof THROTTLE_RULES; value: string };
const keyOf = (k: ThrottleKey) => `${k.kind}:${k.value}`;

/** 429 with Retry-After if any key is locked now. */
export async function assertNotThrottled(control: ControlDb, keys: ThrottleKey[], now = Date.now()) {
  const rows = await control
    .select()
    .from(loginThrottle)
    .where(inArray(loginThrottle.key, keys.map(keyOf)))
    .all();
  const lockedUntil = Math.max(0, ...rows.map((r) => r.locked_until ?? 0));
  if (lockedUntil > now) {
    const seconds = Math.ceil((lockedUntil - now) / 1000);
    throw new TooManyRequests(`Too many failed sign-in attempts. Try again in ${Math.ceil(seconds / 60)} minute(s).`, seconds);
  }
}

/** Counts one failure against every key, locking those that reach their limit. */
export async function recordFailure(control: ControlDb, keys: ThrottleKey[], now = Date.now()) {
  await control.batch(
    keys.map((k) => {
      const rule = THROTTLE_RULES[k.kind];
      const windowStart = now - rule.windowMs;
      const failuresAfter = sql`(CASE WHEN ${loginThrottle.window_started_at} < ${windowStart} THEN 1 ELSE ${loginThrottle.failures} + 1 END)`;
      return control
        .insert(loginThrottle)
        .values({ key: keyOf(k), failures: 1, window_started_at: now, locked_until: rule.maxFailures <= 1 ? now + rule.lockMs : null })
        .onConflictDoUpdate({
          target: loginThrottle.key,
          set: {
            failures: failuresAfter,
            window_started_at: sql`(CASE WHEN ${loginThrottle.window_started_at} < ${windowStart} THEN ${now} ELSE ${loginThrottle.window_started_at} END)`,
            locked_until: sql`(CASE WHEN ${failuresAfter} >= ${rule.maxFailures} THEN ${now + rule.lockMs} ELSE ${loginThrottle.locked_until} END)`,
          },
        });
    }) as [never, ...never[]],
  );
}

/** A successful sign-in clears the per-email counter (the IP counter keeps counting). */
export async function clearFailures(control: ControlDb, key: ThrottleKey) {
  await control.delete(loginThrottle).where(inArray(loginThrottle.key, [keyOf(key)]));
}
