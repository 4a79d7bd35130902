/**
 * The draft's Yjs state in Durable Object storage, in a versioned layout:
 *
 *   draft/meta            { v: 1, gen, chunks, bytes, log: [seq…], log_bytes, next_seq, saved_at }
 *   draft/snap/<gen>/<i>  the full state (Y.encodeStateAsUpdate), cut into chunks
 *   draft/log/<seq>       what each save added after the snapshot, applied in order on load
 *
 * Why: a storage value is capped at 2 MB (STACK.md), so a large document is chunked; rewriting the
 * whole document on every save would cost as many writes as it has chunks, so a save appends only
 * what changed (a log entry) and the log is folded into a new snapshot once it grows.
 *
 * Every save is atomic: its put() and delete() calls are issued without an await between them,
 * which Durable Objects commit as one batch ("write coalescing"); a snapshot is written under a new
 * generation and only then becomes current through the meta record in the same batch.
 */
import * as Y from 'yjs';

/** Half the 2 MB value cap: room for the structured-clone envelope. */
export const CHUNK_BYTES = 1024 * 1024;
/** put() and delete() take at most 128 keys per call. */
const MAX_KEYS_PER_CALL = 128;
const META_KEY = 'draft/meta';
const snapKey = (gen: number, i: number) => `draft/snap/${gen}/${i}`;
const logKey = (seq: number) => `draft/log/${seq}`;

interface MetaV1 {
  v: 1;
  /** Generation of the current snapshot's chunks. */
  gen: number;
  chunks: number;
  bytes: number;
  /** Sequence numbers of the log entries after the snapshot, in order. */
  log: number[];
  log_bytes: number;
  next_seq: number;
  saved_at: number;
}
/** Every layout this code has written; a new one gets a new `v` and a case in `load`. */
type StoredMeta = MetaV1;

/** The subset of DurableObjectStorage this store uses (an in-memory fake implements it in tests). */
export interface KvStorage {
  get<T = unknown>(key: string): Promise<T | undefined>;
  get<T = unknown>(keys: string[]): Promise<Map<string, T>>;
  put(entries: Record<string, unknown>): Promise<void>;
  delete(keys: string[]): Promise<number>;
}

export interface StoreLimits {
  chunkBytes: number;
  /** Fold the log into a new snapshot past this many entries… */
  compactAfterEntries: number;
  /** …or past this many bytes of log. */
  compactAfterBytes: number;
}

export const DEFAULT_LIMITS: StoreLimits = {
  chunkBytes: CHUNK_BYTES,
  compactAfterEntries: 64,
  compactAfterBytes: 512 * 1024,
};

export type SaveResult =
  | { kind: 'unchanged' }
  | { kind: 'appended'; bytes: number; keys_written: number }
  | { kind: 'compacted'; bytes: number; chunks: number; keys_written: number; keys_deleted: number };

/** Running totals, for the benchmark's "storage writes per update". */
export interface StoreStats {
  saves: number;
  put_calls: number;
  keys_written: number;
  bytes_written: number;
  compactions: number;
}

export class DraftStore {
  private meta: StoredMeta | null = null;
  /** The document's state vector as of the last load or save: a save writes what came after it. */
  private savedVector: Uint8Array | null = null;
  /** A change (other than the load itself) since the last save. */
  private changed = false;
  private detach: (() => void) | null = null;
  readonly stats: StoreStats = { saves: 0, put_calls: 0, keys_written: 0, bytes_written: 0, compactions: 0 };
  /**
   * What the last load read: its size, and the stored snapshot itself when no log followed it (then
   * it is the whole document as one update, which a fresh client can be sent without encoding it).
   */
  loaded: { bytes: number; wholeState: Uint8Array | null } | null = null;

  constructor(
    private readonly storage: KvStorage,
    private readonly limits: StoreLimits = DEFAULT_LIMITS,
  ) {}

  /** Restores the stored state into `doc`; false when nothing was stored yet. */
  async load(doc: Y.Doc): Promise<boolean> {
    const meta = await this.storage.get<StoredMeta>(META_KEY);
    if (!meta) return false;
    switch (meta.v) {
      case 1: {
        // One read for the snapshot's chunks and the log (not one per kind): a cold open waits for it.
        const snapKeys = Array.from({ length: meta.chunks }, (_, i) => snapKey(meta.gen, i));
        const values = await this.readAll([...snapKeys, ...meta.log.map(logKey)]);
        const snapshot = values.slice(0, snapKeys.length);
        const log = values.slice(snapKeys.length);
        // Missing pieces mean damaged storage: fail loudly rather than serve (and then save) a partial draft.
        const bytes = concat(snapshot, meta.bytes);
        Y.applyUpdate(doc, bytes, this);
        for (const entry of log) Y.applyUpdate(doc, entry, this);
        this.meta = meta;
        this.loaded = { bytes: meta.bytes + meta.log_bytes, wholeState: log.length === 0 ? bytes : null };
        return true;
      }
      default: {
        const unknown: never = meta.v;
        throw new Error(`Unknown draft storage layout v${String(unknown)}`);
      }
    }
  }

  /** Starts recording `doc`'s changes (call after load, so the loaded state is not saved again). */
  track(doc: Y.Doc) {
    this.detach?.();
    if (this.meta) this.savedVector ??= Y.encodeStateVector(doc);
    const onUpdate = (_update: Uint8Array, origin: unknown) => {
      if (origin !== this) this.changed = true;
    };
    doc.on('update', onUpdate);
    this.detach = () => doc.off('update', onUpdate);
  }

  get dirty(): boolean {
    return this.changed || this.meta === null;
  }

  /**
   * Writes what changed since the last save (or a new snapshot when the log is due for folding).
   * Saves run one at a time: two interleaved saves would both append under the same sequence number.
   */
  save(doc: Y.Doc): Promise<SaveResult> {
    const run = this.queue.then(() => this.saveNow(doc));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private queue: Promise<unknown> = Promise.resolve();

  private async saveNow(doc: Y.Doc): Promise<SaveResult> {
    if (!this.dirty) return { kind: 'unchanged' };
    this.changed = false;
    // Taken in the same synchronous step as the encoding below: the state this save covers.
    const vector = Y.encodeStateVector(doc);
    try {
      // What changed since the last save: the structs after its state vector, and the deletions
      // (a delete set is always whole). Not Y.mergeUpdates of the updates since: it costs ~n² for n
      // updates (measured: 10 s of 20 editors typing, ~2,000 updates, stalled the room 0.3-1 s).
      const meta = this.meta;
      const delta = meta && this.savedVector ? Y.encodeStateAsUpdate(doc, this.savedVector) : null;
      const result =
        meta &&
        delta &&
        meta.log.length < this.limits.compactAfterEntries &&
        meta.log_bytes + delta.byteLength <= this.limits.compactAfterBytes &&
        delta.byteLength <= this.limits.chunkBytes
          ? await this.append(meta, delta)
          : await this.compact(doc);
      this.savedVector = vector;
      this.stats.saves++;
      return result;
    } catch (err) {
      this.changed = true; // retried by the next save, from the same saved state
      throw err;
    }
  }

  private async append(meta: MetaV1, delta: Uint8Array): Promise<SaveResult> {
    const seq = meta.next_seq;
    const next: MetaV1 = {
      ...meta,
      log: [...meta.log, seq],
      log_bytes: meta.log_bytes + delta.byteLength,
      next_seq: seq + 1,
      saved_at: Date.now(),
    };
    await this.write({ [logKey(seq)]: delta, [META_KEY]: next }, []);
    this.meta = next;
    return { kind: 'appended', bytes: delta.byteLength, keys_written: 2 };
  }

  private async compact(doc: Y.Doc): Promise<SaveResult> {
    const state = Y.encodeStateAsUpdate(doc);
    const chunks: Uint8Array[] = [];
    // slice, not subarray: structured clone stores a view's whole underlying buffer.
    for (let at = 0; at < state.byteLength; at += this.limits.chunkBytes)
      chunks.push(state.slice(at, at + this.limits.chunkBytes));
    if (chunks.length === 0) chunks.push(state);
    if (chunks.length >= MAX_KEYS_PER_CALL) throw new Error(`Draft too large to store (${state.byteLength} bytes).`);
    const old = this.meta;
    const gen = (old?.gen ?? 0) + 1;
    const next: MetaV1 = {
      v: 1,
      gen,
      chunks: chunks.length,
      bytes: state.byteLength,
      log: [],
      log_bytes: 0,
      next_seq: old?.next_seq ?? 0,
      saved_at: Date.now(),
    };
    const entries: Record<string, unknown> = { [META_KEY]: next };
    for (const [i, chunk] of chunks.entries()) entries[snapKey(gen, i)] = chunk;
    const stale = old
      ? [...Array.from({ length: old.chunks }, (_, i) => snapKey(old.gen, i)), ...old.log.map(logKey)]
      : [];
    await this.write(entries, stale);
    this.meta = next;
    this.stats.compactions++;
    return {
      kind: 'compacted',
      bytes: state.byteLength,
      chunks: chunks.length,
      keys_written: chunks.length + 1,
      keys_deleted: stale.length,
    };
  }

  /** One atomic batch: every call is issued before the first await (write coalescing). */
  private async write(entries: Record<string, unknown>, deletions: string[]) {
    const calls: Promise<unknown>[] = [this.storage.put(entries)];
    for (let at = 0; at < deletions.length; at += MAX_KEYS_PER_CALL)
      calls.push(this.storage.delete(deletions.slice(at, at + MAX_KEYS_PER_CALL)));
    await Promise.all(calls);
    this.stats.put_calls++;
    this.stats.keys_written += Object.keys(entries).length;
    for (const v of Object.values(entries)) this.stats.bytes_written += v instanceof Uint8Array ? v.byteLength : 64;
  }

  /** Every key's value, in order; the calls (128 keys each) are issued together. */
  private async readAll(keys: string[]): Promise<Uint8Array[]> {
    const parts: string[][] = [];
    for (let at = 0; at < keys.length; at += MAX_KEYS_PER_CALL) parts.push(keys.slice(at, at + MAX_KEYS_PER_CALL));
    const found = await Promise.all(parts.map((part) => this.storage.get<Uint8Array>(part)));
    return parts.flatMap((part, i) =>
      part.map((key) => {
        const value = found[i]!.get(key);
        if (!(value instanceof Uint8Array)) throw new Error(`Draft storage is missing ${key}.`);
        return value;
      }),
    );
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  if (at !== total) throw new Error(`Draft snapshot is ${at} bytes, expected ${total}.`);
  return out;
}
