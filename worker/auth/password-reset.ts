import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { loginThrottle, passwordResets, users, type UserRow } from '../../core/schema/control';
import type { PasswordResetOrigin } from '../../core/domain/enums';
import type { ControlDb } from '../db/shards';
import type { Env } from '../env';
import { BadRequest, TooManyRequests } from '../http/errors';
import { randomToken, sha256Hex } from '../lib/crypto';
import { escapeHtml, sendMail } from '../lib/mail';
import { hashPassword } from './passwords';
import { revokeFamiliesOfUser } from './sessions';

/** A reset link works for an hour, once; making a newer one voids the older ones. */
export const RESET_TTL_MS = 60 * 60_000;

/**
 * Forgot-password requests per hour: per client network (refused with 429: it says nothing about
 * any account) and per email (over it, nothing more is mailed but the answer stays the same 202,
 * so the limit can't tell anyone whether the email has an account).
 */
export const RESET_LIMITS = { client: 10, email: 3, windowMs: 60 * 60_000 } as const;

/** One fixed-window count in login_throttle (worker/auth/throttle.ts keeps the lock-based ones); the new count. */
async function countRequest(control: ControlDb, key: string, now: number) {
  const expired = sql`${loginThrottle.window_started_at} <= ${now - RESET_LIMITS.windowMs}`;
  const row = await control
    .insert(loginThrottle)
    .values({ key, failures: 1, window_started_at: now })
    .onConflictDoUpdate({
      target: loginThrottle.key,
      set: {
        failures: sql`(CASE WHEN ${expired} THEN 1 ELSE ${loginThrottle.failures} + 1 END)`,
        window_started_at: sql`(CASE WHEN ${expired} THEN ${now} ELSE ${loginThrottle.window_started_at} END)`,
      },
    })
    .returning({ count: loginThrottle.failures })
    .get();
  return row?.count ?? 1;
}

/** Throws 429 past the per-client limit; false when this email has had its share of mails this hour. */
export async function takeResetRequest(control: ControlDb, client: string, email: string, now = Date.now()) {
  if ((await countRequest(control, `reset-client:${client}`, now)) > RESET_LIMITS.client)
    throw new TooManyRequests('Too many password reset requests from your network. Try again later.', 3600);
  return (await countRequest(control, `reset-email:${email}`, now)) <= RESET_LIMITS.email;
}

/** Stores a new link for `user` (hashed; older unused links voided in the same batch) and returns its token. */
export async function createResetLink(
  control: ControlDb,
  user: Pick<UserRow, 'id' | 'account_id'>,
  origin: PasswordResetOrigin,
  createdBy: number | null,
) {
  const token = randomToken();
  const now = new Date();
  const expires_at = new Date(now.getTime() + RESET_TTL_MS);
  await control.batch([
    control
      .update(passwordResets)
      .set({ used_at: now })
      .where(and(eq(passwordResets.user_id, user.id), isNull(passwordResets.used_at))),
    control.insert(passwordResets).values({
      token_hash: await sha256Hex(token),
      user_id: user.id,
      account_id: user.account_id,
      origin,
      created_by_user_id: createdBy,
      expires_at,
    }),
  ]);
  return { token, expires_at };
}

/** The page that opens a link (served by the web app). */
export const resetUrl = (appOrigin: string, token: string) => `${appOrigin}/reset-password/${token}`;

export async function mailResetLink(env: Env, to: string, url: string) {
  await sendMail(env, {
    to,
    subject: 'Reset your IGNY8 password',
    text:
      `Someone asked to reset the password of ${to} on IGNY8.\n\n` +
      `Set a new password (the link works once, for one hour):\n${url}\n\n` +
      "If it wasn't you, ignore this mail: your password stays as it is.",
    html:
      `<p>Someone asked to reset the password of ${escapeHtml(to)} on IGNY8.</p>` +
      `<p><a href="${escapeHtml(url)}">Set a new password</a> (the link works once, for one hour).</p>` +
      "<p>If it wasn't you, ignore this mail: your password stays as it is.</p>",
  });
}

const invalidToken = () =>
  new BadRequest('This reset link is invalid, expired or already used. Ask for a new one.', 'invalid_token');

/**
 * Sets the new password from a link. One control batch: the link marked used, the new hash with a
 * bumped token_version (every access token issued before is refused) and every refresh family
 * revoked. The password update is conditional on the token_version read here, so of two racing
 * uses of one link only the first changes anything; the loser finds the link used.
 */
export async function confirmReset(control: ControlDb, token: string, password: string) {
  const tokenHash = await sha256Hex(token);
  const now = new Date();
  const row = await control
    .select({ user: users })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.user_id))
    .where(
      and(
        eq(passwordResets.token_hash, tokenHash),
        isNull(passwordResets.used_at),
        gt(passwordResets.expires_at, now),
        eq(users.status, 'active'),
      ),
    )
    .get();
  if (!row) throw invalidToken();
  const hash = await hashPassword(password);
  const [claimed, changed] = await control.batch([
    control
      .update(passwordResets)
      .set({ used_at: now })
      .where(and(eq(passwordResets.token_hash, tokenHash), isNull(passwordResets.used_at)))
      .returning({ user_id: passwordResets.user_id }),
    control
      .update(users)
      .set({ password_hash: hash, token_version: sql`${users.token_version} + 1` })
      .where(and(eq(users.id, row.user.id), eq(users.token_version, row.user.token_version)))
      .returning({ id: users.id }),
    revokeFamiliesOfUser(control, row.user.id, 'password_changed'),
  ]);
  if (!claimed.length || !changed.length) throw invalidToken();
  return { email: row.user.email };
}
