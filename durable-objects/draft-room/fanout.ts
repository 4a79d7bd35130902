/**
 * What a draft room sends to its sockets, batched per tick: every document update and awareness
 * change made in one turn of the event loop goes out as ONE merged sync frame and ONE awareness
 * frame, the same bytes for every socket.
 *
 * Why: y-partyserver sends one frame per update to every socket (20 editors typing 10 characters a
 * second = 4,000 frames a second), and a frame through the Worker costs far more than merging. An
 * idle room still answers at once (the flush runs right after the current message); a busy one
 * merges whatever queued up meanwhile instead of falling behind. Awareness (carets) coalesces the
 * same way: a burst of caret moves from one client becomes its latest state.
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

export class RoomFanout<P extends Peer> {
  private updates: Uint8Array[] = [];
  /** The socket every queued update came from (it has them already), or null when several did. */
  private sender: P | null | undefined = undefined;
  private readonly awarenessClients = new Set<number>();
  private scheduled = false;

  constructor(
    private readonly peers: () => Iterable<P>,
    private readonly awareness: awarenessProtocol.Awareness,
    // setTimeout(0), not a microtask: the messages already waiting for the room are read first, so
    // a backlog is merged into one frame instead of each update paying for its own.
    private readonly schedule: (flush: () => void) => void = (flush) => setTimeout(flush, 0),
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
    this.schedule(() => this.flush());
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
