import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { isMetaSeeded, metaList, metaText, readMeta, seedMeta, setTextMinimal, writeMeta } from './meta';

const sync = (a: Y.Doc, b: Y.Doc) => {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
};

function seededPair() {
  const room = new Y.Doc();
  seedMeta(room, { title: 'Best trail shoes', tags: ['running'], secondary_keywords: ['trail shoes'] });
  const a = new Y.Doc();
  const b = new Y.Doc();
  sync(room, a);
  sync(room, b);
  return { a, b };
}

describe('draft meta map', () => {
  it('is unseeded until the room seeds it, and seeds once', () => {
    const doc = new Y.Doc();
    expect(readMeta(doc)).toBeNull();
    expect(seedMeta(doc, { title: 'A', meta_description: 'D' })).toBe(true);
    expect(seedMeta(doc, { title: 'B' })).toBe(false);
    expect(isMetaSeeded(doc)).toBe(true);
    expect(readMeta(doc)).toMatchObject({ title: 'A', meta_description: 'D', slug: '', tags: [] });
  });

  it('merges two editors typing in the same field at once', () => {
    const { a, b } = seededPair();
    setTextMinimal(metaText(a, 'title')!, 'The best trail shoes');
    setTextMinimal(metaText(b, 'title')!, 'Best trail shoes of 2026');
    sync(a, b);
    expect(readMeta(a)!.title).toBe('The best trail shoes of 2026');
    expect(readMeta(b)).toEqual(readMeta(a));
  });

  it('keeps both tags added at once, and a removal does not drop a tag added meanwhile', () => {
    const { a, b } = seededPair();
    writeMeta(a, { tags: ['running', 'shoes'] });
    writeMeta(b, { tags: [] });
    writeMeta(b, { tags: ['trail'] });
    sync(a, b);
    expect(readMeta(a)!.tags.sort()).toEqual(['shoes', 'trail']);
  });

  it('reads lists without duplicates or blanks, capped, and text trimmed to its column', () => {
    const doc = new Y.Doc();
    seedMeta(doc, {});
    metaList(doc, 'tags')!.push(['Shoes', ' shoes ', '', ...Array.from({ length: 40 }, (_, i) => `t${i}`)]);
    setTextMinimal(metaText(doc, 'meta_title')!, `  ${'x'.repeat(300)}  `);
    const meta = readMeta(doc)!;
    expect(meta.tags[0]).toBe('Shoes');
    expect(meta.tags).toHaveLength(30);
    expect(meta.meta_title).toHaveLength(200);
  });

  it('an edit changes only the differing middle', () => {
    const doc = new Y.Doc();
    const text = doc.getText('t');
    text.insert(0, 'hello world');
    let ops: unknown[] = [];
    text.observe((e) => (ops = e.delta));
    setTextMinimal(text, 'hello brave world');
    expect(ops).toEqual([{ retain: 6 }, { insert: 'brave ' }]);
  });
});
