/**
 * Bench for the content score (issue 11: ≤ 5 ms for a 3,000-word draft). Plain Node 24 (types
 * stripped): `npx node scripts/bench-score.ts`. Prints median and p99 for a cold score (nothing
 * memoised, as the first score in a fresh isolate) and a warm one (one paragraph changed since the
 * last score, as while someone types).
 */
import { registerHooks } from 'node:module';

// core/ imports without extensions (the bundlers resolve them); plain Node needs the `.ts`.
registerHooks({
  resolve(specifier, context, next) {
    try {
      return next(specifier, context);
    } catch (error) {
      if (specifier.startsWith('.')) return next(`${specifier}.ts`, context);
      throw error;
    }
  },
});

const { buildFixture } = await import('../core/optimizer/fixtures/build.ts');
const { clearScorerCaches, scoreDraft } = await import('../core/optimizer/index.ts');

const RUNS = Number(process.env.RUNS ?? 200);
const fixture = buildFixture(3000, 'en', 3000);
const base = fixture.input;

/** The same draft with one paragraph changed (a word typed at its end), so the memo misses it. */
function edited(i: number) {
  return {
    ...base,
    draft: base.draft.map((block, j) =>
      block.type === 'paragraph' && j === i % base.draft.length
        ? { ...block, content: [...block.content, { type: 'text' as const, text: ` typed${i}` }] }
        : block,
    ),
  };
}

function measure(label: string, make: (i: number) => typeof base, cold: boolean, baseline = false) {
  const times: number[] = [];
  for (let i = 0; i < RUNS + 20; i++) {
    const input = make(i);
    if (cold) clearScorerCaches();
    const start = performance.now();
    if (baseline) segmentOnly();
    else scoreDraft(input);
    if (i >= 20) times.push(performance.now() - start); // the first runs warm up the JIT
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => (times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0).toFixed(2);
  console.log(`${label}: median ${at(0.5)} ms, p99 ${at(0.99)} ms (${RUNS} runs)`);
}

/** The same run's floor: only Intl.Segmenter over the draft's text (words, then sentences). */
const texts = base.draft.flatMap((b) =>
  b.type === 'paragraph' || b.type === 'heading'
    ? [b.content.map((i) => (i.type === 'text' ? i.text : '\n')).join('')]
    : [],
);
const words = new Intl.Segmenter('en', { granularity: 'word' });
const sentences = new Intl.Segmenter('en', { granularity: 'sentence' });
function segmentOnly() {
  let n = 0;
  for (const text of texts) {
    for (const s of words.segment(text)) if (s.isWordLike) n++;
    for (const _ of sentences.segment(text)) n++;
  }
  return n;
}

console.log(`score bench: ${scoreDraft(base).words} words, ${base.draft.length} blocks`);
measure('baseline (Intl.Segmenter alone)', () => base, false, true);
measure('cold (first score: nothing memoised)', () => base, true);
measure('warm (one paragraph edited since the last score)', (i) => edited(i), false);
