import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../env';
import { Forbidden, Unauthorized } from '../http/errors';
import { REFRESH_TOKEN_TTL_SECONDS } from '../lib/access-tokens';

/**
 * The browser's refresh token lives in an httpOnly cookie scoped to the auth routes: script can't
 * read it, and other API routes never see it. SameSite=Strict plus an Origin check on every
 * cookie-authenticated write is the CSRF defence.
 */
export const REFRESH_COOKIE = 'igny8_refresh';
/** A media ticket (worker/auth/tickets.ts) for `<img src="/media/…">` requests, which can't send a header. */
export const MEDIA_COOKIE = 'igny8_media';
const COOKIE_PATH = '/api/v1/auth';
/**
 * Every cookie we set, and every clearing of one (a browser only replaces a cookie of the same name,
 * path and Secure). Always Secure: browsers keep Secure cookies on http://localhost too (it is a
 * secure context), so local development needs no exception.
 */
export const HARDENED_COOKIE = { httpOnly: true, sameSite: 'Strict', secure: true } as const;

export function setRefreshCookie(c: Context<AppEnv>, refresh: string) {
  setCookie(c, REFRESH_COOKIE, refresh, { ...HARDENED_COOKIE, path: COOKIE_PATH, maxAge: REFRESH_TOKEN_TTL_SECONDS });
}

export function clearRefreshCookie(c: Context<AppEnv>) {
  deleteCookie(c, MEDIA_COOKIE, { ...HARDENED_COOKIE, path: '/media' });
  deleteCookie(c, REFRESH_COOKIE, { ...HARDENED_COOKIE, path: COOKIE_PATH });
}

/** A cookie-authenticated write must come from our own origin (or a configured one). */
export function assertTrustedOrigin(c: Context<AppEnv>) {
  const origin = c.req.header('origin');
  if (!origin) throw new Forbidden('Cookie-authenticated requests must send an Origin header.', 'origin_required');
  const allowed = new Set([
    new URL(c.req.url).origin,
    ...c.env.ALLOWED_ORIGINS.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ]);
  if (!allowed.has(origin))
    throw new Forbidden(`Origin ${origin} may not use this session cookie.`, 'origin_not_allowed');
}

/** The refresh token from the body (API clients) or the cookie (browsers, origin-checked). */
export function presentedRefreshToken(
  c: Context<AppEnv>,
  fromBody: string | undefined,
): { token: string; viaCookie: boolean } {
  if (fromBody) return { token: fromBody, viaCookie: false };
  const cookie = getCookie(c, REFRESH_COOKIE);
  if (!cookie)
    throw new Unauthorized('No refresh token: send {"refresh": "..."} or the session cookie.', 'refresh_missing');
  assertTrustedOrigin(c);
  return { token: cookie, viaCookie: true };
}
