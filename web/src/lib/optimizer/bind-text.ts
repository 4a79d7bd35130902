/**
 * A plain text input bound to a Y.Text of the draft's meta map (core/draft/meta.ts): what the user
 * types goes in as the smallest edit (so a co-editor typing elsewhere in the same field at the same
 * moment keeps their characters), and what others type comes out in the input with the user's
 * caret kept on the same characters.
 */
import type * as Y from 'yjs';
import { setTextMinimal } from '$core/draft/meta';

type Delta = { retain?: number; insert?: unknown; delete?: number }[];

/**
 * Where `index` of the old text is after the change `delta`. Text inserted exactly at the index
 * lands after it: the caret stays in front of what a co-editor typed at the same spot.
 */
export function mapIndex(delta: Delta, index: number): number {
  let old = 0;
  let shift = 0;
  for (const op of delta) {
    if (old > index) break;
    if (op.retain !== undefined) old += op.retain;
    else if (op.delete !== undefined) {
      if (old < index) shift -= Math.min(op.delete, index - old);
      old += op.delete;
    } else if (op.insert !== undefined && old < index) {
      shift += typeof op.insert === 'string' ? op.insert.length : 1;
    }
  }
  return index + shift;
}

/** The parts of an <input>/<textarea> the binding uses (a fake one in the spec). */
export type TextControl = Pick<
  HTMLInputElement,
  'value' | 'selectionStart' | 'selectionEnd' | 'setSelectionRange' | 'addEventListener' | 'removeEventListener'
> & { ownerDocument: { activeElement: unknown } | null };

/**
 * Binds `control` to `text` until the returned function is called; `onvalue` hears every value
 * the control shows (for counters). Usable as a Svelte attachment: `{@attach (n) => bindText(n, t)}`.
 */
export function bindText(control: TextControl, text: Y.Text, onvalue: (value: string) => void = () => {}) {
  control.value = text.toString();
  onvalue(control.value);
  const input = () => {
    setTextMinimal(text, control.value);
    onvalue(control.value);
  };
  const observe = (event: Y.YTextEvent) => {
    const next = text.toString();
    if (control.value === next) return;
    const focused = control.ownerDocument?.activeElement === control;
    const start = control.selectionStart;
    const end = control.selectionEnd;
    const delta = event.delta as Delta;
    control.value = next;
    if (focused && start !== null && end !== null)
      control.setSelectionRange(mapIndex(delta, start), mapIndex(delta, end));
    onvalue(next);
  };
  control.addEventListener('input', input);
  text.observe(observe);
  return () => {
    control.removeEventListener('input', input);
    text.unobserve(observe);
  };
}
