import type { MiddlewareHandler } from 'hono';
import { verifyAccessToken, type SessionClaims } from '../lib/access-tokens';
import type { AppEnv } from '../env';
import { Unauthorized } from '../http/errors';

/**
 * Verified access tokens of this isolate, by token string (and verifying configuration), until
 * the token's own expiry (at most a minute; at most MAX_VERIFIED tokens). Safe to reuse: a token is
 * immutable and its signature and claims verify the same every time until `exp`. Nothing that can be
 * revoked is cached here: token_version, the user's status and role and the account's status are
 * checked by tenantContext (afresh on every write; on reads from a cache of a few seconds that a
 * revocation made through this isolate clears at once: ./identity-cache.ts).
 */
const verified = new Map<string, { claims: SessionClaims; until: number }>();
const MAX_VERIFIED = 1000;
const MAX_REUSE_MS = 60_000;

/** The token's `exp` (ms), read only after the signature was verified. */
function expiryOf(token: string): number {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : 0;
  } catch {
    return 0;
  }
}

async function verifyOnce(env: AppEnv['Bindings'], token: string): Promise<SessionClaims> {
  const now = Date.now();
  // Keyed by the verifying configuration too: a token is only reused under the secret that verified it.
  const key = `${env.JWT_SECRET}\n${env.JWT_ISSUER}\n${env.JWT_AUDIENCE}\n${token}`;
  const hit = verified.get(key);
  if (hit && now < hit.until) return hit.claims;
  if (hit) verified.delete(key);
  const claims = await verifyAccessToken(env, token);
  const until = Math.min(expiryOf(token), now + MAX_REUSE_MS);
  if (until > now) {
    // Oldest first out (a Map iterates in insertion order).
    if (verified.size >= MAX_VERIFIED) verified.delete(verified.keys().next().value!);
    verified.set(key, { claims, until });
  }
  return claims;
}

/** Verifies `Authorization: Bearer <access JWT>` and sets `session`. Cookies never authenticate API calls. */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header('authorization');
  if (!header) throw new Unauthorized('Authentication required: send Authorization: Bearer <access token>.');
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim());
  if (!match) throw new Unauthorized('Authorization header must be "Bearer <access token>".', 'token_invalid');
  c.set('session', await verifyOnce(c.env, match[1]!));
  await next();
};
