import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { loginThrottle } from '../../core/schema/control';
import type { ControlDb } from '../db/shards';
import { TooManyRequests } from '../http/errors';

/**
 * Throttles for signing in, changing a password and signing up, kept in the control database so
 * they hold across isolates. An attempt is counted BEFORE the password is checked, by one
 * conditional UPSERT per key that only counts while the key is not locked: D1 runs statements one
 * at a time, so of 40 parallel guesses exactly `limit` get counted and checked, and the rest are
 * refused without touching the password hash.
 *
 * The attempt that reaches `limit` locks the key for `lockMs`; every later counted attempt of the
 * same window locks it again for twice as long, up to `maxLockMs` (a fixed lock when both match).
 * Signing in is keyed three ways: email+client (growing delays from 1 s: a correct password from
 * the attacker's own network waits seconds, not a quarter hour), the email alone (looser, so an
 * attacker on one network can't lock the owner out of theirs) and the client alone (spraying many
 * emails). Clients are keyed by `clientKey` (worker/auth/client-ip.ts).
 */
export const THROTTLE_RULES = {
  login: { limit: 5, windowMs: 60 * 60_000, lockMs: 1000, maxLockMs: 15 * 60_000 },
  email: { limit: 20, windowMs: 15 * 60_000, lockMs: 15 * 60_000, maxLockMs: 15 * 60_000 },
  ip: { limit: 30, windowMs: 15 * 60_000, lockMs: 15 * 60_000, maxLockMs: 15 * 60_000 },
  /** Guessing the current password with a (possibly stolen) access token, per user. */
  password: { limit: 5, windowMs: 60 * 60_000, lockMs: 1000, maxLockMs: 15 * 60_000 },
  /** Every signup counts (a refused one too), per client: 20 an hour from one address or /64. */
  signup: { limit: 20, windowMs: 60 * 60_000, lockMs: 60 * 60_000, maxLockMs: 60 * 60_000 },
} as const;

export type ThrottleKind = keyof typeof THROTTLE_RULES;
export type ThrottleKey = { kind: ThrottleKind; value: string };
const keyOf = (k: ThrottleKey) => `${k.kind}:${k.value}`;

const REFUSALS: Record<ThrottleKind, string> = {
  login: 'Too many failed sign-in attempts.',
  email: 'Too many failed sign-in attempts for this email.',
  ip: 'Too many failed sign-in attempts from your network.',
  password: 'Too many wrong current passwords.',
  signup: 'Too many sign-ups from your network.',
};

/** The keys of one sign-in attempt, most specific first (see `takeAttempt` for why the order matters). */
export const loginKeys = (email: string, client: string): ThrottleKey[] => [
  { kind: 'login', value: `${email}|${client}` },
  { kind: 'ip', value: client },
  { kind: 'email', value: email },
];

/** `now` + the lock of a key whose count is `count`: doubled per attempt past the limit (`<<`), capped. */
type Rule = { limit: number; windowMs: number; lockMs: number; maxLockMs: number };
const lockAfter = (rule: Rule, count: SQL, now: number) =>
  sql`${now} + min(${rule.maxLockMs}, ${rule.lockMs} << min(${count} - ${rule.limit}, 30))`;

/** Counts one attempt against `key` unless it is locked; true if it was counted. */
async function countAttempt(control: ControlDb, key: ThrottleKey, now: number, limit?: number) {
  const rule: Rule = { ...THROTTLE_RULES[key.kind], ...(limit ? { limit } : {}) };
  const expired = sql`${loginThrottle.window_started_at} <= ${now - rule.windowMs}`;
  const next = sql`(CASE WHEN ${expired} THEN 1 ELSE ${loginThrottle.failures} + 1 END)`;
  const counted = await control
    .insert(loginThrottle)
    .values({
      key: keyOf(key),
      failures: 1,
      window_started_at: now,
      locked_until: rule.limit <= 1 ? now + rule.lockMs : null,
    })
    .onConflictDoUpdate({
      target: loginThrottle.key,
      set: {
        failures: next,
        window_started_at: sql`(CASE WHEN ${expired} THEN ${now} ELSE ${loginThrottle.window_started_at} END)`,
        locked_until: sql`(CASE WHEN ${next} >= ${rule.limit} THEN ${lockAfter(rule, next, now)} ELSE NULL END)`,
      },
      setWhere: sql`${loginThrottle.locked_until} IS NULL OR ${loginThrottle.locked_until} <= ${now}`,
    })
    .returning({ failures: loginThrottle.failures })
    .get();
  return counted !== undefined;
}

/**
 * Counts an attempt against every key in order, or throws 429 with Retry-After at the first locked
 * one, after taking the attempt back from the keys already counted: a refused attempt never counts.
 * So the per-email key (checked last) only ever counts attempts that reached the password check,
 * and one network's refused flood can't push the owner's email over its limit.
 */
export async function takeAttempt(
  control: ControlDb,
  keys: ThrottleKey[],
  now = Date.now(),
  /** A rule's limit replaced (test servers' sign-ups, SIGNUP_LIMIT_PER_HOUR). */
  limits: Partial<Record<ThrottleKind, number>> = {},
) {
  for (const [i, key] of keys.entries()) {
    if (await countAttempt(control, key, now, limits[key.kind])) continue;
    if (i > 0) await refundAttempt(control, keys.slice(0, i));
    const row = await control
      .select({ locked_until: loginThrottle.locked_until })
      .from(loginThrottle)
      .where(inArray(loginThrottle.key, [keyOf(key)]))
      .get();
    // The lock may have run out since the UPSERT: still ask for a second's patience.
    const seconds = Math.max(1, Math.ceil(((row?.locked_until ?? now) - Date.now()) / 1000));
    const wait = seconds < 120 ? `${seconds} second(s)` : `${Math.ceil(seconds / 60)} minute(s)`;
    throw new TooManyRequests(`${REFUSALS[key.kind]} Try again in ${wait}.`, seconds);
  }
}

/**
 * After a failed password check: a lock the attempt set runs from now, not from when the attempt
 * was counted (checking a password takes a while, and the delay must be one the client waits).
 */
export async function lockAfterFailure(control: ControlDb, key: ThrottleKey, now = Date.now()) {
  const rule = THROTTLE_RULES[key.kind];
  await control
    .update(loginThrottle)
    .set({
      locked_until: sql`max(ifnull(${loginThrottle.locked_until}, 0),
                            ${lockAfter(rule, sql`${loginThrottle.failures}`, now)})`,
    })
    .where(and(eq(loginThrottle.key, keyOf(key)), sql`${loginThrottle.failures} >= ${rule.limit}`));
}

/**
 * Takes one counted attempt back (it succeeded, or another key refused it) and lifts the lock:
 * a lock present now was set by this attempt or a concurrent one, and a success must not leave the
 * owner's own network locked. A later failure past the limit locks the key again at once.
 */
export async function refundAttempt(control: ControlDb, keys: ThrottleKey[]) {
  if (!keys.length) return;
  await control
    .update(loginThrottle)
    .set({ failures: sql`max(${loginThrottle.failures} - 1, 0)`, locked_until: null })
    .where(inArray(loginThrottle.key, keys.map(keyOf)));
}

/** A successful sign-in or password check forgets that key's failures entirely. */
export async function clearAttempts(control: ControlDb, key: ThrottleKey) {
  await control.delete(loginThrottle).where(inArray(loginThrottle.key, [keyOf(key)]));
}
