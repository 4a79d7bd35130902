import { Hono } from 'hono';
import { DRAFT_ACCESS_HEADER, type DraftAccess } from '../../durable-objects/draft-room/protocol';
import { assertTicketAccount, authenticateTicket, ticketOf } from '../auth/tickets';
import type { AppEnv } from '../env';
import { onError } from '../http/on-error';
import { idParam } from '../http/validate';
import { requestId } from '../middleware/request-id';
import { tenantContext } from '../middleware/tenant';
import { requireContent } from './content-access';
import { draftRoomOf } from '../../durable-objects/draft-room/client';
import { authorizedUpgrade } from '../realtime/socket-upgrade';

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
    return draftRoomOf(c.env, tenant.account.id, draft.id).stub.fetch(
      authorizedUpgrade(c, draft.site_id, { [DRAFT_ACCESS_HEADER]: access }),
    );
  },
);
