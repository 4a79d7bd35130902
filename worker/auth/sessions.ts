import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Role } from '../../core/domain/enums';
import { refreshTokenFamilies, refreshTokens, users } from '../../core/schema/control';
import type { ControlDb } from '../db/shards';
import type { Env } from '../env';
import { Unauthorized } from '../http/errors';
import { randomToken, sha256Hex } from '../lib/crypto';
import { REFRESH_FAMILY_MAX_AGE_SECONDS, REFRESH_TOKEN_TTL_SECONDS, signAccessToken } from '../lib/access-tokens';

/**
 * Refresh tokens: opaque, stored as SHA-256, single use. Each sign-in starts a family; a refresh
 * spends the presented token and issues the next one in the same family. Presenting a token that
 * was already spent means it was copied: the whole family is revoked and every holder signs in again.
 * A family ends REFRESH_FAMILY_MAX_AGE_SECONDS after its sign-in, however fresh its newest token.
 */
export interface IssuedTokens {
  access: string;
  access_expires_at: string;
  refresh: string;
  refresh_expires_at: string;
}

type SessionUser = { id: number; account_id: number; role: Role; token_version: number };
type RevokeReason = NonNullable<typeof refreshTokenFamilies.$inferSelect.revoked_reason>;

async function issue(
  env: Env,
  control: ControlDb,
  user: SessionUser,
  family: { id: string; createdAt: Date },
  newFamily: { userAgent: string | null } | null,
) {
  const refresh = randomToken();
  // Never past the family's end: the expiry a client is told is the one that holds.
  const refreshExpires = new Date(
    Math.min(
      Date.now() + REFRESH_TOKEN_TTL_SECONDS * 1000,
      family.createdAt.getTime() + REFRESH_FAMILY_MAX_AGE_SECONDS * 1000,
    ),
  );
  const insertToken = control.insert(refreshTokens).values({
    token_hash: await sha256Hex(refresh),
    family_id: family.id,
    expires_at: refreshExpires,
  });
  if (newFamily) {
    await control.batch([
      control.insert(refreshTokenFamilies).values({
        id: family.id,
        account_id: user.account_id,
        user_id: user.id,
        user_agent: newFamily.userAgent?.slice(0, 300) ?? null,
        created_at: family.createdAt,
      }),
      insertToken,
    ]);
  } else {
    await insertToken;
  }
  const access = await signAccessToken(env, {
    userId: user.id,
    accountId: user.account_id,
    role: user.role,
    tokenVersion: user.token_version,
  });
  return {
    access: access.token,
    access_expires_at: access.expiresAt.toISOString(),
    refresh,
    refresh_expires_at: refreshExpires.toISOString(),
  } satisfies IssuedTokens;
}

/** A new sign-in: a new family. */
export function startSession(env: Env, control: ControlDb, user: SessionUser, userAgent: string | null) {
  return issue(env, control, user, { id: crypto.randomUUID(), createdAt: new Date() }, { userAgent });
}

export async function revokeFamily(control: ControlDb, familyId: string, reason: RevokeReason) {
  await control
    .update(refreshTokenFamilies)
    .set({ revoked_at: new Date(), revoked_reason: reason })
    .where(and(eq(refreshTokenFamilies.id, familyId), isNull(refreshTokenFamilies.revoked_at)));
}

/** Not awaited here: callers batch it with the change that signs the user out. */
export function revokeFamiliesOfUser(control: ControlDb, userId: number, reason: RevokeReason) {
  return control
    .update(refreshTokenFamilies)
    .set({ revoked_at: new Date(), revoked_reason: reason })
    .where(and(eq(refreshTokenFamilies.user_id, userId), isNull(refreshTokenFamilies.revoked_at)));
}

async function findToken(control: ControlDb, refresh: string) {
  return control
    .select({ token: refreshTokens, family: refreshTokenFamilies })
    .from(refreshTokens)
    .innerJoin(refreshTokenFamilies, eq(refreshTokenFamilies.id, refreshTokens.family_id))
    .where(eq(refreshTokens.token_hash, await sha256Hex(refresh)))
    .get();
}

/** Spends `refresh` and returns the next pair, or explains exactly why not. */
export async function rotateSession(env: Env, control: ControlDb, refresh: string): Promise<IssuedTokens> {
  const found = await findToken(control, refresh);
  if (!found) throw new Unauthorized('Refresh token is not valid. Sign in again.', 'refresh_invalid');
  const { token, family } = found;
  if (family.revoked_at) {
    throw new Unauthorized('This session was signed out (revoked). Sign in again.', 'refresh_revoked');
  }
  if (family.created_at.getTime() + REFRESH_FAMILY_MAX_AGE_SECONDS * 1000 <= Date.now()) {
    await revokeFamily(control, family.id, 'max_age');
    throw new Unauthorized(
      `This session started more than ${REFRESH_FAMILY_MAX_AGE_SECONDS / 86_400} days ago and has ended. ` +
        'Sign in again.',
      'refresh_session_expired',
    );
  }
  if (token.used_at) {
    await revokeFamily(control, family.id, 'reuse_detected');
    throw new Unauthorized(
      'This refresh token was already used: the session was revoked for safety. Sign in again.',
      'refresh_reuse_detected',
    );
  }
  if (token.expires_at.getTime() <= Date.now())
    throw new Unauthorized('Refresh token has expired. Sign in again.', 'refresh_expired');

  // Spend it with a conditional update: of two concurrent refreshes with the same token only one
  // wins; the loser is treated as reuse.
  const spent = await control
    .update(refreshTokens)
    .set({ used_at: new Date() })
    .where(and(eq(refreshTokens.token_hash, token.token_hash), isNull(refreshTokens.used_at)))
    .run();
  if (spent.meta.changes !== 1) {
    await revokeFamily(control, family.id, 'reuse_detected');
    throw new Unauthorized(
      'This refresh token was already used: the session was revoked for safety.',
      'refresh_reuse_detected',
    );
  }
  const user = await control
    .select({
      id: users.id,
      account_id: users.account_id,
      role: users.role,
      status: users.status,
      token_version: users.token_version,
    })
    .from(users)
    .where(eq(users.id, family.user_id))
    .get();
  if (!user || user.status !== 'active')
    throw new Unauthorized('This user no longer exists or is disabled.', 'user_inactive');
  await control
    .update(refreshTokenFamilies)
    .set({ last_used_at: sql`${Date.now()}` })
    .where(eq(refreshTokenFamilies.id, family.id));
  return issue(env, control, user, { id: family.id, createdAt: family.created_at }, null);
}

/** The family a refresh token belongs to (for logout), or null. */
export async function familyOf(control: ControlDb, refresh: string): Promise<string | null> {
  return (await findToken(control, refresh))?.family.id ?? null;
}
