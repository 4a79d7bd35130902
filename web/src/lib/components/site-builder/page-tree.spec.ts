import { describe, expect, it } from 'vitest';
import { applyPlacements, canMove, dropBefore, flatten, movePage, type TreePage } from './page-tree';

// home, about (team under it), blog, contact
const pages: TreePage[] = [
  { id: 1, parent_id: null, order: 0 },
  { id: 2, parent_id: null, order: 1 },
  { id: 5, parent_id: 2, order: 2 },
  { id: 3, parent_id: null, order: 3 },
  { id: 4, parent_id: null, order: 4 },
];
const shape = (list: TreePage[]) => flatten(list).map((r) => `${'-'.repeat(r.depth)}${r.page.id}`);

describe('the page tree', () => {
  it('lists children under their parent, in order', () => {
    expect(shape(pages)).toEqual(['1', '2', '-5', '3', '4']);
  });

  it('moves a page past its sibling, taking its children along', () => {
    const moved = applyPlacements(pages, movePage(pages, 2, 'down')!);
    expect(shape(moved)).toEqual(['1', '3', '2', '-5', '4']);
  });

  it('indents under the previous sibling and outdents back after the parent', () => {
    const indented = applyPlacements(pages, movePage(pages, 3, 'indent')!);
    expect(shape(indented)).toEqual(['1', '2', '-5', '-3', '4']);
    const outdented = applyPlacements(indented, movePage(indented, 5, 'outdent')!);
    expect(shape(outdented)).toEqual(['1', '2', '-3', '5', '4']);
  });

  it('nests one level deep only, never under or of home', () => {
    const home = pages.map((p) => ({ ...p, slug: p.id === 1 ? '' : `p${p.id}` }));
    expect(canMove(home, 2, 'indent')).toBe(false); // under home
    expect(canMove(home, 3, 'indent')).toBe(true); // under 2, a top-level page
    expect(dropBefore(home, 4, 5)).not.toBeNull(); // into 2's children: one level
    expect(dropBefore(home, 2, 4)).not.toBeNull();
    expect(dropBefore(home, 1, 5)).toBeNull(); // home never nests
  });

  it('refuses moves past the ends', () => {
    expect(canMove(pages, 1, 'up')).toBe(false);
    expect(canMove(pages, 1, 'indent')).toBe(false);
    expect(canMove(pages, 1, 'outdent')).toBe(false);
    expect(canMove(pages, 5, 'down')).toBe(false);
    expect(movePage(pages, 4, 'down')).toBeNull();
  });

  it('drops a page before another as its sibling, never into itself', () => {
    expect(shape(applyPlacements(pages, dropBefore(pages, 4, 5)!))).toEqual(['1', '2', '-4', '-5', '3']);
    expect(dropBefore(pages, 2, 5)).toBeNull();
  });
});
