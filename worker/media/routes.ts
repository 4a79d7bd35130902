import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { MEDIA_COOKIE } from '../auth/cookie';
import { verifyTicket } from '../auth/tickets';
import { verifyAccessToken } from '../lib/access-tokens';
import type { AppEnv } from '../env';
import { NotFound, Unauthorized } from '../http/errors';
import { onError } from '../http/on-error';
import { requestId } from '../middleware/request-id';
import { tenantContext } from '../middleware/tenant';
import { requireSite } from '../sites/access';

const KEY = /^accounts\/(\d+)\/sites\/(\d+)\/[A-Za-z0-9._/-]{1,300}$/;

/**
 * `GET /media/<r2 key>`: images from R2, never public. API clients send `Authorization: Bearer`;
 * `<img>` requests can't, so browsers carry a media ticket (POST /api/v1/auth/tickets/, purpose
 * `media`) as an httpOnly cookie scoped to /media — never the access token itself, which a media
 * cookie is refused as. The key names its account and site, and the site must be one the user
 * can see (else 404).
 * Keys are immutable (they contain the job that wrote them), so they cache for a year, privately.
 */
export const mediaRoutes = new Hono<AppEnv>().basePath('/media');
mediaRoutes.use('*', requestId);
mediaRoutes.onError(onError);

mediaRoutes.get(
  '/*',
  async (c, next) => {
    const header = c.req.header('authorization')?.replace(/^Bearer\s+/i, '');
    if (header) {
      c.set('session', await verifyAccessToken(c.env, header));
    } else {
      const cookie = getCookie(c, MEDIA_COOKIE);
      if (!cookie) throw new Unauthorized('Sign in to see this image.');
      const ticket = await verifyTicket(c.env, cookie, 'media');
      c.set('session', {
        userId: ticket.userId,
        accountId: ticket.accountId,
        role: ticket.role,
        tokenVersion: ticket.tokenVersion,
      });
    }
    await next();
  },
  tenantContext,
  async (c) => {
    const tenant = c.get('tenant');
    const key = decodeURIComponent(new URL(c.req.url).pathname.slice('/media/'.length));
    const m = KEY.exec(key);
    if (!m || key.includes('..') || Number(m[1]) !== tenant.account.id) throw new NotFound('Image');
    try {
      await requireSite(tenant, Number(m[2]), 'read');
    } catch {
      throw new NotFound('Image');
    }
    const etag = c.req.header('if-none-match');
    const object = await c.env.MEDIA.get(
      key,
      etag ? { onlyIf: { etagDoesNotMatch: etag.replace(/"/g, '') } } : undefined,
    );
    if (!object) throw new NotFound('Image');
    const headers = new Headers({
      'cache-control': 'private, max-age=31536000, immutable',
      etag: object.httpEtag,
      'content-type': object.httpMetadata?.contentType ?? 'application/octet-stream',
      'x-content-type-options': 'nosniff',
    });
    if (!('body' in object) || !object.body) return new Response(null, { status: 304, headers });
    return new Response(object.body, { headers });
  },
);
