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

/** The room's root map of the AI writer's progress (GENERATION_MAP in durable-objects/draft-room/generation.ts). */
const GENERATION_MAP = 'generation';

/** What the saved/syncing indicator says (see #trackSaving). */
export type SaveState = 'connecting' | 'saving' | 'saved' | 'offline';

/** The AI writer's progress, from the room's `generation` map (durable-objects/draft-room/generation.ts). */
export interface GenerationProgress {
  status: 'generating' | 'done' | 'stopped';
  /** Sections already in the draft. */
  written: number;
  /** Sections the outline asks for; 0 when the article has no outline. */
  total: number;
}

/**
 * The room saves 2 s after the last change it received (durable-objects/draft-room: y-partyserver's
 * debounce) and sends no acknowledgement, so a local change counts as saved once it was sent on an
 * open socket and that debounce has passed.
 */
const ROOM_SAVE_DEBOUNCE_MS = 2_000;
const SAVE_SETTLE_MS = ROOM_SAVE_DEBOUNCE_MS + 500;

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
  saveState = $state<SaveState>('connecting');
  generation = $state<GenerationProgress | null>(null);
  #unsent = false;
  #settle: ReturnType<typeof setTimeout> | undefined;

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
      else this.synced = false;
      this.#readSaveState();
    });
    this.provider.on('sync', (synced: boolean) => {
      this.synced = synced;
      // The sync exchange carries what was typed offline to the room: from here the debounce applies.
      if (synced && this.#unsent) this.#startSettling();
      this.#unsent = false;
      this.#readSaveState();
    });
    this.doc.on('update', this.#trackSaving);
    this.doc.getMap(GENERATION_MAP).observe(this.#readGeneration);
    this.#readGeneration();
    this.provider.on('connection-close', this.#closed);
    this.provider.awareness.on('change', this.#readAwareness);
    this.doc.getMap(LIMITS_MAP).observe(this.#readLimits);
    this.#readLimits();
  }

  /** Changes from this editor (not those the provider applied from the room) start a save. */
  #trackSaving = (_update: Uint8Array, origin: unknown) => {
    if (origin === this.provider) return;
    if (this.connected && this.synced) this.#startSettling();
    else this.#unsent = true;
    this.#readSaveState();
  };

  #startSettling() {
    clearTimeout(this.#settle);
    this.#settle = setTimeout(() => {
      this.#settle = undefined;
      this.#readSaveState();
    }, SAVE_SETTLE_MS);
  }

  #readSaveState() {
    if (!this.connected || !this.synced) this.saveState = this.#unsent ? 'offline' : 'connecting';
    else this.saveState = this.#settle !== undefined ? 'saving' : 'saved';
    if (!this.connected && this.#unsent) this.saveState = 'offline';
  }

  #readGeneration = () => {
    const m = this.doc.getMap<unknown>(GENERATION_MAP);
    const status = m.get('status');
    this.generation =
      status === 'generating' || status === 'done' || status === 'stopped'
        ? { status, written: Number(m.get('sections') ?? 0), total: Number(m.get('total') ?? 0) }
        : null;
  };

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
    this.doc.getMap(GENERATION_MAP).unobserve(this.#readGeneration);
    this.doc.off('update', this.#trackSaving);
    clearTimeout(this.#settle);
    this.provider.destroy();
    this.doc.destroy();
  }
}
