/**
 * The content draft shared by the DraftRoom and the editor: its Yjs layout (schema.ts, yjs.ts),
 * HTML in (from-html.ts) and out (to-html.ts), and its word count (words.ts).
 */
import type * as Y from 'yjs';
import { htmlToBlocks } from './from-html';
import { appendBlocks, replaceBlocks } from './yjs';

export * from './meta';
export * from './schema';
export { htmlToBlocks } from './from-html';
export { blocksToHtml, draftToHtml, inlineToHtml } from './to-html';
export { appendBlocks, blockToY, copyFragment, draftBlocks, draftFragment, replaceBlocks } from './yjs';
export { countWords, wordCount } from './words';
export {
  applyLink,
  createLocator,
  decodeRange,
  encodeRange,
  locate,
  type Place,
  type RelativeRange,
  relativeRange,
  type ResolvedRange,
  resolveRange,
  type TextSegment,
} from './locate';

/** Appends `html` (sanitized) at the end of the draft; returns how many blocks it added. */
export function htmlToDraft(fragment: Y.XmlFragment, html: string, origin?: unknown): number {
  const blocks = htmlToBlocks(html);
  appendBlocks(fragment, blocks, origin);
  return blocks.length;
}

/** Replaces the whole draft with `html` (sanitized), as one change. */
export function replaceDraftWithHtml(fragment: Y.XmlFragment, html: string, origin?: unknown): number {
  const blocks = htmlToBlocks(html);
  replaceBlocks(fragment, blocks, origin);
  return blocks.length;
}
