import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import type { Role } from '../../core/domain/enums';
import type { SessionClaims } from '../env';
import { Unauthorized } from '../http/errors';

export type { SessionClaims };

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const REFRESH_TOKEN_TTL_SECONDS = 7 * 24 * 60 * 60;
/**
 * A sign-in lasts at most this long however often it is refreshed: a stolen refresh token that
 * keeps being rotated still dies within a month of the sign-in it came from.
 */
export const REFRESH_FAMILY_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;
/** RFC 9068's media type for access tokens: a refresh or id token can't be replayed as one. */
const ACCESS_TOKEN_TYPE = 'at+jwt';
const ALGORITHM = 'HS256';

type TokenConfig = { JWT_SECRET: string; JWT_ISSUER: string; JWT_AUDIENCE: string };

const keyOf = (secret: string) => {
  if (!secret || secret.length < 32) throw new Error('JWT_SECRET must be set and at least 32 characters long.');
  return new TextEncoder().encode(secret);
};

export async function signAccessToken(env: TokenConfig, claims: SessionClaims, now = Date.now()) {
  const iat = Math.floor(now / 1000);
  const token = await new SignJWT({ acc: claims.accountId, role: claims.role, tv: claims.tokenVersion })
    .setProtectedHeader({ alg: ALGORITHM, typ: ACCESS_TOKEN_TYPE })
    .setSubject(String(claims.userId))
    .setIssuer(env.JWT_ISSUER)
    .setAudience(env.JWT_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ACCESS_TOKEN_TTL_SECONDS)
    .setJti(crypto.randomUUID())
    .sign(keyOf(env.JWT_SECRET));
  return { token, expiresAt: new Date((iat + ACCESS_TOKEN_TTL_SECONDS) * 1000) };
}

export async function verifyAccessToken(env: TokenConfig, token: string): Promise<SessionClaims> {
  try {
    const { payload } = await jwtVerify(token, keyOf(env.JWT_SECRET), {
      algorithms: [ALGORITHM],
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      typ: ACCESS_TOKEN_TYPE,
      requiredClaims: ['sub', 'exp', 'iat'],
    });
    const userId = Number(payload.sub);
    const accountId = Number(payload.acc);
    // Tokens signed before versions existed carry no `tv`: version 0, which any bump outdates.
    const tokenVersion = payload.tv ?? 0;
    if (
      !Number.isSafeInteger(userId) ||
      !Number.isSafeInteger(accountId) ||
      !Number.isSafeInteger(tokenVersion) ||
      (tokenVersion as number) < 0
    ) {
      throw new Unauthorized('Malformed access token.', 'token_invalid');
    }
    return { userId, accountId, role: payload.role as Role, tokenVersion: tokenVersion as number };
  } catch (err) {
    if (err instanceof Unauthorized) throw err;
    if (err instanceof joseErrors.JWTExpired)
      throw new Unauthorized('Access token has expired: refresh it.', 'token_expired');
    throw new Unauthorized('Access token is invalid.', 'token_invalid');
  }
}
