/**
 * One open draft: its Yjs document, synced with the DraftRoom over y-websocket (y-partyserver's
 * provider at /parties/draft-room/<contentId>), and who else is in it (awareness). Every (re)connect
 * asks for a fresh access token, because the socket carries it in the query and tokens are short-lived.
 */
import YProvider from 'y-partyserver/provider';
import * as Y from 'yjs';
import { freshAccessToken } from '$lib/api/client';

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

  constructor(contentId: number) {
    this.provider = new YProvider(location.host, String(contentId), this.doc, {
      party: 'draft-room',
      protocol: location.protocol === 'https:' ? 'wss' : 'ws',
      params: async () => ({ access_token: (await freshAccessToken()) ?? '' }),
      // Other tabs of this browser go through the server too (one source of truth for permissions).
      disableBc: true,
    });
    this.provider.on('status', ({ status }: { status: string }) => (this.connected = status === 'connected'));
    this.provider.on('sync', (synced: boolean) => (this.synced = synced));
    this.provider.awareness.on('change', this.#readAwareness);
  }

  /** The collaboration caret extension keeps `user: {name, color}` in each client's awareness state. */
  #readAwareness = () => {
    const self = this.provider.awareness.clientID;
    const list: Collaborator[] = [];
    for (const [clientId, state] of this.provider.awareness.getStates()) {
      const user = (state as { user?: { name?: unknown; color?: unknown } }).user;
      if (!user || typeof user.name !== 'string') continue;
      list.push({ clientId, name: user.name, color: typeof user.color === 'string' ? user.color : '#71717a', self: clientId === self });
    }
    this.collaborators = list.sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name));
  };

  destroy() {
    this.provider.awareness.off('change', this.#readAwareness);
    this.provider.destroy();
    this.doc.destroy();
  }
}
