/**
 * What one socket may put into a draft room, beyond y-partyserver's read-only rule for viewers
 * (issue 8, scopes 5 and 9): awareness (names and carets) only for the socket's own Yjs client,
 * under the name the Worker authenticated; no change that grows the document past MAX_DRAFT_BYTES.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { MAX_DRAFT_BYTES } from '../../core/realtime/limits';

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
/** y-protocols/sync: step 1 carries a state vector; step 2 and update both carry a Yjs update. */
const SYNC_STEP_1 = 0;
const SYNC_STEP_2 = 1;
const SYNC_UPDATE = 2;

export type Frame = ArrayBuffer | ArrayBufferView;

export function bytesOf(message: Frame): Uint8Array {
  return message instanceof ArrayBuffer
    ? new Uint8Array(message)
    : new Uint8Array(message.buffer, message.byteOffset, message.byteLength);
}

/**
 * True for a sync step 1 with an empty state vector: a client that holds nothing yet and asks for
 * the whole document (every fresh open), which the room can answer from a cached encoding.
 */
export function asksForWholeDocument(bytes: Uint8Array): boolean {
  const decoder = decoding.createDecoder(bytes);
  if (decoding.readVarUint(decoder) !== MESSAGE_SYNC || decoding.readVarUint(decoder) !== SYNC_STEP_1) return false;
  return Y.decodeStateVector(decoding.readVarUint8Array(decoder)).size === 0;
}

/** The Yjs update a sync message from a client carries (step 2 or update), else null. */
export function syncUpdateOf(bytes: Uint8Array): Uint8Array | null {
  const decoder = decoding.createDecoder(bytes);
  if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return null;
  const step = decoding.readVarUint(decoder);
  return step === SYNC_STEP_2 || step === SYNC_UPDATE ? decoding.readVarUint8Array(decoder) : null;
}

/**
 * An awareness message rewritten to what this socket may say (`update`: its payload alone): only
 * entries for `ownClient`, with `user.name` replaced by the authenticated name. Null: nothing left
 * to relay.
 *
 * `ownClient` is the first client id the socket announced that no one else in the room holds
 * (`taken`): clients echo the states of others back (y-partyserver's provider sends every changed
 * state), and a socket must never become the owner of someone else's caret.
 */
export function filterAwareness(
  bytes: Uint8Array,
  ownClient: number | null,
  name: string,
  taken: (clientID: number) => boolean,
): { message: Uint8Array; update: Uint8Array; ownClient: number } | null {
  const decoder = decoding.createDecoder(bytes);
  if (decoding.readVarUint(decoder) !== MESSAGE_AWARENESS) return null;
  const update = decoding.createDecoder(decoding.readVarUint8Array(decoder));
  const kept: { clientID: number; clock: number; state: string }[] = [];
  const count = decoding.readVarUint(update);
  for (let i = 0; i < count; i++) {
    const clientID = decoding.readVarUint(update);
    const clock = decoding.readVarUint(update);
    const raw = decoding.readVarString(update);
    if (ownClient === null && !taken(clientID)) ownClient = clientID;
    if (clientID !== ownClient) continue;
    const state = JSON.parse(raw) as Record<string, unknown> | null;
    if (state !== null && typeof state === 'object') {
      const user = state.user !== null && typeof state.user === 'object' ? (state.user as Record<string, unknown>) : {};
      state.user = { ...user, name };
    }
    kept.push({ clientID, clock, state: JSON.stringify(state) });
  }
  if (kept.length === 0 || ownClient === null) return null;
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, kept.length);
  for (const k of kept) {
    encoding.writeVarUint(inner, k.clientID);
    encoding.writeVarUint(inner, k.clock);
    encoding.writeVarString(inner, k.state);
  }
  const payload = encoding.toUint8Array(inner);
  const outer = encoding.createEncoder();
  encoding.writeVarUint(outer, MESSAGE_AWARENESS);
  encoding.writeVarUint8Array(outer, payload);
  return { message: encoding.toUint8Array(outer), update: payload, ownClient };
}

/**
 * The draft's size, kept cheaply: the exact encoded state is measured only when the running
 * estimate (last measure + the bytes of every update applied since, from sockets or the AI) would
 * pass the cap. An update's bytes over-count its growth, so the estimate only errs high.
 */
export class DraftSize {
  private estimate: number | null = null;

  constructor(
    private readonly doc: Y.Doc,
    readonly max = MAX_DRAFT_BYTES,
  ) {
    doc.on('update', (update: Uint8Array) => {
      if (this.estimate !== null) this.estimate += update.byteLength;
    });
  }

  measure(): number {
    this.estimate = Y.encodeStateAsUpdate(this.doc).byteLength;
    return this.estimate;
  }

  /**
   * Starts the estimate from the bytes the document was loaded from (a stored state and the
   * updates after it): encoding the loaded document again would only cost time (a 1.6 MB draft:
   * tens of milliseconds on the first keystroke after every wake).
   */
  assume(bytes: number) {
    this.estimate = bytes;
  }

  /** True if the update may be applied. Removing content is always allowed: it's how a full draft shrinks. */
  admit(update: Uint8Array): boolean {
    if (this.estimate !== null && this.estimate + update.byteLength <= this.max) return true;
    // Every client's first sync step 2 is usually empty: no reason to measure the document for it.
    if (addsNothing(update)) return true;
    return this.measure() + update.byteLength <= this.max;
  }
}

function addsNothing(update: Uint8Array): boolean {
  return Y.decodeUpdate(update).structs.length === 0;
}
