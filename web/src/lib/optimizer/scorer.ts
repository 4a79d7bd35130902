/**
 * The scoring loop of the editor's Web Worker (score.worker.ts wires it to `self`): a replica
 * Y.Doc fed with the page's updates, scored with the same `scoreDocument` the DraftRoom runs, so
 * typing never waits for the scorer and both sides agree on the number.
 *
 * A change after a quiet moment is scored at once, so a co-editor's keystroke moves the ring with
 * the very update that carried it (no extra message, no wait: issue 11, "within one broadcast");
 * changes that follow within 150 ms are scored 150 ms after the last of them, and at least once a
 * second while they keep coming, so fast typing never scores every keystroke.
 */
import * as Y from 'yjs';
import { createLocator, encodeRange } from '$core/draft/locate';
import { isMetaSeeded } from '$core/draft/meta';
import { draftFragment } from '$core/draft/yjs';
import { type EditorBrief, scoreDocument } from '$core/draft-score';
import { checkKey, type FromScorer, type ToScorer } from './protocol';

export const QUIET_MS = 150;
export const MAX_WAIT_MS = 1000;

/** The clock and timer the loop uses (the worker's own; a manual one in the spec). */
export type Clock = {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

export function createScorer(post: (message: FromScorer) => void, clock: Clock) {
  const doc = new Y.Doc();
  let brief: EditorBrief | null = null;
  let timer: unknown;
  let pendingSince: number | null = null;
  let lastScoredAt = Number.NEGATIVE_INFINITY;

  function score() {
    pendingSince = null;
    // Before the room seeded the meta map the replica holds no (or half a) draft: a score of it
    // would flash a wrong number.
    if (!brief || !isMetaSeeded(doc)) return;
    try {
      const started = clock.now();
      lastScoredAt = started;
      const result = scoreDocument(doc, brief);
      const locator = createLocator(draftFragment(doc));
      const places: Record<string, string[]> = {};
      for (const check of result.checks) {
        const ranges = check.places.map((where) => locator.relativeRange(where)).filter((r) => r !== null);
        if (ranges.length) places[checkKey(check)] = ranges.map(encodeRange);
      }
      post({ kind: 'result', result, places, ms: clock.now() - started });
    } catch (err) {
      post({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  }

  function schedule() {
    const now = clock.now();
    if (pendingSince === null && now - lastScoredAt >= QUIET_MS) {
      score();
      return;
    }
    pendingSince ??= now;
    clock.clearTimeout(timer);
    timer = clock.setTimeout(score, Math.max(0, Math.min(QUIET_MS, pendingSince + MAX_WAIT_MS - now)));
  }

  return {
    receive(message: ToScorer) {
      if (message.kind === 'update') Y.applyUpdate(doc, message.update);
      else brief = message.brief;
      schedule();
    },
  };
}
