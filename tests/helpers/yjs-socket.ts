import { exports } from 'cloudflare:workers';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { draftFragment, draftToHtml } from '../../core/draft';
import { ORIGIN } from './api';
import { closeEventOf, socketTicket, withTimeout } from './socket';

/**
 * A Yjs client of a draft room from a workerd test: the upgrade request a browser sends to
 * `/parties/draft-room/:id?ticket=` (a draft_socket ticket got with an access token), then the y-websocket
 * sync protocol (y-protocols/sync over lib0 encoding, message type 0 = sync, 1 = awareness) — what
 * y-websocket's provider speaks,
 * minus reconnection, so a test controls every step.
 */
const MESSAGE_SYNC = 0;
const REMOTE = Symbol('remote');

export async function connectDraft(
  contentId: number,
  token: string | null | { ticket: string },
  headers: Record<string, string> = { Upgrade: 'websocket' },
): Promise<Response> {
  const ticket =
    token === null || typeof token === 'object'
      ? token?.ticket
      : await socketTicket('draft_socket', contentId, token, headers);
  if (ticket instanceof Response) return ticket;
  const query = ticket === undefined ? '' : `?ticket=${encodeURIComponent(ticket)}`;
  return (exports as any).default.fetch(new Request(`${ORIGIN}/parties/draft-room/${contentId}${query}`, { headers }));
}

export interface DraftClient {
  doc: Y.Doc;
  fragment: Y.XmlFragment;
  ws: WebSocket;
  /** Resolves once the server's state arrived (sync step 2). */
  synced: Promise<void>;
  html(): string;
  /** Polls until `check` holds (or throws after `timeoutMs`). */
  until(what: string, check: () => boolean, timeoutMs?: number): Promise<void>;
  close(): void;
  /** Resolves with the close event once the server closed the socket; throws after `timeoutMs`. */
  closed(timeoutMs?: number): Promise<{ code: number; reason: string }>;
}

function send(ws: WebSocket, write: (e: encoding.Encoder) => void) {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MESSAGE_SYNC);
  write(e);
  ws.send(encoding.toUint8Array(e));
}

export async function openDraft(contentId: number, token: string | { ticket: string }): Promise<DraftClient> {
  const res = await connectDraft(contentId, token);
  if (res.status !== 101 || !res.webSocket) throw new Error(`no upgrade: ${res.status} ${await res.text()}`);
  const ws = res.webSocket;
  const doc = new Y.Doc();
  let markSynced: () => void = () => {};
  const synced = new Promise<void>((resolve) => (markSynced = resolve));
  ws.addEventListener('message', (event: MessageEvent) => {
    if (typeof event.data === 'string') throw new Error(`string frame from the room: ${event.data}`);
    const decoder = decoding.createDecoder(new Uint8Array(event.data as ArrayBuffer));
    if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return; // awareness: not needed here
    const reply = encoding.createEncoder();
    encoding.writeVarUint(reply, MESSAGE_SYNC);
    const type = syncProtocol.readSyncMessage(decoder, reply, doc, REMOTE);
    if (type === syncProtocol.messageYjsSyncStep2) markSynced();
    if (encoding.length(reply) > 1) ws.send(encoding.toUint8Array(reply));
  });
  // workerd hands binary frames to a client socket as Blobs unless told otherwise.
  (ws as WebSocket & { binaryType: string }).binaryType = 'arraybuffer';
  const closed = closeEventOf(ws);
  ws.accept();
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== REMOTE) send(ws, (e) => syncProtocol.writeUpdate(e, update));
  });
  send(ws, (e) => syncProtocol.writeSyncStep1(e, doc));
  const fragment = draftFragment(doc);
  return {
    doc,
    fragment,
    ws,
    synced,
    html: () => draftToHtml(fragment),
    async until(what, check, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!check()) {
        if (Date.now() > deadline)
          throw new Error(`timed out waiting for ${what}; draft is ${draftToHtml(fragment).slice(0, 300)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: () => ws.close(1000, 'test done'),
    closed: (timeoutMs = 15_000) => withTimeout(closed, timeoutMs, 'the server to close the draft socket'),
  };
}
