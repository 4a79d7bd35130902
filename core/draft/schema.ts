/**
 * The shape of a content draft, shared by the DraftRoom (worker side) and the editor (web side).
 *
 * In Yjs, a draft is what Tiptap's Collaboration extension binds to through y-prosemirror: the
 * XmlFragment `default` of the document, holding one Y.XmlElement per ProseMirror node, named like
 * the node (Tiptap StarterKit + Table + Image + Link), with the node's attributes as element
 * attributes and text as Y.XmlText whose formatting attributes are the marks (`{bold: {}}`,
 * `{link: {href, target}}`), exactly as y-prosemirror writes them. Anything written here is therefore what
 * the editor would have written itself, and the editor's writes are readable here.
 *
 * In memory (between HTML and Yjs), a draft is a list of blocks in ProseMirror's JSON shape
 * (`{type, attrs, content}`), closed to the nodes and marks below.
 */

/** The y-prosemirror field name Tiptap's Collaboration extension uses unless told otherwise. */
export const DRAFT_FRAGMENT = 'default';

export type DraftMark =
  | { type: 'bold' }
  | { type: 'italic' }
  | { type: 'code' }
  | { type: 'link'; attrs: { href: string; target?: '_blank' } };
export type MarkName = DraftMark['type'];
/** Nesting order in HTML, outermost first (as ProseMirror orders marks by schema rank). */
export const MARK_ORDER: readonly MarkName[] = ['link', 'bold', 'italic', 'code'];

export type DraftText = { type: 'text'; text: string; marks?: DraftMark[] };
export type DraftInline = DraftText | { type: 'hardBreak' };

export type HeadingLevel = 1 | 2 | 3 | 4 | 5 | 6;

export type DraftListItem = { type: 'listItem'; content: DraftBlock[] };
export type DraftTableCell = {
  type: 'tableHeader' | 'tableCell';
  attrs: { colspan: number; rowspan: number };
  content: DraftBlock[];
};
export type DraftTableRow = { type: 'tableRow'; content: DraftTableCell[] };

export type DraftBlock =
  | { type: 'paragraph'; content: DraftInline[] }
  | { type: 'heading'; attrs: { level: HeadingLevel }; content: DraftInline[] }
  | { type: 'bulletList'; content: DraftListItem[] }
  | { type: 'orderedList'; attrs: { start: number }; content: DraftListItem[] }
  | { type: 'blockquote'; content: DraftBlock[] }
  | { type: 'codeBlock'; content: DraftText[] }
  | { type: 'horizontalRule' }
  | { type: 'image'; attrs: { src: string; alt: string } }
  | { type: 'table'; content: DraftTableRow[] };

/** Every node name a draft may hold (the y-prosemirror element names). */
export type DraftNodeName =
  | DraftBlock['type']
  | DraftListItem['type']
  | DraftTableRow['type']
  | DraftTableCell['type']
  | 'hardBreak';

export const paragraph = (content: DraftInline[] = []): DraftBlock => ({ type: 'paragraph', content });
export const text = (value: string, marks?: DraftMark[]): DraftText =>
  marks?.length ? { type: 'text', text: value, marks } : { type: 'text', text: value };

export function sameMark(a: DraftMark, b: DraftMark): boolean {
  if (a.type !== b.type) return false;
  if (a.type !== 'link') return true;
  const other = (b as Extract<DraftMark, { type: 'link' }>).attrs;
  return a.attrs.href === other.href && a.attrs.target === other.target;
}

export function sameMarks(a: DraftMark[] = [], b: DraftMark[] = []): boolean {
  return a.length === b.length && a.every((m) => b.some((n) => sameMark(m, n)));
}

export function sortMarks(marks: DraftMark[]): DraftMark[] {
  return [...marks].sort((x, y) => MARK_ORDER.indexOf(x.type) - MARK_ORDER.indexOf(y.type));
}
