/**
 * What a draft room sends to its sockets, batched per tick: every document update and awareness
 * change made in one turn of the event loop goes out as ONE merged sync frame and ONE awareness
 * frame, the same bytes for every socket.
 *
 * Why: y-partyserver sends one frame per update to every socket (20 editors typing 10 characters a
 * second = 4,000 frames a second), and a frame through the Worker costs far more than merging.
 * When: a room that sent nothing for `idleMs` sends at once (a microtask: right after the message
 * being handled, in the same event), so a lone typist's keystroke waits for no timer. A busy room
 * flushes on the next turn of the event loop (setTimeout 0): the messages already waiting for the
 * room are read first and merged into the same frame. Measured with 20 editors typing 10
 * characters a second: flushing every message at once (a frame per update per socket) fell
 * seconds behind; merging per turn kept the room ahead. Awareness (carets) coalesces the same way:
 * a burst of caret moves from one client becomes its latest state.
 */
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { MESSAGE_AWARENESS, MESSAGE_SYNC } from './guard';

/** The part of a partyserver Connection the fan-out needs. */
export interface Peer {
  readonly readyState: number;
  send(frame: Uint8Array): void;
}

const OPEN = 1;
/** A room that flushed less than this long ago is busy: it merges per turn of the event loop. */
export const IDLE_AFTER_MS = 20;

function runLater(flush: () => void, when: 'now' | 'next turn') {
  if (when === 'now') queueMicrotask(flush);
  else setTimeout(flush, 0);
}

export class RoomFanout<P extends Peer> {
  private updates: Uint8Array[] = [];
  /** The socket every queued update came from (it has them already), or null when several did. */
  private sender: P | null | undefined = undefined;
  private readonly awarenessClients = new Set<number>();
  private scheduled = false;
  private lastFlush = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly peers: () => Iterable<P>,
    private readonly awareness: awarenessProtocol.Awareness,
    private readonly schedule: (flush: () => void, when: 'now' | 'next turn') => void = runLater,
    // Date.now() in a Durable Object advances between events (not during one): enough to tell a
    // room that just flushed from an idle one.
    private readonly now: () => number = Date.now,
    private readonly idleMs = IDLE_AFTER_MS,
  ) {}

  /** A document update (from a socket, the AI or a restore); `origin` is the socket it came from, if any. */
  update(update: Uint8Array, origin: unknown) {
    this.updates.push(update);
    const from = this.isPeer(origin) ? origin : null;
    this.sender = this.sender === undefined || this.sender === from ? from : null;
    this.arm();
  }

  /** Awareness states that changed, were renewed or removed: their latest state goes out. */
  awarenessChanged(clients: number[]) {
    for (const id of clients) this.awarenessClients.add(id);
    if (clients.length > 0) this.arm();
  }

  /** Sends what is queued now (also called by the timer). */
  flush() {
    this.scheduled = false;
    this.lastFlush = this.now();
    const frames: { frame: Uint8Array; skip: P | null }[] = [];
    if (this.updates.length > 0) {
      const merged = this.updates.length === 1 ? this.updates[0]! : Y.mergeUpdates(this.updates);
      frames.push({ frame: syncUpdateFrame(merged), skip: this.sender ?? null });
      this.updates = [];
      this.sender = undefined;
    }
    if (this.awarenessClients.size > 0) {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
      const states = awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awarenessClients]);
      encoding.writeVarUint8Array(encoder, states);
      frames.push({ frame: encoding.toUint8Array(encoder), skip: null });
      this.awarenessClients.clear();
    }
    if (frames.length === 0) return;
    for (const peer of this.peers()) {
      if (peer.readyState !== OPEN) continue;
      for (const { frame, skip } of frames) {
        if (peer === skip) continue;
        try {
          peer.send(frame);
        } catch {
          /* closing: its close handler cleans up */
        }
      }
    }
  }

  private arm() {
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.flush(), this.now() - this.lastFlush >= this.idleMs ? 'now' : 'next turn');
  }

  private isPeer(origin: unknown): origin is P {
    return typeof origin === 'object' && origin !== null && typeof (origin as Peer).send === 'function';
  }
}

/** y-protocols' sync "update" message carrying `update`. */
export function syncUpdateFrame(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** y-protocols' sync step 2 carrying a whole document's state (the answer to an empty client). */
export function syncStep2Frame(state: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  encoding.writeVarUint(encoder, syncProtocol.messageYjsSyncStep2);
  encoding.writeVarUint8Array(encoder, state);
  return encoding.toUint8Array(encoder);
}
