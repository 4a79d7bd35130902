import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { metaText, seedMeta } from '$core/draft/meta';
import { bindText, mapIndex, type TextControl } from './bind-text';

/** An input as the binding sees it: a value, a caret, and the input listener to fire. */
function fakeInput() {
  const listeners = new Set<() => void>();
  const owner = { activeElement: null as unknown };
  const control = {
    value: '',
    selectionStart: 0 as number | null,
    selectionEnd: 0 as number | null,
    ownerDocument: owner,
    setSelectionRange(start: number | null, end: number | null) {
      this.selectionStart = start;
      this.selectionEnd = end;
    },
    addEventListener: (_: string, fn: () => void) => listeners.add(fn),
    removeEventListener: (_: string, fn: () => void) => listeners.delete(fn),
  };
  owner.activeElement = control;
  /** Types `chars` at the caret, as a browser would, then fires input. */
  const type = (chars: string) => {
    const at = control.selectionStart ?? control.value.length;
    control.value = control.value.slice(0, at) + chars + control.value.slice(at);
    control.setSelectionRange(at + chars.length, at + chars.length);
    for (const fn of listeners) fn();
  };
  return { control: control as unknown as TextControl, raw: control, type, listeners };
}

/** Two docs kept in sync like two browsers on one room. */
function pair() {
  const a = new Y.Doc();
  const b = new Y.Doc();
  seedMeta(a, { meta_description: 'Grow tomatoes in pots.' });
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  a.on('update', (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(b, u, 'remote'));
  b.on('update', (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(a, u, 'remote'));
  return { a, b };
}

describe('mapIndex', () => {
  it('moves a caret by text inserted or deleted before it, not after it', () => {
    expect(mapIndex([{ insert: 'abc' }], 2)).toBe(5);
    expect(mapIndex([{ retain: 4 }, { insert: 'abc' }], 2)).toBe(2);
    expect(mapIndex([{ retain: 2 }, { insert: 'abc' }], 2)).toBe(2);
    expect(mapIndex([{ delete: 3 }], 5)).toBe(2);
    expect(mapIndex([{ retain: 1 }, { delete: 5 }], 3)).toBe(1);
  });
});

describe('bindText', () => {
  it('merges two people typing in the same field at its start and at its end', () => {
    const { a, b } = pair();
    const one = fakeInput();
    const two = fakeInput();
    bindText(one.control, metaText(a, 'meta_description')!);
    bindText(two.control, metaText(b, 'meta_description')!);
    one.raw.setSelectionRange(0, 0);
    two.raw.setSelectionRange(two.raw.value.length, two.raw.value.length);
    for (const [x, y] of [...'Easy! '].map((c, i) => [c, ' Fast.'[i] ?? ''])) {
      one.type(x!);
      if (y) two.type(y);
    }
    const both = 'Easy! Grow tomatoes in pots. Fast.';
    expect(metaText(a, 'meta_description')!.toString()).toBe(both);
    expect(one.raw.value).toBe(both);
    expect(two.raw.value).toBe(both);
    // Each caret stayed where its owner was typing.
    expect(one.raw.selectionStart).toBe('Easy! '.length);
    expect(two.raw.selectionStart).toBe(both.length);
  });

  it('stops following the text once unbound', () => {
    const { a, b } = pair();
    const one = fakeInput();
    const stop = bindText(one.control, metaText(a, 'meta_description')!);
    stop();
    metaText(b, 'meta_description')!.insert(0, 'New. ');
    expect(one.raw.value).toBe('Grow tomatoes in pots.');
    expect(one.listeners.size).toBe(0);
  });
});
