/**
 * `/api/v1/site-builder/preview`: the builder's live preview — a blueprint's site rendered now from
 * the current data, page by page, for an <iframe>. Links in the pages are relative, so they stay
 * under `/preview/<id>/`; images and the stylesheet are served from here too (same access check).
 *
 * An iframe can't send `Authorization`, so, like `<img>` and /media, the browser carries a ticket
 * cookie: `POST /preview/session/` (Bearer) sets `igny8_preview`, httpOnly and scoped to this
 * prefix, holding a media-purpose ticket (the same read-what-you-can-see capability, expiring with the
 * access token it was issued under). API clients may send Bearer instead. A blueprint of another
 * account, or of a site the user can't see, is 404.
 */
import { and, eq } from 'drizzle-orm';
import { type Context, Hono, type Next } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { decodeJwt } from 'jose';
import { siteBlueprints } from '../../core/schema/shard';
import { HARDENED_COOKIE } from '../auth/cookie';
import { signTicket, verifyTicket } from '../auth/tickets';
import type { AppEnv } from '../env';
import { NotFound, Unauthorized } from '../http/errors';
import { created } from '../http/respond';
import { requireSiteOf } from '../http/site-access';
import { describe } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { tenantContext } from '../middleware/tenant';
import { loadSiteModel } from '../site-builder/site-model';
import { renderPreview } from './plan';

export const PREVIEW_COOKIE = 'igny8_preview';
export const PREVIEW_PREFIX = '/api/v1/site-builder/preview';
/**
 * The rendered pages ship no script; images come from this origin (or data: URIs in article HTML).
 * frame-ancestors 'self': the builder frames it (worker/http/security-headers.ts would add 'none').
 */
export const PREVIEW_CSP =
  "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'";

/** Bearer when sent; otherwise the preview cookie's ticket. */
async function previewSession(c: Context<AppEnv>, next: Next) {
  if (c.req.header('authorization')) return authenticate(c, next);
  const cookie = getCookie(c, PREVIEW_COOKIE);
  if (!cookie) throw new Unauthorized('Open the preview from the Site Builder (POST /preview/session/ first).');
  const ticket = await verifyTicket(c.env, cookie, 'media');
  c.set('session', {
    userId: ticket.userId,
    accountId: ticket.accountId,
    role: ticket.role,
    tokenVersion: ticket.tokenVersion,
  });
  await next();
}

const PREVIEW_PATH = /\/preview\/(\d{1,15})(\/.*)?$/;

export const sitePreviewRoutes = new Hono<AppEnv>()
  .post(
    '/session',
    describe('Set the preview cookie the builder’s preview iframe carries', ['site-builder']),
    authenticate,
    tenantContext,
    async (c) => {
      const tenant = c.get('tenant');
      const access = decodeJwt(
        c.req
          .header('authorization')!
          .replace(/^Bearer\s+/i, '')
          .trim(),
      );
      const { ticket, expiresAt } = await signTicket(c.env, {
        userId: tenant.user.id,
        accountId: tenant.account.id,
        role: tenant.user.role,
        purpose: 'media',
        target: null,
        sessionExp: access.exp!,
        tokenVersion: c.get('session').tokenVersion,
      });
      setCookie(c, PREVIEW_COOKIE, ticket, {
        ...HARDENED_COOKIE,
        path: PREVIEW_PREFIX,
        maxAge: Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000)),
      });
      return created(c, { expires_at: expiresAt.toISOString() });
    },
  )
  .get('/:blueprintId/*', previewSession, tenantContext, (c) => servePreview(c))
  .get('/:blueprintId', previewSession, tenantContext, (c) => servePreview(c));

async function servePreview(c: Context<AppEnv>): Promise<Response> {
  const url = new URL(c.req.url);
  const match = PREVIEW_PATH.exec(url.pathname);
  if (!match) throw new NotFound('Blueprint');
  const blueprintId = Number(match[1]);
  // Relative links need the directory form: /preview/5 → /preview/5/.
  if (match[2] === undefined) return c.redirect(`${url.pathname}/${url.search}`, 308);
  const urlPath = decodeURIComponent(match[2].slice(1));
  if (urlPath.split('/').some((segment) => segment === '..' || segment === '.')) throw new NotFound('Page');

  const tenant = c.get('tenant');
  const blueprint = await tenant.db
    .select({ siteId: siteBlueprints.site_id })
    .from(siteBlueprints)
    .where(and(eq(siteBlueprints.account_id, tenant.account.id), eq(siteBlueprints.id, blueprintId)))
    .get();
  if (!blueprint) throw new NotFound('Blueprint');
  await requireSiteOf(tenant, blueprint.siteId, 'read', 'Blueprint');

  const model = await loadSiteModel(tenant.db, {
    accountId: tenant.account.id,
    siteId: blueprint.siteId,
    blueprintId,
    baseUrl: `${url.origin}${PREVIEW_PREFIX}/${blueprintId}/`,
    now: Date.now(),
  });
  if (!model) throw new NotFound('Blueprint');

  const headers = new Headers({
    'content-security-policy': PREVIEW_CSP,
    'x-frame-options': 'SAMEORIGIN',
    'cache-control': 'private, no-store',
    'x-robots-tag': 'noindex',
    'x-content-type-options': 'nosniff',
  });
  const binary = model.binaries.find((b) => b.path === urlPath);
  if (binary) {
    const object = await c.env.MEDIA.get(binary.sourceKey);
    if (!object) throw new NotFound('Image');
    headers.set('content-type', binary.contentType);
    return new Response(object.body, { headers });
  }
  const file = renderPreview(model, urlPath);
  if (file) {
    headers.set('content-type', file.contentType);
    return new Response(file.body, { headers });
  }
  // "blog/x" → "blog/x/" when that page exists (the site server does the same).
  if (urlPath && !urlPath.endsWith('/') && renderPreview(model, `${urlPath}/`)) {
    return c.redirect(`${url.pathname}/${url.search}`, 308);
  }
  const notFound = renderPreview(model, '404.html');
  headers.set('content-type', 'text/html; charset=utf-8');
  return new Response(notFound?.body ?? 'Not found', { status: 404, headers });
}
