/**
 * The scoring loop of the editor's Web Worker (score.worker.ts wires it to `self`): a replica
 * Y.Doc fed with the page's updates, scored with the same `scoreDocument` the DraftRoom runs, so
 * typing never waits for the scorer and both sides agree on the number.
 *
 * Scoring runs 150 ms after the last update, and at least once a second while updates keep coming,
 * so the ring moves while someone types without scoring every keystroke.
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

  function score() {
    pendingSince = null;
    // Before the room seeded the meta map the replica holds no (or half a) draft: a score of it
    // would flash a wrong number.
    if (!brief || !isMetaSeeded(doc)) return;
    try {
      const started = clock.now();
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
