import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DraftSize, asksForWholeDocument, filterAwareness, syncUpdateOf } from './guard';

function frame(entries: [number, number, unknown][]): Uint8Array {
  const inner = encoding.createEncoder();
  encoding.writeVarUint(inner, entries.length);
  for (const [id, clock, state] of entries) {
    encoding.writeVarUint(inner, id);
    encoding.writeVarUint(inner, clock);
    encoding.writeVarString(inner, JSON.stringify(state));
  }
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 1);
  encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
  return encoding.toUint8Array(e);
}

function entriesOf(message: Uint8Array): [number, unknown][] {
  const d = decoding.createDecoder(message);
  decoding.readVarUint(d);
  const inner = decoding.createDecoder(decoding.readVarUint8Array(d));
  const out: [number, unknown][] = [];
  for (let n = decoding.readVarUint(inner); n > 0; n--) {
    const id = decoding.readVarUint(inner);
    decoding.readVarUint(inner);
    out.push([id, JSON.parse(decoding.readVarString(inner))]);
  }
  return out;
}

describe('filterAwareness', () => {
  const none = () => false;

  it('binds the first free client id, keeps only its entries and forces the authenticated name', () => {
    const taken = (id: number) => id === 7;
    const r = filterAwareness(
      frame([
        [7, 1, { user: { name: 'x' } }],
        [9, 2, { user: { name: 'Mallory', color: '#f00' } }],
        [11, 1, { user: {} }],
      ]),
      null,
      'Ann',
      taken,
    )!;
    expect(r.ownClient).toBe(9);
    expect(entriesOf(r.message)).toEqual([[9, { user: { name: 'Ann', color: '#f00' } }]]);
  });

  it('drops a message with nothing of its own, keeps removals (null state), adds a user when there is none', () => {
    expect(filterAwareness(frame([[5, 1, { user: { name: 'B' } }]]), 9, 'Ann', none)).toBeNull();
    expect(entriesOf(filterAwareness(frame([[9, 3, null]]), 9, 'Ann', none)!.message)).toEqual([[9, null]]);
    expect(entriesOf(filterAwareness(frame([[9, 4, { cursor: 1 }]]), 9, 'Ann', none)!.message)).toEqual([
      [9, { cursor: 1, user: { name: 'Ann' } }],
    ]);
  });
});

describe('DraftSize', () => {
  const paragraph = (doc: Y.Doc, text: string) => {
    let update: Uint8Array | null = null;
    const source = new Y.Doc();
    Y.applyUpdate(source, Y.encodeStateAsUpdate(doc));
    source.on('update', (u: Uint8Array) => (update = u));
    const p = new Y.XmlElement('paragraph');
    p.insert(0, [new Y.XmlText(text)]);
    source.getXmlFragment('default').push([p]);
    return { update: update!, source };
  };

  it('admits growth up to the cap, refuses past it, and always admits deletions', () => {
    const doc = new Y.Doc();
    const size = new DraftSize(doc, 10_000);
    const small = paragraph(doc, 'a'.repeat(4000));
    expect(size.admit(small.update)).toBe(true);
    Y.applyUpdate(doc, small.update);
    const big = paragraph(doc, 'b'.repeat(7000));
    expect(size.admit(big.update)).toBe(false);
    let deletion: Uint8Array | null = null;
    small.source.on('update', (u: Uint8Array) => (deletion = u));
    small.source.getXmlFragment('default').delete(0, 1);
    expect(size.admit(deletion!)).toBe(true);
  });
});

describe('syncUpdateOf', () => {
  it('reads the update of sync step 2 and update messages, nothing else', () => {
    const e = (type: number, step: number, payload: Uint8Array) => {
      const enc = encoding.createEncoder();
      encoding.writeVarUint(enc, type);
      encoding.writeVarUint(enc, step);
      encoding.writeVarUint8Array(enc, payload);
      return encoding.toUint8Array(enc);
    };
    const payload = new Uint8Array([1, 2, 3]);
    expect(syncUpdateOf(e(0, 2, payload))).toEqual(payload);
    expect(syncUpdateOf(e(0, 1, payload))).toEqual(payload);
    expect(syncUpdateOf(e(0, 0, payload))).toBeNull();
    expect(syncUpdateOf(e(1, 0, payload))).toBeNull();
  });
});

describe('asksForWholeDocument', () => {
  it('is true for the sync step 1 of a client holding nothing, false once it holds something', () => {
    const step1 = (doc: Y.Doc) => {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint(e, 0);
      encoding.writeVarUint8Array(e, Y.encodeStateVector(doc));
      return encoding.toUint8Array(e);
    };
    const fresh = new Y.Doc();
    expect(asksForWholeDocument(step1(fresh))).toBe(true);
    fresh.getText('t').insert(0, 'x');
    expect(asksForWholeDocument(step1(fresh))).toBe(false);
  });
});
