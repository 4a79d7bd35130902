import { describe, expect, it } from 'vitest';
import { moveHighlight, SLASH_ITEMS } from './slash-items';

describe('slash menu', () => {
  it('offers the blocks the issue lists, each runnable or the image picker', () => {
    expect(SLASH_ITEMS.map((i) => i.label)).toEqual([
      'Heading 2',
      'Heading 3',
      'Bullet list',
      'Numbered list',
      'Quote',
      'Table',
      'Image',
      'Divider',
    ]);
    expect(SLASH_ITEMS.filter((i) => !i.run).map((i) => i.id)).toEqual(['image']);
  });

  it('moves the highlight with the arrow keys, wrapping, and Home/End', () => {
    expect(moveHighlight('ArrowDown', 7, 8)).toBe(0);
    expect(moveHighlight('ArrowUp', 0, 8)).toBe(7);
    expect(moveHighlight('End', 2, 8)).toBe(7);
    expect(moveHighlight('Home', 5, 8)).toBe(0);
    expect(moveHighlight('a', 5, 8)).toBeNull();
  });
});
