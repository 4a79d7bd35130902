/**
 * One open draft: its Yjs document, synced with the DraftRoom over y-websocket (y-partyserver's
 * provider at /parties/draft-room/<contentId>), and who else is in it (awareness). Every
 * (re)connect asks for a fresh draft_socket ticket (a minute long: never the access token), after
 * making sure the media cookie is in place, since the draft's images load from /media.
 *
 * The room closes a socket with a named code (core/realtime/close-codes.ts) when the session
 * expired or access changed (reconnect with a new ticket), or when reconnecting can't help
 * (access removed, draft too large, too many tabs): then the session stops and says why.
 */
import YProvider from 'y-partyserver/provider';
import * as Y from 'yjs';
import { FINAL_CLOSE_CODES, closeMessage } from '$core/realtime/close-codes';
import { LIMITS_MAP, type DraftLimitNotice } from '$core/realtime/limits';
import { socketTicket } from '$lib/realtime/tickets';
import { keepMediaCookieFresh } from '$lib/writer/media-cookie';

export interface Collaborator {
  clientId: number;
  name: string;
  color: string;
  self: boolean;
}

export class DraftSession {
  readonly doc = new Y.Doc();
  readonly provider: YProvider;
  connected = $state(false);
  synced = $state(false);
  collaborators = $state<Collaborator[]>([]);
  /** Why the room last closed the socket ("Your session expired — reconnecting…"); null while all is well. */
  closeNotice = $state<string | null>(null);
  /** Set by the room (for every client) when the draft reached its size limit. */
  limitNotice = $state<string | null>(null);

  constructor(contentId: number) {
    this.provider = new YProvider(location.host, String(contentId), this.doc, {
      party: 'draft-room',
      protocol: location.protocol === 'https:' ? 'wss' : 'ws',
      params: async () => {
        await keepMediaCookieFresh().catch(() => undefined);
        return { ticket: (await socketTicket('draft_socket', contentId)) ?? '' };
      },
      // Other tabs of this browser go through the server too (one source of truth for permissions).
      disableBc: true,
    });
    this.provider.on('status', ({ status }: { status: string }) => {
      this.connected = status === 'connected';
      if (this.connected) this.closeNotice = null;
    });
    this.provider.on('sync', (synced: boolean) => (this.synced = synced));
    this.provider.on('connection-close', this.#closed);
    this.provider.awareness.on('change', this.#readAwareness);
    this.doc.getMap(LIMITS_MAP).observe(this.#readLimits);
    this.#readLimits();
  }

  #closed = (event: CloseEvent | null) => {
    const code = event?.code ?? 0;
    this.closeNotice = closeMessage(code);
    // Reconnecting would be refused again (or refused the same change): stop until the user acts.
    if (FINAL_CLOSE_CODES.includes(code)) this.provider.disconnect();
  };

  #readLimits = () => {
    const notice = this.doc.getMap(LIMITS_MAP).get('document') as DraftLimitNotice | undefined;
    this.limitNotice = notice?.message ?? null;
  };

  /** The collaboration caret extension keeps `user: {name, color}` in each client's awareness state. */
  #readAwareness = () => {
    const self = this.provider.awareness.clientID;
    const list: Collaborator[] = [];
    for (const [clientId, state] of this.provider.awareness.getStates()) {
      const user = (state as { user?: { name?: unknown; color?: unknown } }).user;
      if (!user || typeof user.name !== 'string') continue;
      list.push({
        clientId,
        name: user.name,
        color: typeof user.color === 'string' ? user.color : '#71717a',
        self: clientId === self,
      });
    }
    this.collaborators = list.sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name));
  };

  destroy() {
    this.provider.off('connection-close', this.#closed);
    this.provider.awareness.off('change', this.#readAwareness);
    this.doc.getMap(LIMITS_MAP).unobserve(this.#readLimits);
    this.provider.destroy();
    this.doc.destroy();
  }
}
