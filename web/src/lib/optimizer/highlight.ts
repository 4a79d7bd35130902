/**
 * "Show in text": a check's places drawn over the live draft as ProseMirror decorations. The
 * places arrive as Yjs relative positions of the state the worker scored (protocol.ts), so they
 * resolve to the right words in this editor even after more typing; once drawn, the decorations
 * follow each edit through the transaction's mapping.
 */
import { type Editor, Extension } from '@tiptap/core';
import type { Node as PmNode } from '@tiptap/pm/model';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';
import { relativePositionToAbsolutePosition, ySyncPluginKey } from '@tiptap/y-tiptap';
import * as Y from 'yjs';
import { decodeRange, type RelativeRange } from '$core/draft/locate';
import { draftFragment } from '$core/draft/yjs';

const key = new PluginKey<DecorationSet>('scoreHighlight');
const ATTRS = { class: 'score-highlight', 'data-testid': 'score-highlight' };

type PmRange = { from: number; to: number };

function decorationsFor(doc: PmNode, ranges: PmRange[]): DecorationSet {
  const decorations: Decoration[] = [];
  for (const { from, to } of ranges) {
    if (to > from) decorations.push(Decoration.inline(from, to, ATTRS));
    else {
      // An image: its range is empty in the text, so the node itself is marked.
      const node = doc.nodeAt(from);
      if (node && !node.isText) decorations.push(Decoration.node(from, from + node.nodeSize, ATTRS));
    }
  }
  return DecorationSet.create(doc, decorations);
}

/** The highlight currently shown in one editor; the score panel sets it, the editor draws it. */
export class ScoreHighlights {
  #editor: Editor | null = null;

  attach(editor: Editor) {
    this.#editor = editor;
  }

  detach(editor: Editor) {
    if (this.#editor === editor) this.#editor = null;
  }

  /**
   * Highlights the encoded ranges and (unless told not to) scrolls the first into view; false
   * when none of them is in the editor's document any more (or no editor is open).
   */
  show(doc: Y.Doc, encoded: readonly string[], scroll = true): boolean {
    const editor = this.#editor;
    const binding = editor && ySyncPluginKey.getState(editor.state)?.binding;
    if (!editor || !binding) return false;
    const fragment = draftFragment(doc);
    const resolve = (rel: Y.RelativePosition) =>
      relativePositionToAbsolutePosition(doc, fragment, rel, binding.mapping) as number | null;
    const ranges: PmRange[] = [];
    for (const value of encoded) {
      const range = decodeRange(value);
      if (!range) continue;
      const to = resolve(range.end);
      const from = resolve(range.start) ?? startInSameText(doc, range, to);
      if (from !== null && to !== null && to >= from) ranges.push({ from, to });
    }
    editor.view.dispatch(editor.state.tr.setMeta(key, decorationsFor(editor.state.doc, ranges)));
    const first = ranges[0];
    if (!first) return false;
    if (scroll) scrollToPosition(editor, first.from);
    return true;
  }

  clear() {
    const editor = this.#editor;
    if (editor && !editor.isDestroyed) editor.view.dispatch(editor.state.tr.setMeta(key, DecorationSet.empty));
  }
}

/**
 * y-tiptap refuses a text position that lands at ProseMirror position 0 or 1 (it takes it for a
 * misresolved cursor), i.e. the first character of the draft: a place starting there is measured
 * back from its end instead, when both ends lie in one Y.XmlText (a text node's offsets are Yjs
 * indices there).
 */
function startInSameText(doc: Y.Doc, range: RelativeRange, to: number | null) {
  if (to === null) return null;
  const start = Y.createAbsolutePositionFromRelativePosition(range.start, doc);
  const end = Y.createAbsolutePositionFromRelativePosition(range.end, doc);
  if (!start || !end || start.type !== end.type || !(start.type instanceof Y.XmlText)) return null;
  return to - (end.index - start.index);
}

function scrollToPosition(editor: Editor, pos: number) {
  const { node } = editor.view.domAtPos(pos);
  const element = node instanceof Element ? node : node.parentElement;
  const still = matchMedia('(prefers-reduced-motion: reduce)').matches;
  element?.scrollIntoView({ block: 'center', behavior: still ? 'auto' : 'smooth' });
}

/** The editor side: keeps the panel's decorations, mapped through every change of the document. */
export const ScoreHighlight = Extension.create<{ highlights: ScoreHighlights | null }>({
  name: 'scoreHighlight',
  addOptions: () => ({ highlights: null }),
  onCreate() {
    this.options.highlights?.attach(this.editor);
  },
  onDestroy() {
    this.options.highlights?.detach(this.editor);
  },
  addProseMirrorPlugins() {
    return [
      new Plugin<DecorationSet>({
        key,
        state: {
          init: () => DecorationSet.empty,
          apply: (tr, set) => tr.getMeta(key) ?? set.map(tr.mapping, tr.doc),
        },
        props: { decorations: (state) => key.getState(state) },
      }),
    ];
  },
});
