/**
 * The Optimizer's and the Linker's bench workloads (issue 11, "Speed"): the inputs and steps of
 * scripts/bench-score.ts and scripts/bench-linker.ts, in one module that both other runtimes run
 * as is: the bench route (workerd, timed from outside, see routes.ts) and the Chromium page of
 * bench/scenarios/optimizer.mjs (timed inside with performance.now()).
 *
 * One step = what one call costs while someone types: the input with one paragraph edited (warm),
 * or with the memo tables forgotten / a new inventory array so the search index is rebuilt (cold).
 * `bare` does the same bookkeeping and calls nothing: the baseline the steps are measured against.
 */
import type { DraftBlock } from '../../core/draft/schema';
import { inventoryOf, ORIGIN, prng, sourceOf } from '../../core/linker/fixtures/build';
import { suggestLinks } from '../../core/linker/index';
import { buildFixture } from '../../core/optimizer/fixtures/build';
import { clearScorerCaches, scoreDraft } from '../../core/optimizer/index';

export const WORKLOADS = [
  'bare',
  'score-segment',
  'score-cold',
  'score-warm',
  'links-segment',
  'links-cold',
  'links-warm',
] as const;
export type Workload = (typeof WORKLOADS)[number];

/** The draft's text blocks as plain strings: what the Intl.Segmenter baselines read. */
const textsOf = (blocks: readonly DraftBlock[]) =>
  blocks.flatMap((b) =>
    b.type === 'paragraph' || b.type === 'heading'
      ? [b.content.map((i) => (i.type === 'text' ? i.text : '\n')).join('')]
      : [],
  );

/** The blocks with paragraph `i % length` given a word typed at its end, so its memo entry misses. */
function withEdit(blocks: readonly DraftBlock[], i: number): DraftBlock[] {
  return blocks.map((block, j) =>
    block.type === 'paragraph' && j === i % blocks.length
      ? { ...block, content: [...block.content, { type: 'text' as const, text: ` typed${i}` }] }
      : block,
  );
}

/** The same fixtures as the Node benches: a 3,000-word draft; 5,000 pages and a ~1,500-word source. */
function buildInputs() {
  const score = buildFixture(3000, 'en', 3000).input;
  const rng = prng(2026);
  const inventory = inventoryOf(rng, 5000);
  const source = sourceOf(rng, inventory, 1500);
  return { score, scoreTexts: textsOf(score.draft), inventory, source, sourceTexts: textsOf(source.blocks) };
}

let inputs: ReturnType<typeof buildInputs> | null = null;
/** Built once per isolate (about a second in workerd): no step pays for it. */
export const benchInputs = () => (inputs ??= buildInputs());

const segmenters = new Map<string, Intl.Segmenter>();
function segmenter(granularity: 'word' | 'sentence') {
  let s = segmenters.get(granularity);
  if (!s) segmenters.set(granularity, (s = new Intl.Segmenter('en', { granularity })));
  return s;
}

/** Words (and sentences) counted with Intl.Segmenter alone: the floor any scorer pays. */
function segmentOnly(texts: readonly string[], sentences: boolean): number {
  let n = 0;
  for (const text of texts) {
    for (const s of segmenter('word').segment(text)) if (s.isWordLike) n++;
    if (sentences) for (const _ of segmenter('sentence').segment(text)) n++;
  }
  return n;
}

/** One step of `workload` (`i` picks the edited paragraph); returns a number so nothing is optimised away. */
export function runStep(workload: Workload, i: number): number {
  const x = benchInputs();
  switch (workload) {
    case 'bare':
      return i;
    case 'score-segment':
      return segmentOnly(x.scoreTexts, true);
    case 'score-cold':
      // As bench-score.ts: the unedited draft with every memo table forgotten (a fresh isolate).
      clearScorerCaches();
      return scoreDraft(x.score).score;
    case 'score-warm':
      return scoreDraft({ ...x.score, draft: withEdit(x.score.draft, i) }).score;
    case 'links-segment':
      return segmentOnly(x.sourceTexts, false);
    case 'links-cold':
      // A new array: the search index is memoised per inventory array, so it is built again.
      return suggestLinks({
        source: { ...x.source, blocks: withEdit(x.source.blocks, i) },
        inventory: [...x.inventory],
        settings: { siteOrigin: ORIGIN },
      }).length;
    case 'links-warm':
      return suggestLinks({
        source: { ...x.source, blocks: withEdit(x.source.blocks, i) },
        inventory: x.inventory,
        settings: { siteOrigin: ORIGIN },
      }).length;
  }
}
