/**
 * The editor's scoring Web Worker: one per open draft (live-score.svelte.ts), running the loop of
 * scorer.ts off the main thread.
 */
// First: it must run before the scorer's modules are evaluated.
import './umd-require';
import type { FromScorer, ToScorer } from './protocol';
import { createScorer } from './scorer';

// The app's tsconfig carries the DOM lib, not the worker's: only these two members are used.
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<ToScorer>) => void) | null;
  postMessage(message: FromScorer): void;
};

const scorer = createScorer((message) => scope.postMessage(message), {
  now: () => performance.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
});

scope.onmessage = ({ data }) => scorer.receive(data);
