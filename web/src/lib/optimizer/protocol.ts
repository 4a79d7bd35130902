/**
 * Messages between the editor page and its scoring Web Worker (score.worker.ts). Plain data only:
 * Yjs updates as bytes, the brief and the result as JSON, the places to highlight as encoded
 * relative positions (core/draft/locate.ts `encodeRange`), so the worker and page never share a
 * Y.Doc object.
 */
import type { EditorBrief } from '$core/draft-score';
import type { Check, ScoreResult } from '$core/optimizer/types';

export type ToScorer =
  /** A Yjs update of the draft (the first one is the whole state), applied to the worker's replica. */
  | { kind: 'update'; update: Uint8Array }
  /** What the draft is scored against; nothing is scored before the first one. */
  | { kind: 'brief'; brief: EditorBrief };

export type FromScorer =
  | {
      kind: 'result';
      result: ScoreResult;
      /** Per check (`checkKey`): its places as relative ranges of the state that was scored. */
      places: Record<string, string[]>;
      /** How long scoring took in the worker, in milliseconds. */
      ms: number;
    }
  | { kind: 'error'; message: string };

/** One id repeats (an outline section per heading): the subject tells them apart. */
export const checkKey = (check: Pick<Check, 'id' | 'subject'>) => `${check.id}:${check.subject ?? ''}`;
