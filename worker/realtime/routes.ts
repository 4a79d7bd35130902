import { Hono } from 'hono';
import { MEMBER_HEADER } from '../../durable-objects/site-coordinator/index';
import { coordinatorOf } from '../ai/jobs-api';
import type { AppEnv } from '../env';
import { authenticateSocket } from '../middleware/authenticate';
import { onError } from '../http/on-error';
import { idParam } from '../http/validate';
import { requestId } from '../middleware/request-id';
import { tenantContext } from '../middleware/tenant';
import { requireSite } from '../sites/access';

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
  authenticateSocket,
  tenantContext,
  async (c) => {
    const tenant = c.get('tenant');
    const site = await requireSite(tenant, idParam(c, 'siteId'), 'read');
    const headers = new Headers(c.req.raw.headers);
    headers.set(MEMBER_HEADER, JSON.stringify({ user_id: tenant.user.id, name: tenant.user.name || tenant.user.email }));
    return coordinatorOf(c.env, tenant.account.id, site.id).stub.fetch(new Request(c.req.raw.url, { headers }));
  },
);
