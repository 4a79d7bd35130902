/**
 * Places in the draft ↔ Yjs. The optimizer's `Where` and the linker's `Anchor` name a textblock by
 * its path in `draftBlocks(fragment)` and count offsets like ProseMirror (one per character, one per
 * hard break). That tree is not the Yjs tree (an inline image splits its paragraph into blocks, an
 * empty cell gets a stand-in paragraph), so places are mapped through the same read, traced.
 *
 * - `locate`: the XmlText segments a place covers now.
 * - `relativeRange` / `encodeRange` / `decodeRange`: a place that follows concurrent edits (Yjs
 *   relative positions), storable as one base64 string.
 * - `resolveRange` / `applyLink`: where such a range is now, and the link mark put on it in one
 *   transaction only if the text is still exactly what was suggested.
 */
import * as Y from 'yjs';
import type { DraftBlock } from './schema';
import { type BlockSource, draftBlocksWithSources, draftFragment, markName } from './yjs';

/** `Where` (optimizer) names the path `block`, `Anchor` (linker) names it `path`. */
export type Place = ({ block: readonly number[] } | { path: readonly number[] }) & { from: number; to: number };
export type TextSegment = { text: Y.XmlText; index: number; length: number };
export type RelativeRange = { start: Y.RelativePosition; end: Y.RelativePosition };
export type ResolvedRange = TextSegment & { content: string };
/** Any shared type (Yjs declares it over `any`). */
type YType = Parameters<typeof Y.createRelativePositionFromTypeIndex>[0];

const pathOf = (place: Place): readonly number[] => ('block' in place ? place.block : place.path);

/** The block at `path`, walked the way the optimizer's readDoc numbers blocks. */
function blockAt(blocks: readonly DraftBlock[], path: readonly number[]): DraftBlock | null {
  let list: readonly DraftBlock[] | undefined = blocks;
  let at = 0;
  while (list) {
    const block: DraftBlock | undefined = list[path[at++] as number];
    if (!block) return null;
    if (at === path.length) return block;
    list = undefined;
    if (block.type === 'bulletList' || block.type === 'orderedList')
      list = block.content[path[at++] as number]?.content;
    else if (block.type === 'blockquote') list = block.content;
    else if (block.type === 'table') list = block.content[path[at++] as number]?.content[path[at++] as number]?.content;
    if (at >= path.length) return null; // the path stops at a list item, a row or a cell
  }
  return null;
}

// ---------------------------------------------------------------- offsets inside one textblock

type Ops = { insert: unknown; attributes?: Record<string, unknown> }[];
type Piece =
  | { kind: 'text'; node: Y.XmlText; ops: Ops; from: number; to: number }
  | { kind: 'break'; node: Y.XmlElement; from: number; to: number };

/** Characters of an XmlText as draftBlocks counts them: strings only (embeds are not text). */
const textLength = (ops: Ops) => ops.reduce((n, op) => n + (typeof op.insert === 'string' ? op.insert.length : 0), 0);

function piecesOf(source: BlockSource): Piece[] {
  const pieces: Piece[] = [];
  let at = 0;
  for (const node of source.inlines) {
    if (node instanceof Y.XmlText) {
      const ops = node.toDelta() as Ops;
      const length = textLength(ops);
      pieces.push({ kind: 'text', node, ops, from: at, to: at + length });
      at += length;
    } else {
      pieces.push({ kind: 'break', node, from: at, to: at + 1 });
      at += 1;
    }
  }
  return pieces;
}

/**
 * The Yjs index in a text of its `k`th character (`side` right) or just after its `k - 1`th
 * (`side` left): the two differ only when an embed sits between them.
 */
function yIndex(ops: Ops, k: number, side: 'left' | 'right'): number {
  let chars = 0;
  let y = 0;
  for (const op of ops) {
    if (typeof op.insert !== 'string') {
      y += 1;
      continue;
    }
    const n = op.insert.length;
    if (side === 'right' ? k < chars + n : k <= chars + n) return y + (k - chars);
    chars += n;
    y += n;
  }
  return side === 'left' && k === 0 ? 0 : y;
}

const childIndex = (node: Y.XmlElement): number => {
  const parent = node.parent as Y.XmlElement | null;
  return parent ? parent.toArray().indexOf(node) : -1;
};

/** A point before the character at `offset` (`right`) or after the one before it (`left`). */
type Point = { type: YType; index: number };
function pointAt(source: BlockSource, pieces: Piece[], offset: number, side: 'left' | 'right'): Point | null {
  const holds = (p: Piece) =>
    side === 'right' ? p.from <= offset && offset < p.to : p.from < offset && offset <= p.to;
  const piece = pieces.find(holds);
  if (piece?.kind === 'text') return { type: piece.node, index: yIndex(piece.ops, offset - piece.from, side) };
  if (piece?.kind === 'break') {
    const parent = piece.node.parent as YType | null;
    return parent ? { type: parent, index: childIndex(piece.node) + (side === 'left' ? 1 : 0) } : null;
  }
  // No character on that side (the start of the block, its end, an empty block): the other side.
  const other = pieces.find((p) =>
    side === 'right' ? p.from < offset && offset <= p.to : p.from <= offset && offset < p.to,
  );
  if (other) return pointAt(source, pieces, offset, side === 'right' ? 'left' : 'right');
  if (source.node instanceof Y.XmlElement) return { type: source.node as YType, index: 0 };
  return null;
}

// ---------------------------------------------------------------- places → Yjs

/** Maps many places of one state of the draft with one read of it (e.g. every check's highlight). */
export function createLocator(fragment: Y.XmlFragment) {
  const { blocks, sources } = draftBlocksWithSources(fragment);
  const cache = new Map<DraftBlock, Piece[]>();
  const found = (place: Place) => {
    const block = blockAt(blocks, pathOf(place));
    if (!block) return null;
    const source = sources.get(block) ?? null;
    if (block.type === 'image') return place.from === 0 && place.to === 0 ? { block, source, pieces: [] } : null;
    if (block.type !== 'paragraph' && block.type !== 'heading' && block.type !== 'codeBlock') return null;
    let pieces = cache.get(block);
    if (!pieces) cache.set(block, (pieces = source ? piecesOf(source) : []));
    const length = pieces.length ? (pieces[pieces.length - 1] as Piece).to : 0;
    const { from, to } = place;
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from || to > length) return null;
    return { block, source, pieces };
  };
  return {
    blocks,
    /**
     * The XmlText segments covering `place` (a hard break inside it splits it; it is not text), in
     * order; [] for an empty range or an image; null if the path or the offsets are not in the draft.
     */
    locate(place: Place): TextSegment[] | null {
      const hit = found(place);
      if (!hit) return null;
      const segments: TextSegment[] = [];
      for (const p of hit.pieces) {
        const lo = Math.max(place.from, p.from);
        const hi = Math.min(place.to, p.to);
        if (p.kind !== 'text' || lo >= hi) continue;
        const index = yIndex(p.ops, lo - p.from, 'right');
        segments.push({ text: p.node, index, length: yIndex(p.ops, hi - p.from, 'left') - index });
      }
      return segments;
    },
    /**
     * `place` as relative positions: text typed at either edge stays outside (start associates
     * right, end left). An image's range spans its element. Null where `locate` is, and for a
     * fragment outside a Y.Doc or a stand-in block with nothing behind it in Yjs.
     */
    relativeRange(place: Place): RelativeRange | null {
      const hit = found(place);
      if (!hit?.source || !fragment.doc) return null;
      if (hit.block.type === 'image') {
        const image = hit.source.node as Y.XmlElement;
        const parent = image.parent as YType | null;
        if (!parent) return null;
        const i = childIndex(image);
        return {
          start: Y.createRelativePositionFromTypeIndex(parent, i, 0),
          end: Y.createRelativePositionFromTypeIndex(parent, i + 1, -1),
        };
      }
      const start = pointAt(hit.source, hit.pieces, place.from, 'right');
      const end = pointAt(hit.source, hit.pieces, place.to, 'left');
      if (!start || !end) return null;
      return {
        start: Y.createRelativePositionFromTypeIndex(start.type, start.index, 0),
        end: Y.createRelativePositionFromTypeIndex(end.type, end.index, -1),
      };
    },
  };
}

export const locate = (fragment: Y.XmlFragment, place: Place) => createLocator(fragment).locate(place);
export const relativeRange = (fragment: Y.XmlFragment, place: Place) => createLocator(fragment).relativeRange(place);

// ---------------------------------------------------------------- storage

// btoa/atob over a byte string: workerd and browsers have no Buffer.
function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(value: string): Uint8Array {
  const binary = atob(value);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** One string for storage (D1): the two encoded positions in base64, joined by a dot. */
export const encodeRange = (range: RelativeRange): string =>
  `${toBase64(Y.encodeRelativePosition(range.start))}.${toBase64(Y.encodeRelativePosition(range.end))}`;

/** The range `encodeRange` stored, or null for anything else. */
export function decodeRange(value: string): RelativeRange | null {
  const parts = value.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return null;
  try {
    return {
      start: Y.decodeRelativePosition(fromBase64(parts[0])),
      end: Y.decodeRelativePosition(fromBase64(parts[1])),
    };
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- ranges → Yjs now

/** Deleted, or inside something deleted: a position there no longer points into the draft. */
function detached(type: YType): boolean {
  for (let t: YType | null = type; t; t = t.parent as YType | null) if (t._item?.deleted) return true;
  return false;
}

/** The text between `index` and `index + length`; an embed reads as U+FFFC, so it never matches words. */
function textBetween(ops: Ops, index: number, length: number): string {
  let out = '';
  let at = 0;
  for (const op of ops) {
    const value = typeof op.insert === 'string' ? op.insert : '\uFFFC';
    const lo = Math.max(index, at);
    const hi = Math.min(index + length, at + value.length);
    if (lo < hi) out += value.slice(lo - at, hi - at);
    at += value.length;
    if (at >= index + length) break;
  }
  return out;
}

/**
 * Where `range` is now, if it still lies within one XmlText of the document and is not empty (a
 * link anchor does); null if the positions no longer resolve, lie in two types, or met.
 */
export function resolveRange(doc: Y.Doc, range: RelativeRange): ResolvedRange | null {
  const start = Y.createAbsolutePositionFromRelativePosition(range.start, doc);
  const end = Y.createAbsolutePositionFromRelativePosition(range.end, doc);
  if (!start || !end || start.type !== end.type || !(start.type instanceof Y.XmlText)) return null;
  if (detached(start.type) || end.index <= start.index) return null;
  const text = start.type;
  const length = end.index - start.index;
  return { text, index: start.index, length, content: textBetween(text.toDelta() as Ops, start.index, length) };
}

// Where a link may go: a body paragraph, at the top or in a quote, a list or a table. Headings and
// code blocks hold no links (issue 11: "never inside a heading, link or code").
const LINKABLE_CONTAINERS = new Set([
  'blockquote',
  'bulletList',
  'orderedList',
  'listItem',
  'table',
  'tableRow',
  'tableCell',
  'tableHeader',
]);

function inBodyParagraph(doc: Y.Doc, text: Y.XmlText): boolean {
  const paragraph = text.parent;
  if (!(paragraph instanceof Y.XmlElement) || paragraph.nodeName !== 'paragraph') return false;
  let t = paragraph.parent;
  while (t instanceof Y.XmlElement && LINKABLE_CONTAINERS.has(t.nodeName)) t = t.parent;
  return t === draftFragment(doc);
}

/** Whether any character in the range carries a link or code mark (`link--hash` included). */
function marked(ops: Ops, index: number, length: number): boolean {
  let at = 0;
  for (const op of ops) {
    const n = typeof op.insert === 'string' ? op.insert.length : 1;
    if (at < index + length && at + n > index)
      for (const [key, value] of Object.entries(op.attributes ?? {}))
        if (value !== null && value !== undefined && (markName(key) === 'link' || markName(key) === 'code'))
          return true;
    at += n;
  }
  return false;
}

/**
 * Puts a link on `range` in one transaction, only if its text still equals `expectedText`, none
 * of it is already a link or code, and it lies in a body paragraph; otherwise changes nothing and
 * says 'stale' (the suggestion no longer fits the draft).
 */
export function applyLink(
  doc: Y.Doc,
  range: RelativeRange,
  link: { expectedText: string; href: string },
  origin?: unknown,
): 'applied' | 'stale' {
  let outcome: 'applied' | 'stale' = 'stale';
  doc.transact(() => {
    const now = resolveRange(doc, range);
    if (!now || now.content !== link.expectedText || !link.href) return;
    if (!inBodyParagraph(doc, now.text) || marked(now.text.toDelta() as Ops, now.index, now.length)) return;
    now.text.format(now.index, now.length, { link: { href: link.href } });
    outcome = 'applied';
  }, origin);
  return outcome;
}
