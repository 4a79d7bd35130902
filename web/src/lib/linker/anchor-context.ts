/**
 * Where a link suggestion's anchor stands in this browser's copy of the shared draft: the words
 * around it (so the Links tab shows the anchor in its sentence), and whether it is still the
 * suggested text and already a link. The suggestion carries its anchor as Yjs relative positions
 * (`range`, core/draft/locate.ts), which follow everyone's edits.
 */
import type * as Y from 'yjs';
import { decodeRange, resolveRange } from '$core/draft/locate';
import { markName } from '$core/draft/yjs';

export type AnchorState = 'intact' | 'linked' | 'changed';

export interface AnchorContext {
  before: string;
  anchor: string;
  after: string;
  /** intact: the suggested words, unlinked; linked: they carry a link now; changed: edited or gone. */
  state: AnchorState;
}

/** Characters of context shown on each side of the anchor, cut at a word. */
const CONTEXT_CHARS = 60;

type Op = { insert: unknown; attributes?: Record<string, unknown> };

const plain = (ops: readonly Op[]) => ops.map((op) => (typeof op.insert === 'string' ? op.insert : ' ')).join('');

function linkedBetween(ops: readonly Op[], from: number, to: number): boolean {
  let at = 0;
  for (const op of ops) {
    const n = typeof op.insert === 'string' ? op.insert.length : 1;
    if (at < to && at + n > from) {
      for (const [key, value] of Object.entries(op.attributes ?? {}))
        if (value !== null && value !== undefined && markName(key) === 'link') return true;
    }
    at += n;
  }
  return false;
}

function trimBefore(text: string): string {
  if (text.length <= CONTEXT_CHARS) return text;
  const cut = text.slice(-CONTEXT_CHARS);
  const space = cut.indexOf(' ');
  return `…${space >= 0 ? cut.slice(space + 1) : cut}`;
}

function trimAfter(text: string): string {
  if (text.length <= CONTEXT_CHARS) return text;
  const cut = text.slice(0, CONTEXT_CHARS);
  const space = cut.lastIndexOf(' ');
  return `${space > 0 ? cut.slice(0, space) : cut}…`;
}

/** The anchor in its paragraph now, or null when its place no longer resolves (deleted, split). */
export function anchorContext(doc: Y.Doc, range: string, anchorText: string): AnchorContext | null {
  const relative = decodeRange(range);
  const resolved = relative && resolveRange(doc, relative);
  if (!resolved) return null;
  const ops = resolved.text.toDelta() as Op[];
  const text = plain(ops);
  const end = resolved.index + resolved.length;
  const state: AnchorState =
    resolved.content !== anchorText ? 'changed' : linkedBetween(ops, resolved.index, end) ? 'linked' : 'intact';
  return {
    before: trimBefore(text.slice(0, resolved.index)),
    anchor: resolved.content,
    after: trimAfter(text.slice(end)),
    state,
  };
}
