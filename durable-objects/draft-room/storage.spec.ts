import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { draftFragment, draftToHtml, htmlToDraft } from '../../core/draft';
import { DraftStore, type KvStorage } from './storage';

/** DO storage's KV rules that matter here: 2 MB per value (STACK.md), 128 keys per call. */
class FakeStorage implements KvStorage {
  readonly data = new Map<string, unknown>();
  largestValue = 0;

  get<T>(key: string): Promise<T | undefined>;
  get<T>(keys: string[]): Promise<Map<string, T>>;
  async get<T>(k: string | string[]): Promise<unknown> {
    if (typeof k === 'string') return structuredClone(this.data.get(k)) as T | undefined;
    if (k.length > 128) throw new Error('get: more than 128 keys');
    return new Map(k.filter((key) => this.data.has(key)).map((key) => [key, structuredClone(this.data.get(key))]));
  }

  async put(entries: Record<string, unknown>) {
    if (Object.keys(entries).length > 128) throw new Error('put: more than 128 keys');
    for (const [key, value] of Object.entries(entries)) {
      const size = value instanceof Uint8Array ? value.buffer.byteLength : JSON.stringify(value).length;
      if (size > 2 * 1024 * 1024) throw new Error(`put: value of ${key} is ${size} bytes, over 2 MB`);
      this.largestValue = Math.max(this.largestValue, size);
      this.data.set(key, structuredClone(value));
    }
  }

  async delete(keys: string[]) {
    if (keys.length > 128) throw new Error('delete: more than 128 keys');
    let n = 0;
    for (const key of keys) if (this.data.delete(key)) n++;
    return n;
  }
}

const paragraphs = (n: number, words = 40) =>
  Array.from({ length: n }, (_, i) => `<p>${Array.from({ length: words }, (_, w) => `w${i}x${w}`).join(' ')}</p>`).join(
    '',
  );

async function reopen(storage: FakeStorage) {
  const doc = new Y.Doc();
  const restored = await new DraftStore(storage).load(doc);
  return { doc, restored };
}

describe('DraftStore', () => {
  it('restores nothing from empty storage, then a snapshot after the first save', async () => {
    const storage = new FakeStorage();
    const doc = new Y.Doc();
    const store = new DraftStore(storage);
    expect(await store.load(doc)).toBe(false);
    store.track(doc);
    htmlToDraft(draftFragment(doc), '<h2>Hello</h2><p>world</p>');
    expect(await store.save(doc)).toMatchObject({ kind: 'compacted', chunks: 1 });
    expect(storage.data.get('draft/meta')).toMatchObject({ v: 1, gen: 1, chunks: 1, log: [] });
    const again = await reopen(storage);
    expect(again.restored).toBe(true);
    expect(draftToHtml(draftFragment(again.doc))).toBe('<h2>Hello</h2><p>world</p>');
  });

  it('appends only the change per save, including deletions, and skips saves with nothing new', async () => {
    const storage = new FakeStorage();
    const doc = new Y.Doc();
    const store = new DraftStore(storage);
    await store.load(doc);
    store.track(doc);
    const fragment = draftFragment(doc);
    htmlToDraft(fragment, paragraphs(200));
    await store.save(doc);
    const snapshotBytes = store.stats.bytes_written;
    htmlToDraft(fragment, '<p>one more</p>');
    const appended = await store.save(doc);
    expect(appended.kind).toBe('appended');
    expect(appended.kind === 'appended' && appended.bytes).toBeLessThan(snapshotBytes / 50);
    fragment.delete(0, 1); // a deletion does not move the state vector: it must still be saved
    expect((await store.save(doc)).kind).toBe('appended');
    expect(await store.save(doc)).toEqual({ kind: 'unchanged' });
    const again = await reopen(storage);
    expect(draftToHtml(draftFragment(again.doc))).toBe(draftToHtml(fragment));
    expect(storage.data.get('draft/meta')).toMatchObject({ log: [0, 1] });
  });

  it('folds the log into a new snapshot and deletes the old generation in the same batch', async () => {
    const storage = new FakeStorage();
    const doc = new Y.Doc();
    const store = new DraftStore(storage, {
      chunkBytes: 1024 * 1024,
      compactAfterEntries: 3,
      compactAfterBytes: 1 << 20,
    });
    await store.load(doc);
    store.track(doc);
    // snapshot, 3 appends, snapshot (log full), append
    for (let i = 0; i < 6; i++) {
      htmlToDraft(draftFragment(doc), `<p>edit ${i}</p>`);
      await store.save(doc);
    }
    expect(store.stats.compactions).toBe(2);
    expect([...storage.data.keys()].sort()).toEqual(['draft/log/3', 'draft/meta', 'draft/snap/2/0']);
    expect(draftToHtml(draftFragment((await reopen(storage)).doc))).toBe(draftToHtml(draftFragment(doc)));
  });

  it('chunks a document over 2 MB into values under the cap and reads it back whole', async () => {
    const storage = new FakeStorage();
    const doc = new Y.Doc();
    const store = new DraftStore(storage);
    await store.load(doc);
    store.track(doc);
    htmlToDraft(draftFragment(doc), paragraphs(8000, 40));
    const result = await store.save(doc);
    expect(result.kind).toBe('compacted');
    expect(result.kind === 'compacted' && result.bytes).toBeGreaterThan(2 * 1024 * 1024);
    expect(result.kind === 'compacted' && result.chunks).toBeGreaterThanOrEqual(3);
    expect(storage.largestValue).toBeLessThanOrEqual(1024 * 1024);
    const again = await reopen(storage);
    expect(Y.encodeStateAsUpdate(again.doc).byteLength).toBe(Y.encodeStateAsUpdate(doc).byteLength);
    expect(draftToHtml(draftFragment(again.doc))).toBe(draftToHtml(draftFragment(doc)));
  });

  it('runs concurrent saves one after the other (no two log entries under one number)', async () => {
    const storage = new FakeStorage();
    const doc = new Y.Doc();
    const store = new DraftStore(storage);
    await store.load(doc);
    store.track(doc);
    htmlToDraft(draftFragment(doc), '<p>base</p>');
    await store.save(doc);
    const saves: Promise<unknown>[] = [];
    for (let i = 0; i < 5; i++) {
      htmlToDraft(draftFragment(doc), `<p>${i}</p>`);
      saves.push(store.save(doc));
    }
    await Promise.all(saves);
    expect(draftToHtml(draftFragment((await reopen(storage)).doc))).toBe(
      '<p>base</p><p>0</p><p>1</p><p>2</p><p>3</p><p>4</p>',
    );
  });

  it('keeps unsaved changes for the next save when a write fails', async () => {
    const storage = new FakeStorage();
    const doc = new Y.Doc();
    const store = new DraftStore(storage);
    await store.load(doc);
    store.track(doc);
    htmlToDraft(draftFragment(doc), '<p>first</p>');
    await store.save(doc);
    htmlToDraft(draftFragment(doc), '<p>second</p>');
    const put = storage.put.bind(storage);
    storage.put = async () => {
      throw new Error('storage unavailable');
    };
    await expect(store.save(doc)).rejects.toThrow('storage unavailable');
    storage.put = put;
    expect((await store.save(doc)).kind).toBe('appended');
    expect(draftToHtml(draftFragment((await reopen(storage)).doc))).toBe('<p>first</p><p>second</p>');
  });

  it('saves 2,000 keystrokes of 20 editors as one log entry that restores every one', async () => {
    const storage = new FakeStorage();
    const doc = new Y.Doc();
    const store = new DraftStore(storage);
    await store.load(doc);
    store.track(doc);
    htmlToDraft(draftFragment(doc), '<p>base</p>');
    await store.save(doc);
    const editors = Array.from({ length: 20 }, () => new Y.Doc());
    for (const editor of editors) editor.on('update', (update: Uint8Array) => Y.applyUpdate(doc, update, editor));
    for (let k = 0; k < 100; k++) for (const editor of editors) editor.getText(`t${editor.clientID}`).insert(k, 'x');
    const saved = await store.save(doc);
    expect(saved).toMatchObject({ kind: 'appended', keys_written: 2 });
    const again = (await reopen(storage)).doc;
    for (const editor of editors) expect(again.getText(`t${editor.clientID}`).toString()).toBe('x'.repeat(100));
    expect(draftToHtml(draftFragment(again))).toBe('<p>base</p>');
  });

  it('a change made while a save is being written goes into the next save', async () => {
    const storage = new FakeStorage();
    const doc = new Y.Doc();
    const store = new DraftStore(storage);
    await store.load(doc);
    store.track(doc);
    htmlToDraft(draftFragment(doc), '<p>first</p>');
    await store.save(doc);
    htmlToDraft(draftFragment(doc), '<p>second</p>');
    const put = storage.put.bind(storage);
    let release = () => {};
    let writing = () => {};
    const started = new Promise<void>((r) => (writing = r));
    storage.put = async (entries) => {
      writing();
      await new Promise<void>((r) => (release = r));
      return put(entries);
    };
    const inFlight = store.save(doc);
    await started;
    htmlToDraft(draftFragment(doc), '<p>during the write</p>');
    release();
    await inFlight;
    storage.put = put;
    expect(store.dirty).toBe(true);
    expect((await store.save(doc)).kind).toBe('appended');
    expect(draftToHtml(draftFragment((await reopen(storage)).doc))).toBe(
      '<p>first</p><p>second</p><p>during the write</p>',
    );
  });

  it('refuses a layout it does not know and a snapshot with a missing chunk', async () => {
    const storage = new FakeStorage();
    await storage.put({ 'draft/meta': { v: 99 } });
    await expect(new DraftStore(storage).load(new Y.Doc())).rejects.toThrow('Unknown draft storage layout v99');
    const damaged = new FakeStorage();
    await damaged.put({
      'draft/meta': { v: 1, gen: 1, chunks: 2, bytes: 10, log: [], log_bytes: 0, next_seq: 0, saved_at: 0 },
      'draft/snap/1/0': new Uint8Array(5),
    });
    await expect(new DraftStore(damaged).load(new Y.Doc())).rejects.toThrow('missing draft/snap/1/1');
  });
});
