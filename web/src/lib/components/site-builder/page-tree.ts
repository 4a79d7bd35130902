/**
 * A blueprint's pages as the navigation tree the Site Builder shows: siblings in `order`, children
 * under their parent. Moves are pure (a new list of {id, parent_id} in navigation order, which is
 * what POST /pages/reorder/ takes), so buttons and drag-and-drop make the same moves. As the API
 * rules (worker/site-builder/pages.ts): pages nest one level deep, under a top-level page other
 * than home (slug ''), and home itself never nests.
 */
export interface TreePage {
  id: number;
  parent_id: number | null;
  order: number;
  slug?: string;
}
export interface TreeRow<P extends TreePage> {
  page: P;
  depth: number;
}
export interface Placement {
  id: number;
  parent_id: number | null;
}
export type TreeMove = 'up' | 'down' | 'indent' | 'outdent';

/** The pages depth-first in navigation order (a page whose parent is gone shows at the top level). */
export function flatten<P extends TreePage>(pages: P[]): TreeRow<P>[] {
  const ids = new Set(pages.map((p) => p.id));
  const byParent = new Map<number | null, P[]>();
  for (const page of [...pages].sort((a, b) => a.order - b.order || a.id - b.id)) {
    const parent = page.parent_id !== null && ids.has(page.parent_id) ? page.parent_id : null;
    byParent.set(parent, [...(byParent.get(parent) ?? []), page]);
  }
  const rows: TreeRow<P>[] = [];
  const seen = new Set<number>();
  const walk = (parent: number | null, depth: number) => {
    for (const page of byParent.get(parent) ?? []) {
      if (seen.has(page.id)) continue; // a cycle in stored data must not hang the page
      seen.add(page.id);
      rows.push({ page, depth });
      walk(page.id, depth + 1);
    }
  };
  walk(null, 0);
  return rows;
}

function parentOf(rows: TreeRow<TreePage>[], id: number): number | null {
  const row = rows.find((r) => r.page.id === id);
  const parent = row?.page.parent_id ?? null;
  return parent !== null && rows.some((r) => r.page.id === parent) ? parent : null;
}

/** The children lists of the tree, each in order. */
function childrenLists(rows: TreeRow<TreePage>[]): Map<number | null, number[]> {
  const lists = new Map<number | null, number[]>();
  for (const row of rows) {
    const parent = parentOf(rows, row.page.id);
    lists.set(parent, [...(lists.get(parent) ?? []), row.page.id]);
  }
  return lists;
}

function placementsOf(lists: Map<number | null, number[]>): Placement[] {
  const out: Placement[] = [];
  const walk = (parent: number | null) => {
    for (const id of lists.get(parent) ?? []) {
      out.push({ id, parent_id: parent });
      walk(id);
    }
  };
  walk(null);
  return out;
}

const isHome = (pages: TreePage[], id: number) => pages.find((p) => p.id === id)?.slug === '';

/** Whether `id` may become a child of `parent`: one level only, never home. */
function canNest(pages: TreePage[], rows: TreeRow<TreePage>[], id: number, parent: number): boolean {
  return (
    parentOf(rows, parent) === null &&
    !isHome(pages, parent) &&
    !isHome(pages, id) &&
    !(childrenLists(rows).get(id) ?? []).length
  );
}

/** Whether a move is possible (the button is enabled). */
export function canMove(pages: TreePage[], id: number, move: TreeMove): boolean {
  const rows = flatten(pages);
  const siblings = childrenLists(rows).get(parentOf(rows, id)) ?? [];
  const at = siblings.indexOf(id);
  if (move === 'up') return at > 0;
  if (move === 'indent') return at > 0 && canNest(pages, rows, id, siblings[at - 1]!);
  if (move === 'down') return at >= 0 && at < siblings.length - 1;
  return parentOf(rows, id) !== null;
}

/** The whole order after one keyboard move; null when the move isn't possible. */
export function movePage(pages: TreePage[], id: number, move: TreeMove): Placement[] | null {
  if (!canMove(pages, id, move)) return null;
  const rows = flatten(pages);
  const lists = childrenLists(rows);
  const parent = parentOf(rows, id);
  const siblings = [...(lists.get(parent) ?? [])];
  const at = siblings.indexOf(id);
  if (move === 'up' || move === 'down') {
    const to = move === 'up' ? at - 1 : at + 1;
    [siblings[at], siblings[to]] = [siblings[to]!, siblings[at]!];
    lists.set(parent, siblings);
  } else if (move === 'indent') {
    const newParent = siblings[at - 1]!;
    lists.set(
      parent,
      siblings.filter((s) => s !== id),
    );
    lists.set(newParent, [...(lists.get(newParent) ?? []), id]);
  } else {
    const grand = parentOf(rows, parent!);
    const uncles = [...(lists.get(grand) ?? [])];
    lists.set(
      parent,
      siblings.filter((s) => s !== id),
    );
    uncles.splice(uncles.indexOf(parent!) + 1, 0, id);
    lists.set(grand, uncles);
  }
  return placementsOf(lists);
}

/** Drag-and-drop: `id` goes right before `target`, as its sibling; null if that would nest it in itself. */
export function dropBefore(pages: TreePage[], id: number, target: number): Placement[] | null {
  if (id === target) return null;
  const rows = flatten(pages);
  for (let p: number | null = target; p !== null; p = parentOf(rows, p)) if (p === id) return null;
  const parent = parentOf(rows, target);
  if (parent !== null && !canNest(pages, rows, id, parent)) return null;
  const lists = childrenLists(rows);
  const from = parentOf(rows, id);
  lists.set(
    from,
    (lists.get(from) ?? []).filter((s) => s !== id),
  );
  const siblings = [...(lists.get(parent) ?? [])];
  siblings.splice(siblings.indexOf(target), 0, id);
  lists.set(parent, siblings);
  return placementsOf(lists);
}

/** The pages with the placements applied: parent and order as the server will store them. */
export function applyPlacements<P extends TreePage>(pages: P[], placements: Placement[]): P[] {
  const at = new Map(placements.map((p, i) => [p.id, { parent_id: p.parent_id, order: i }]));
  return pages.map((page) => ({ ...page, ...(at.get(page.id) ?? {}) }));
}
