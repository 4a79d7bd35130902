/**
 * Word count of a draft, from the Yjs document itself (no HTML round trip), counted like the
 * dev model and the seed count: whitespace-separated runs of text, block boundaries included.
 */
import * as Y from 'yjs';

function collect(node: Y.XmlFragment | Y.XmlElement | Y.XmlText, parts: string[]) {
  if (node instanceof Y.XmlText) {
    for (const op of node.toDelta() as { insert: unknown }[]) if (typeof op.insert === 'string') parts.push(op.insert);
    return;
  }
  for (const child of node.toArray()) {
    if (child instanceof Y.XmlText || child instanceof Y.XmlElement) {
      // Elements separate words: blocks, cells, line breaks.
      parts.push(' ');
      collect(child, parts);
      parts.push(' ');
    }
  }
}

export function wordCount(fragment: Y.XmlFragment): number {
  const parts: string[] = [];
  collect(fragment, parts);
  return parts.join('').match(/\S+/g)?.length ?? 0;
}

/** The same count over plain text (e.g. an HTML projection's text). */
export function countWords(text: string): number {
  return text.match(/\S+/g)?.length ?? 0;
}
