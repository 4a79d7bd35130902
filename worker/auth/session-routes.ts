import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { controlDb } from '../db/shards';
import type { AppEnv } from '../env';
import { ApiError } from '../http/errors';
import { ok } from '../http/respond';
import { describe } from '../http/validate';
import { assertTrustedOrigin, clearRefreshCookie, REFRESH_COOKIE, setRefreshCookie } from './cookie';
import { authRoutes } from './routes';
import { rotateSession } from './sessions';

/**
 * The web app's start-up probe, mounted at /v1/auth/session: in ONE round trip, "is this browser
 * signed in?" and, if so, a fresh access token plus the /me payload (the app used to wait for a
 * refresh and then /me, one after the other, before painting anything). Being signed out is an
 * answer here, not an error: 200 {signed_in:false}, so a signed-out page load logs no failed request
 * in the console (`POST /token/refresh` stays the API clients' refresh, with its 401s).
 */
export const sessionRoutes = new Hono<AppEnv>().post(
  '/',
  describe('Start-up probe: refresh the cookie session and read /me in one call', ['auth'], { auth: false }),
  async (c) => {
    const cookie = getCookie(c, REFRESH_COOKIE);
    if (!cookie) return ok(c, { signed_in: false as const });
    assertTrustedOrigin(c);
    let tokens: Awaited<ReturnType<typeof rotateSession>>;
    try {
      tokens = await rotateSession(c.env, controlDb(c.env), cookie);
    } catch (err) {
      // Expired, revoked, reused: the cookie is dead either way; say "signed out" and drop it.
      if (!(err instanceof ApiError) || err.status !== 401) throw err;
      clearRefreshCookie(c);
      return ok(c, { signed_in: false as const, reason: err.code });
    }
    setRefreshCookie(c, tokens.refresh);
    // /me answered by its own route (same middleware, same payload), in-process: no second round trip.
    const me = await authRoutes.request(
      '/me',
      { headers: { authorization: `Bearer ${tokens.access}` } },
      c.env,
      c.executionCtx,
    );
    const body = me.ok ? ((await me.json()) as { data: unknown }) : null;
    return ok(c, {
      signed_in: true as const,
      access: tokens.access,
      access_expires_at: tokens.access_expires_at,
      refresh_expires_at: tokens.refresh_expires_at,
      me: body?.data ?? null,
    });
  },
);
