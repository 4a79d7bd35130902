import { Hono } from 'hono';
import { MEMBER_HEADER } from '../../durable-objects/site-coordinator/index';
import { coordinatorOf } from '../ai/jobs-api';
import { verifyAccessToken } from '../auth/tokens';
import type { AppEnv } from '../env';
import { onError } from '../http/on-error';
import { idParam } from '../http/validate';
import { requestId } from '../middleware/request-id';
import { tenantContext } from '../middleware/tenant';
import { requireSite } from '../sites/access';
import { Unauthorized } from '../http/errors';

/**
 * `GET /ws/sites/:siteId?access_token=…`: the live channel of a site (job progress, data changes,
 * presence). Browsers can't set headers on a WebSocket, so the access token comes in the query;
 * access to the site is checked here, before the upgrade reaches the Durable Object.
 */
export const realtimeRoutes = new Hono<AppEnv>({ strict: false }).basePath('/ws');
realtimeRoutes.use('*', requestId);
realtimeRoutes.onError(onError);

realtimeRoutes.get(
  '/sites/:siteId',
  async (c, next) => {
    const token = c.req.query('access_token');
    if (!token) throw new Unauthorized('Connect with ?access_token=<access token>.');
    c.set('session', await verifyAccessToken(c.env, token));
    await next();
  },
  tenantContext,
  async (c) => {
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') return c.json({ success: false, error: 'Expected a WebSocket upgrade.', code: 'upgrade_required', request_id: c.get('requestId') }, 426);
    const tenant = c.get('tenant');
    const site = await requireSite(tenant, idParam(c, 'siteId'), 'read');
    const headers = new Headers(c.req.raw.headers);
    headers.set(MEMBER_HEADER, JSON.stringify({ user_id: tenant.user.id, name: tenant.user.name || tenant.user.email }));
    return coordinatorOf(c.env, tenant.account.id, site.id).stub.fetch(new Request(c.req.raw.url, { headers }));
  },
);
