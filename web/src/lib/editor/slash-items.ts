import type { ChainedCommands } from '@tiptap/core';

/**
 * The blocks the slash menu offers ("/" at the start of an empty paragraph): only what the draft
 * schema holds (core/draft/schema.ts), so nothing chosen here is dropped by the room's projection.
 * `image` opens the image picker instead of running a command (it needs a choice and alt text).
 */
export interface SlashItem {
  id: string;
  label: string;
  hint: string;
  run?: (chain: ChainedCommands) => ChainedCommands;
}

export const SLASH_ITEMS: readonly SlashItem[] = [
  { id: 'h2', label: 'Heading 2', hint: 'A section', run: (c) => c.setNode('heading', { level: 2 }) },
  { id: 'h3', label: 'Heading 3', hint: 'A subsection', run: (c) => c.setNode('heading', { level: 3 }) },
  { id: 'bullets', label: 'Bullet list', hint: 'Points in no order', run: (c) => c.toggleBulletList() },
  { id: 'numbers', label: 'Numbered list', hint: 'Steps in order', run: (c) => c.toggleOrderedList() },
  { id: 'quote', label: 'Quote', hint: 'A quotation', run: (c) => c.toggleBlockquote() },
  {
    id: 'table',
    label: 'Table',
    hint: '3 × 3 with a header row',
    run: (c) => c.insertTable({ rows: 3, cols: 3, withHeaderRow: true }),
  },
  { id: 'image', label: 'Image', hint: 'One of this article’s images' },
  { id: 'divider', label: 'Divider', hint: 'A horizontal rule', run: (c) => c.setHorizontalRule() },
];

/** The next highlighted item for a key press in the menu (wrapping), or null when the key is not a move. */
export function moveHighlight(key: string, at: number, count: number): number | null {
  if (key === 'ArrowDown') return (at + 1) % count;
  if (key === 'ArrowUp') return (at - 1 + count) % count;
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  return null;
}
