import { Hono } from 'hono';
import { coordinatorOf } from '../../durable-objects/site-coordinator/engine/client';
import { assertTicketAccount, authenticateTicket, ticketOf } from '../auth/tickets';
import type { AppEnv } from '../env';
import { onError } from '../http/on-error';
import { idParam } from '../http/validate';
import { requestId } from '../middleware/request-id';
import { tenantContext } from '../middleware/tenant';
import { requireSite } from '../sites/access';
import { authorizedUpgrade } from './socket-upgrade';

/**
 * `GET /ws/sites/:siteId?ticket=…`: the live channel of a site (job progress, data changes,
 * presence). Browsers can't set headers on a WebSocket, so a `site_socket` ticket for this site
 * (POST /api/v1/auth/tickets/) comes in the query, never the access token. Access to the site is
 * checked here, before the upgrade reaches the Durable Object, which then keeps re-checking it
 * (durable-objects/live-access.ts) and closes the socket when it no longer holds.
 */
export const realtimeRoutes = new Hono<AppEnv>({ strict: false }).basePath('/ws');
realtimeRoutes.use('*', requestId);
realtimeRoutes.onError(onError);

realtimeRoutes.get('/sites/:siteId', authenticateTicket('site_socket', 'siteId'), tenantContext, async (c) => {
  const tenant = c.get('tenant');
  const ticket = ticketOf(c.req.raw);
  assertTicketAccount(ticket, tenant.account.id);
  const site = await requireSite(tenant, idParam(c, 'siteId'), 'read');
  return coordinatorOf(c.env, tenant.account.id, site.id).fetch(authorizedUpgrade(c, site.id));
});
