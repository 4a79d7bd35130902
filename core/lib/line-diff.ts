/** One line of a diff: kept in both texts, only in the old one (removed), or only in the new one (added). */
export interface DiffLine {
  op: 'same' | 'added' | 'removed';
  text: string;
  /** 1-based line numbers in the old and new text (null where the line is absent). */
  old: number | null;
  new: number | null;
}

/** Past this many lines × lines the LCS table is too large for a request: the diff becomes remove-all, add-all. */
const MAX_CELLS = 4_000_000;

/**
 * A line diff by longest common subsequence (the prompt history's "compare" view, shared by the API
 * and the page). Prompts are a few dozen lines, so the O(n·m) table is small; common head and tail
 * lines are trimmed first so an edit in the middle of a long text stays cheap.
 */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before.split(/\r?\n/);
  const b = after.split(/\r?\n/);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const out: DiffLine[] = [];
  for (let i = 0; i < head; i++) out.push({ op: 'same', text: a[i]!, old: i + 1, new: i + 1 });
  out.push(...middle(midA, midB, head));
  for (let i = tail; i > 0; i--) {
    out.push({ op: 'same', text: a[a.length - i]!, old: a.length - i + 1, new: b.length - i + 1 });
  }
  return out;
}

function middle(a: string[], b: string[], offset: number): DiffLine[] {
  const removed = (i: number): DiffLine => ({ op: 'removed', text: a[i]!, old: offset + i + 1, new: null });
  const added = (j: number): DiffLine => ({ op: 'added', text: b[j]!, old: null, new: offset + j + 1 });
  if (a.length * b.length > MAX_CELLS) return [...a.map((_, i) => removed(i)), ...b.map((_, j) => added(j))];
  // lcs[i][j]: the LCS length of a[i..] and b[j..], in one flat array.
  const width = b.length + 1;
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[i] === b[j]
          ? lcs[(i + 1) * width + j + 1]! + 1
          : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ op: 'same', text: a[i]!, old: offset + i + 1, new: offset + j + 1 });
      i++;
      j++;
    } else if (lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!) out.push(removed(i++));
    else out.push(added(j++));
  }
  while (i < a.length) out.push(removed(i++));
  while (j < b.length) out.push(added(j++));
  return out;
}
