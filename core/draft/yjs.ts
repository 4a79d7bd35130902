/**
 * Draft blocks ↔ the Yjs XmlFragment Tiptap edits, written the way y-prosemirror writes them
 * (see schema.ts): element per node, attributes per node attribute (nulls left out), one XmlText
 * per run of text with marks as formatting attributes, hardBreak as an element among the texts.
 *
 * Reading is tolerant: the editor may hold nodes and marks this module does not know (an editor
 * extension added later); unknown nodes are read for their content, unknown marks are ignored.
 */
import * as Y from 'yjs';
import {
  DRAFT_FRAGMENT,
  paragraph,
  sameMarks,
  sortMarks,
  text,
  type DraftBlock,
  type DraftInline,
  type DraftListItem,
  type DraftMark,
  type DraftTableCell,
  type DraftTableRow,
  type DraftText,
  type HeadingLevel,
} from './schema';

type Attrs = { [key: string]: string | number | object | null };
type YNode = Y.XmlElement | Y.XmlText;

export const draftFragment = (doc: Y.Doc): Y.XmlFragment => doc.getXmlFragment(DRAFT_FRAGMENT);

// ---------------------------------------------------------------- blocks → Yjs

function element(name: string, attrs: Attrs, children: YNode[]): Y.XmlElement {
  const el = new Y.XmlElement(name);
  // Yjs types attributes as strings by default; ProseMirror attrs are numbers too (heading level).
  const typed = el as unknown as Y.XmlElement<Attrs>;
  for (const [k, v] of Object.entries(attrs)) if (v !== null) typed.setAttribute(k, v);
  if (children.length) el.insert(0, children);
  return el;
}

function markAttributes(marks: DraftMark[] = []): Record<string, object> {
  const out: Record<string, object> = {};
  for (const mark of marks) {
    switch (mark.type) {
      case 'bold':
      case 'italic':
      case 'code':
        out[mark.type] = {};
        break;
      case 'link':
        out.link = mark.attrs.target ? { href: mark.attrs.href, target: '_blank' } : { href: mark.attrs.href };
        break;
      default: {
        const unknown: never = mark;
        throw new Error(`Unknown mark ${JSON.stringify(unknown)}`);
      }
    }
  }
  return out;
}

function inlineToY(content: DraftInline[]): YNode[] {
  const out: YNode[] = [];
  let run: DraftText[] = [];
  const flush = () => {
    if (!run.length) return;
    const t = new Y.XmlText();
    // sanitize: false keeps a trailing newline (Yjs strips it by default, for Quill).
    t.applyDelta(
      run.map((r) => ({ insert: r.text, attributes: markAttributes(r.marks) })),
      { sanitize: false },
    );
    out.push(t);
    run = [];
  };
  for (const inline of content) {
    if (inline.type === 'text') run.push(inline);
    else {
      flush();
      out.push(element('hardBreak', {}, []));
    }
  }
  flush();
  return out;
}

export function blockToY(block: DraftBlock): Y.XmlElement {
  switch (block.type) {
    case 'paragraph':
      return element('paragraph', {}, inlineToY(block.content));
    case 'heading':
      return element('heading', { level: block.attrs.level }, inlineToY(block.content));
    case 'bulletList':
      return element('bulletList', {}, block.content.map(listItemToY));
    case 'orderedList':
      return element('orderedList', { start: block.attrs.start }, block.content.map(listItemToY));
    case 'blockquote':
      return element('blockquote', {}, block.content.map(blockToY));
    case 'codeBlock':
      return element('codeBlock', {}, inlineToY(block.content));
    case 'horizontalRule':
      return element('horizontalRule', {}, []);
    case 'image':
      return element('image', { src: block.attrs.src, alt: block.attrs.alt }, []);
    case 'table':
      return element('table', {}, block.content.map(rowToY));
    default: {
      const unknown: never = block;
      throw new Error(`Unknown block ${JSON.stringify(unknown)}`);
    }
  }
}

const listItemToY = (item: DraftListItem) => element('listItem', {}, item.content.map(blockToY));
const rowToY = (row: DraftTableRow) => element('tableRow', {}, row.content.map(cellToY));
const cellToY = (cell: DraftTableCell) =>
  element(cell.type, { colspan: cell.attrs.colspan, rowspan: cell.attrs.rowspan }, cell.content.map(blockToY));

/** Appends blocks at the end of the fragment (one transaction when the fragment is in a doc). */
export function appendBlocks(fragment: Y.XmlFragment, blocks: DraftBlock[], origin?: unknown) {
  if (!blocks.length) return;
  const apply = () => fragment.insert(fragment.length, blocks.map(blockToY));
  if (fragment.doc) fragment.doc.transact(apply, origin);
  else apply();
}

/** Replaces the whole fragment's content with `blocks`, as one change that converges everywhere. */
export function replaceBlocks(fragment: Y.XmlFragment, blocks: DraftBlock[], origin?: unknown) {
  const apply = () => {
    if (fragment.length) fragment.delete(0, fragment.length);
    if (blocks.length) fragment.insert(0, blocks.map(blockToY));
  };
  if (fragment.doc) fragment.doc.transact(apply, origin);
  else apply();
}

/**
 * Replaces `target`'s content with copies of `source`'s nodes (from another document, e.g. a saved
 * version), keeping every node and attribute the editor wrote, known to this module or not.
 */
export function copyFragment(target: Y.XmlFragment, source: Y.XmlFragment, origin?: unknown) {
  const copies = source
    .toArray()
    .map((n) => (n instanceof Y.XmlElement || n instanceof Y.XmlText ? n.clone() : null))
    .filter((n) => n !== null);
  const apply = () => {
    if (target.length) target.delete(0, target.length);
    if (copies.length) target.insert(0, copies as YNode[]);
  };
  if (target.doc) target.doc.transact(apply, origin);
  else apply();
}

// ---------------------------------------------------------------- Yjs → blocks

/** Overlapping marks are stored as `name--hash` by y-prosemirror. */
export const markName = (key: string) => /^(.*)--[a-zA-Z0-9+/=]{8}$/.exec(key)?.[1] ?? key;

function marksOf(attributes: Record<string, unknown> | undefined): DraftMark[] {
  const marks: DraftMark[] = [];
  for (const [key, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined) continue;
    const name = markName(key);
    if (name === 'bold' || name === 'italic' || name === 'code') marks.push({ type: name });
    else if (name === 'link') {
      const { href, target } = value as { href?: unknown; target?: unknown };
      if (typeof href === 'string' && href) {
        marks.push({ type: 'link', attrs: target === '_blank' ? { href, target } : { href } });
      }
    }
    // Other marks (strike, underline, highlight…): not part of the published subset.
  }
  return sortMarks(marks);
}

function textOf(t: Y.XmlText): DraftText[] {
  const out: DraftText[] = [];
  for (const op of t.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]) {
    if (typeof op.insert !== 'string' || !op.insert) continue; // embeds: not text
    const marks = marksOf(op.attributes);
    const last = out[out.length - 1];
    if (last && sameMarks(last.marks, marks)) last.text += op.insert;
    else out.push(text(op.insert, marks));
  }
  return out;
}

const isElement = (n: unknown): n is Y.XmlElement => n instanceof Y.XmlElement;

/**
 * What a block of `draftBlocks` was read from, so its offsets map back to Yjs (locate.ts): the node
 * (the textblock's element, an image element, or text lying directly in a container) and, in
 * order, the XmlTexts and hardBreak elements its inline content came from.
 */
export type BlockSource = { node: Y.XmlElement | Y.XmlText; inlines: readonly (Y.XmlText | Y.XmlElement)[] };
/** Filled by a traced read; blocks that have no source (an empty cell's stand-in paragraph) are absent. */
export type BlockSources = Map<DraftBlock, BlockSource>;

/**
 * Reads a textblock's children; an image among them (Image configured inline) splits it, since
 * the draft keeps images as blocks.
 */
function textblockOf(
  el: Y.XmlElement,
  make: (content: DraftInline[]) => DraftBlock,
  out: DraftBlock[],
  trace?: BlockSources,
) {
  let inlines: DraftInline[] = [];
  let pieces: (Y.XmlText | Y.XmlElement)[] = [];
  let emitted = false;
  const flush = (force: boolean) => {
    if (inlines.length || force) {
      const block = make(inlines);
      out.push(block);
      trace?.set(block, { node: el, inlines: pieces });
    }
    inlines = [];
    pieces = [];
    emitted = true;
  };
  for (const child of el.toArray()) {
    if (child instanceof Y.XmlText) {
      inlines.push(...textOf(child));
      if (trace) pieces.push(child);
    } else if (isElement(child) && child.nodeName === 'hardBreak') {
      inlines.push({ type: 'hardBreak' });
      if (trace) pieces.push(child);
    } else if (isElement(child) && child.nodeName === 'image') {
      flush(false);
      out.push(imageOf(child, trace));
    } else if (isElement(child)) inlines.push(...inlineTextOf(child, trace ? pieces : undefined));
  }
  flush(!emitted);
}

/** The text of an unknown inline node (a mention, an emoji node…), unformatted. */
function inlineTextOf(el: Y.XmlElement, pieces?: (Y.XmlText | Y.XmlElement)[]): DraftInline[] {
  const out: DraftInline[] = [];
  for (const child of el.toArray()) {
    if (child instanceof Y.XmlText) {
      out.push(...textOf(child));
      pieces?.push(child);
    } else if (isElement(child)) out.push(...inlineTextOf(child, pieces));
  }
  return out;
}

function imageOf(el: Y.XmlElement, trace?: BlockSources): DraftBlock {
  const attrs = el.getAttributes() as Record<string, unknown>;
  const block: DraftBlock = { type: 'image', attrs: { src: String(attrs.src ?? ''), alt: String(attrs.alt ?? '') } };
  trace?.set(block, { node: el, inlines: [] });
  return block;
}

function levelOf(value: unknown): HeadingLevel {
  const n = Math.round(Number(value));
  return (n >= 1 && n <= 6 ? n : 2) as HeadingLevel;
}

const withParagraph = (blocks: DraftBlock[]) => (blocks.length ? blocks : [paragraph()]);

function listItemsOf(el: Y.XmlElement, trace?: BlockSources): DraftListItem[] {
  return el
    .toArray()
    .filter(isElement)
    .map((child) => ({
      type: 'listItem' as const,
      content: withParagraph(
        child.nodeName === 'listItem' ? blocksOf(child, [], false, trace) : blocksOf(child, [], true, trace),
      ),
    }));
}

function rowsOf(el: Y.XmlElement, trace?: BlockSources): DraftTableRow[] {
  return el
    .toArray()
    .filter(isElement)
    .map((row) => ({
      type: 'tableRow' as const,
      content: row
        .toArray()
        .filter(isElement)
        .map((cell) => {
          const a = cell.getAttributes() as Record<string, unknown>;
          return {
            type: cell.nodeName === 'tableHeader' ? ('tableHeader' as const) : ('tableCell' as const),
            attrs: { colspan: Number(a.colspan ?? 1) || 1, rowspan: Number(a.rowspan ?? 1) || 1 },
            content: withParagraph(blocksOf(cell, [], false, trace)),
          };
        }),
    }))
    .filter((row) => row.content.length);
}

/**
 * The blocks of a container (the fragment, a blockquote, a list item, a cell); with `trace`, also
 * what each textblock and image was read from.
 */
export function blocksOf(
  container: Y.XmlFragment | Y.XmlElement,
  out: DraftBlock[] = [],
  self = false,
  trace?: BlockSources,
): DraftBlock[] {
  const children = self && isElement(container) ? [container] : container.toArray();
  for (const child of children) {
    if (child instanceof Y.XmlText) {
      // Text directly in a container (not written by the editor, but possible in Yjs): a paragraph.
      const inlines = textOf(child);
      if (inlines.length) {
        const block = paragraph(inlines);
        out.push(block);
        trace?.set(block, { node: child, inlines: [child] });
      }
      continue;
    }
    if (!isElement(child)) continue;
    switch (child.nodeName) {
      case 'paragraph':
        textblockOf(child, paragraph, out, trace);
        break;
      case 'heading': {
        const level = levelOf(child.getAttribute('level'));
        textblockOf(child, (content) => ({ type: 'heading', attrs: { level }, content }), out, trace);
        break;
      }
      case 'bulletList':
        out.push({ type: 'bulletList', content: listItemsOf(child, trace) });
        break;
      case 'orderedList':
        out.push({
          type: 'orderedList',
          attrs: { start: Math.max(1, Math.round(Number(child.getAttribute('start') ?? 1)) || 1) },
          content: listItemsOf(child, trace),
        });
        break;
      case 'blockquote':
        out.push({ type: 'blockquote', content: withParagraph(blocksOf(child, [], false, trace)) });
        break;
      case 'codeBlock': {
        const texts = child.toArray().filter((n) => n instanceof Y.XmlText);
        const value = texts
          .map((n) =>
            textOf(n)
              .map((t) => t.text)
              .join(''),
          )
          .join('');
        const block: DraftBlock = { type: 'codeBlock', content: value ? [text(value)] : [] };
        out.push(block);
        trace?.set(block, { node: child, inlines: texts });
        break;
      }
      case 'horizontalRule':
        out.push({ type: 'horizontalRule' });
        break;
      case 'image':
        out.push(imageOf(child, trace));
        break;
      case 'table': {
        const rows = rowsOf(child, trace);
        if (rows.length) out.push({ type: 'table', content: rows });
        break;
      }
      case 'hardBreak':
        break;
      default:
        // An unknown node: its content, read as blocks (or as a paragraph if it only holds text).
        if (child.toArray().some(isElement)) blocksOf(child, out, false, trace);
        else textblockOf(child, paragraph, out, trace);
    }
  }
  return out;
}

/** The draft of a document, as blocks. */
export const draftBlocks = (fragment: Y.XmlFragment): DraftBlock[] => blocksOf(fragment);

/** The draft as blocks, and what each textblock and image was read from (for locate.ts). */
export function draftBlocksWithSources(fragment: Y.XmlFragment): { blocks: DraftBlock[]; sources: BlockSources } {
  const sources: BlockSources = new Map();
  return { blocks: blocksOf(fragment, [], false, sources), sources };
}
