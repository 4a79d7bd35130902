import { Hono } from 'hono';
import { DRAFT_ACCESS_HEADER, DRAFT_USER_HEADER, type DraftAccess } from '../../durable-objects/draft-room/protocol';
import type { AppEnv } from '../env';
import { authenticateSocket } from '../middleware/authenticate';
import { onError } from '../http/on-error';
import { idParam } from '../http/validate';
import { requestId } from '../middleware/request-id';
import { tenantContext } from '../middleware/tenant';
import { requireContent } from './content-access';
import { draftRoomOf } from './draft-room-client';

/**
 * `GET /parties/draft-room/:contentId?access_token=…`: the live Yjs document of a draft. The path
 * is the one y-partyserver's YProvider (`party: 'draft-room'`) and a stock y-websocket
 * `WebsocketProvider('ws://host/parties/draft-room', contentId, doc, { params: { access_token } })`
 * build (server URL + '/' + room, params as the query).
 *
 * Browsers can't set headers on a WebSocket, so the token comes in the query. Everything is decided
 * here, before the upgrade reaches the room: no token → 401; a draft of another account or on a
 * site the user can't see → 404; viewers get a read-only socket, other roles a read-write one.
 */
export const draftSocketRoutes = new Hono<AppEnv>({ strict: false }).basePath('/parties');
draftSocketRoutes.use('*', requestId);
draftSocketRoutes.onError(onError);

draftSocketRoutes.get(
  '/draft-room/:contentId',
  authenticateSocket,
  tenantContext,
  async (c) => {
    const tenant = c.get('tenant');
    const draft = await requireContent(tenant, idParam(c, 'contentId'), 'read');
    const access: DraftAccess = tenant.can('data:write') ? 'write' : 'read';
    // `set` replaces whatever a client sent under these names.
    const headers = new Headers(c.req.raw.headers);
    headers.set(DRAFT_ACCESS_HEADER, access);
    headers.set(DRAFT_USER_HEADER, JSON.stringify({ user_id: tenant.user.id, name: tenant.user.name || tenant.user.email }));
    // The room keeps the socket's URL (partyserver stores it with the socket): not with the token in it.
    const url = new URL(c.req.url);
    url.searchParams.delete('access_token');
    return draftRoomOf(c.env, tenant.account.id, draft.id).stub.fetch(new Request(url, { headers }));
  },
);
