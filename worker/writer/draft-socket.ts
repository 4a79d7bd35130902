import { Hono } from 'hono';
import { DRAFT_ACCESS_HEADER, type DraftAccess } from '../../durable-objects/draft-room/protocol';
import { GRANT_HEADER, type SocketGrant } from '../../durable-objects/live-access';
import { assertTicketAccount, authenticateTicket, ticketOf } from '../auth/tickets';
import type { AppEnv } from '../env';
import { onError } from '../http/on-error';
import { idParam } from '../http/validate';
import { requestId } from '../middleware/request-id';
import { tenantContext } from '../middleware/tenant';
import { requireContent } from './content-access';
import { draftRoomOf } from './draft-room-client';

/**
 * `GET /parties/draft-room/:contentId?ticket=…`: the live Yjs document of a draft. The path is the
 * one y-partyserver's YProvider (`party: 'draft-room'`) and a stock y-websocket
 * `WebsocketProvider('ws://host/parties/draft-room', contentId, doc, { params: { ticket } })`
 * build (server URL + '/' + room, params as the query).
 *
 * Browsers can't set headers on a WebSocket, so a `draft_socket` ticket for this draft (POST
 * /api/v1/auth/tickets/) comes in the query, never the access token. Everything is decided here,
 * before the upgrade reaches the room: no ticket → 401; a draft of another account or on a site
 * the user can't see → 404; viewers get a read-only socket, other roles a read-write one. The room
 * keeps re-checking the grant (durable-objects/live-access.ts) while the socket is open.
 */
export const draftSocketRoutes = new Hono<AppEnv>({ strict: false }).basePath('/parties');
draftSocketRoutes.use('*', requestId);
draftSocketRoutes.onError(onError);

draftSocketRoutes.get(
  '/draft-room/:contentId',
  authenticateTicket('draft_socket', 'contentId'),
  tenantContext,
  async (c) => {
    const tenant = c.get('tenant');
    const ticket = ticketOf(c.req.raw);
    assertTicketAccount(ticket, tenant.account.id);
    const draft = await requireContent(tenant, idParam(c, 'contentId'), 'read');
    const access: DraftAccess = tenant.can('data:write') ? 'write' : 'read';
    const grant: SocketGrant = {
      user_id: tenant.user.id,
      name: tenant.user.name || tenant.user.email,
      account_id: tenant.account.id,
      role: tenant.user.role,
      tv: ticket.tokenVersion,
      exp: ticket.sessionExp * 1000,
      site_id: draft.site_id,
      shard: tenant.shard,
    };
    // `set` replaces whatever a client sent under these names.
    const headers = new Headers(c.req.raw.headers);
    headers.set(DRAFT_ACCESS_HEADER, access);
    headers.set(GRANT_HEADER, JSON.stringify(grant));
    // The room keeps the socket's URL (partyserver stores it with the socket): not with the ticket in it.
    const url = new URL(c.req.url);
    url.searchParams.delete('ticket');
    return draftRoomOf(c.env, tenant.account.id, draft.id).stub.fetch(new Request(url, { headers }));
  },
);
