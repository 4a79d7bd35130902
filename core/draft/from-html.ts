/**
 * HTML → draft blocks, in a Worker (no DOM). The HTML is sanitized first (core/html/sanitize.ts),
 * which also balances it, then read like ProseMirror's DOMParser would read it into Tiptap's
 * schema: inline content loose in a container becomes a paragraph, a list item or table cell
 * always starts with a block, an image (a block node in Tiptap) splits the paragraph it sits in,
 * whitespace collapses outside <pre>.
 */
import { BLOCK_TAGS as SANITIZER_BLOCK_TAGS, sanitizeHtml } from '../html/sanitize';
import { tokenize } from '../html/tokenize';
import {
  paragraph,
  sameMarks,
  text,
  type DraftBlock,
  type DraftInline,
  type DraftListItem,
  type DraftMark,
  type DraftTableCell,
  type DraftTableRow,
  type HeadingLevel,
} from './schema';

type Node = { tag: string; attrs: Record<string, string>; children: Node[] } | string;
type Element = Exclude<Node, string>;

const VOID = new Set(['br', 'hr', 'img']);
/** The sanitizer's block tags, and images: a draft's image is a block node. */
const BLOCK_TAGS = new Set([...SANITIZER_BLOCK_TAGS, 'img']);

/** Sanitized HTML is balanced, so a plain stack builds its tree. */
function parse(html: string): Node[] {
  const root: Node[] = [];
  const stack: Element[] = [];
  for (const token of tokenize(html)) {
    const siblings = stack.length ? stack[stack.length - 1]!.children : root;
    switch (token.kind) {
      case 'text':
        siblings.push(token.text);
        break;
      case 'open': {
        const el: Element = { tag: token.tag, attrs: token.attrs, children: [] };
        siblings.push(el);
        if (!VOID.has(token.tag) && !token.selfClosing) stack.push(el);
        break;
      }
      case 'close': {
        const at = stack.map((e) => e.tag).lastIndexOf(token.tag);
        if (at >= 0) stack.length = at;
        break;
      }
      default: {
        const unknown: never = token;
        throw new Error(`Unknown token ${JSON.stringify(unknown)}`);
      }
    }
  }
  return root;
}

/** Collects inline content into paragraphs; blocks met on the way close the current one. */
class InlineRun {
  private inlines: DraftInline[] = [];

  constructor(private readonly out: DraftBlock[]) {}

  push(inline: DraftInline) {
    const last = this.inlines[this.inlines.length - 1];
    if (inline.type === 'text') {
      let value = inline.text;
      // Collapsed whitespace: none at the start of a block or after a space or a line break.
      if (!last || last.type === 'hardBreak' || last.text.endsWith(' ')) value = value.replace(/^ /, '');
      if (!value) return;
      if (last?.type === 'text' && sameMarks(last.marks, inline.marks)) last.text += value;
      else this.inlines.push(text(value, inline.marks));
      return;
    }
    this.trimEnd();
    this.inlines.push(inline);
  }

  /** Ends the current paragraph (if it has content); `keepEmpty` for an explicit empty <p>. */
  flush(make: (content: DraftInline[]) => DraftBlock = paragraph, keepEmpty = false) {
    this.trimEnd();
    if (this.inlines.length || keepEmpty) this.out.push(make(this.inlines));
    this.inlines = [];
  }

  private trimEnd() {
    const last = this.inlines[this.inlines.length - 1];
    if (last?.type !== 'text') return;
    last.text = last.text.replace(/ $/, '');
    if (!last.text) this.inlines.pop();
  }
}

const collapse = (s: string) => s.replace(/[ \t\n\r\f]+/g, ' ');

function markOf(el: Element): DraftMark | null {
  switch (el.tag) {
    case 'strong':
    case 'b':
      return { type: 'bold' };
    case 'em':
    case 'i':
      return { type: 'italic' };
    case 'code':
      return { type: 'code' };
    case 'a':
      if (!el.attrs.href) return null;
      // The sanitizer kept `target` only as _blank.
      return {
        type: 'link',
        attrs: el.attrs.target ? { href: el.attrs.href, target: '_blank' } : { href: el.attrs.href },
      };
    default:
      return null;
  }
}

/** Inline nodes of `nodes` into `run`; images (block nodes) flush the run and land in `out`. */
function readInline(
  nodes: Node[],
  marks: DraftMark[],
  run: InlineRun,
  out: DraftBlock[],
  make?: (content: DraftInline[]) => DraftBlock,
) {
  for (const node of nodes) {
    if (typeof node === 'string') {
      run.push(text(collapse(node), marks));
      continue;
    }
    if (node.tag === 'br') {
      run.push({ type: 'hardBreak' });
      continue;
    }
    if (node.tag === 'img') {
      run.flush(make);
      out.push(imageOf(node));
      continue;
    }
    if (BLOCK_TAGS.has(node.tag)) {
      // A block inside inline content (e.g. <strong><p>…</p></strong>): read as its own block.
      run.flush(make);
      readBlocks([node], out);
      continue;
    }
    const mark = markOf(node);
    const inner = mark && !marks.some((m) => m.type === mark.type) ? [...marks, mark] : marks;
    readInline(node.children, inner, run, out, make);
  }
}

function imageOf(el: Element): DraftBlock {
  return { type: 'image', attrs: { src: el.attrs.src ?? '', alt: el.attrs.alt ?? '' } };
}

function textblock(el: Element, out: DraftBlock[], make: (content: DraftInline[]) => DraftBlock) {
  const run = new InlineRun(out);
  const before = out.length;
  readInline(el.children, [], run, out, make);
  // An explicit empty <p></p> is an empty paragraph, as in the editor.
  run.flush(make, out.length === before);
}

/** Blocks of a container (the document, a blockquote, a list item, a cell, a figure). */
function readBlocks(nodes: Node[], out: DraftBlock[] = []): DraftBlock[] {
  const run = new InlineRun(out);
  for (const node of nodes) {
    if (typeof node === 'string' || !BLOCK_TAGS.has(node.tag)) {
      readInline([node], [], run, out); // loose inline content becomes a paragraph
      continue;
    }
    run.flush();
    switch (node.tag) {
      case 'p':
        textblock(node, out, paragraph);
        break;
      case 'h2':
      case 'h3':
      case 'h4': {
        const level = Number(node.tag[1]) as HeadingLevel;
        textblock(node, out, (content) => ({ type: 'heading', attrs: { level }, content }));
        break;
      }
      case 'ul':
        out.push({ type: 'bulletList', content: listItems(node) });
        break;
      case 'ol':
        out.push({ type: 'orderedList', attrs: { start: 1 }, content: listItems(node) });
        break;
      case 'blockquote':
        out.push({ type: 'blockquote', content: filled(readBlocks(node.children)) });
        break;
      case 'pre':
        out.push(codeBlock(node));
        break;
      case 'hr':
        out.push({ type: 'horizontalRule' });
        break;
      case 'img':
        out.push(imageOf(node));
        break;
      case 'table': {
        const rows = tableRows(node);
        if (rows.length) out.push({ type: 'table', content: rows });
        break;
      }
      case 'figure':
      case 'figcaption':
      default:
        // A figure's image and caption become blocks of their own; stray list and table parts
        // (li, tr, td… outside their list or table) are read for their content.
        readBlocks(node.children, out);
    }
  }
  run.flush();
  return out;
}

/** A list item, a cell and a blockquote hold at least one block, starting with a paragraph for items. */
function filled(blocks: DraftBlock[], startWithParagraph = false): DraftBlock[] {
  if (!blocks.length || (startWithParagraph && blocks[0]!.type !== 'paragraph')) return [paragraph(), ...blocks];
  return blocks;
}

function listItems(list: Element): DraftListItem[] {
  const items: DraftListItem[] = [];
  let loose: Node[] = [];
  const flushLoose = () => {
    if (loose.some((n) => typeof n !== 'string' || n.trim()))
      items.push({ type: 'listItem', content: filled(readBlocks(loose), true) });
    loose = [];
  };
  for (const child of list.children) {
    if (typeof child !== 'string' && child.tag === 'li') {
      flushLoose();
      items.push({ type: 'listItem', content: filled(readBlocks(child.children), true) });
    } else loose.push(child);
  }
  flushLoose();
  return items.length ? items : [{ type: 'listItem', content: [paragraph()] }];
}

function tableRows(table: Element): DraftTableRow[] {
  const rows: DraftTableRow[] = [];
  const visit = (nodes: Node[]) => {
    for (const n of nodes) {
      if (typeof n === 'string') continue;
      if (n.tag === 'thead' || n.tag === 'tbody') visit(n.children);
      else if (n.tag === 'tr') {
        const cells: DraftTableCell[] = n.children
          .filter((c): c is Element => typeof c !== 'string' && (c.tag === 'th' || c.tag === 'td'))
          .map((c) => ({
            type: c.tag === 'th' ? 'tableHeader' : 'tableCell',
            attrs: { colspan: 1, rowspan: 1 },
            content: filled(readBlocks(c.children)),
          }));
        if (cells.length) rows.push({ type: 'tableRow', content: cells });
      }
    }
  };
  visit(table.children);
  return rows;
}

function codeBlock(pre: Element): DraftBlock {
  const parts: string[] = [];
  const walk = (nodes: Node[]) => {
    for (const n of nodes) {
      if (typeof n === 'string') parts.push(n);
      else if (n.tag === 'br') parts.push('\n');
      else walk(n.children);
    }
  };
  // HTML drops one newline right after <pre> (not after <pre><code>).
  const first = pre.children[0];
  walk(typeof first === 'string' && first.startsWith('\n') ? [first.slice(1), ...pre.children.slice(1)] : pre.children);
  const value = parts.join('');
  return { type: 'codeBlock', content: value ? [text(value)] : [] };
}

/** The blocks of `html` (sanitized first), in the editor's schema. */
export function htmlToBlocks(html: string): DraftBlock[] {
  return readBlocks(parse(sanitizeHtml(html)));
}
