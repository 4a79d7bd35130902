/**
 * Bench for the Linker (issue 11: suggestions for one article against 5,000 pages ≤ 50 ms). Plain
 * Node 24 (types stripped): `npx node scripts/bench-linker.ts`. A deterministic synthetic site
 * (core/linker/fixtures/build.ts): 5,000 pages, a ~1,500-word source. Prints median and p99 for
 *  - baseline: Intl.Segmenter over the article alone (the same run's floor, to compare across runs),
 *  - cold: a new inventory array each time (search index built, as the first call in an isolate),
 *  - warm: the same inventory array, one paragraph edited (as while someone types).
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

const { inventoryOf, ORIGIN, prng, sourceOf } = await import('../core/linker/fixtures/build.ts');
const { suggestLinks } = await import('../core/linker/index.ts');
const { readDoc } = await import('../core/optimizer/document.ts');

const RUNS = Number(process.env.RUNS ?? 100);
const rng = prng(2026);
const inventory = inventoryOf(rng, 5000);
const source = sourceOf(rng, inventory, 1500);
const settings = { siteOrigin: ORIGIN };

function edited(i: number) {
  const blocks = source.blocks.map((block, j) =>
    block.type === 'paragraph' && j === i % source.blocks.length
      ? { ...block, content: [...block.content, { type: 'text' as const, text: ` typed${i}` }] }
      : block,
  );
  return { ...source, blocks };
}

const texts = source.blocks.flatMap((b) =>
  b.type === 'paragraph' || b.type === 'heading'
    ? [b.content.map((i) => (i.type === 'text' ? i.text : '\n')).join('')]
    : [],
);
const words = new Intl.Segmenter('en', { granularity: 'word' });
function segmentOnly() {
  let n = 0;
  for (const text of texts) for (const s of words.segment(text)) if (s.isWordLike) n++;
  return n;
}

function measure(label: string, run: (i: number) => unknown) {
  const times: number[] = [];
  for (let i = 0; i < RUNS + 10; i++) {
    const start = performance.now();
    run(i);
    if (i >= 10) times.push(performance.now() - start); // the first runs warm up the JIT
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
  console.log(`${label}: median ${at(0.5).toFixed(2)} ms, p99 ${at(0.99).toFixed(2)} ms (${RUNS} runs)`);
  return at(0.5);
}

const found = suggestLinks({ source, inventory, settings });
console.log(
  `linker bench: ${readDoc(source.blocks, 'en').words} words, ${inventory.length} pages, ${found.length} links`,
);
const base = measure('baseline (Intl.Segmenter over the article)', () => segmentOnly());
const cold = measure('cold (new inventory array: index built)', (i) =>
  suggestLinks({ source: edited(i), inventory: [...inventory], settings }),
);
const warm = measure('warm (same inventory, one paragraph edited)', (i) =>
  suggestLinks({ source: edited(i), inventory, settings }),
);
console.log(`ratio to baseline: cold ${(cold / base).toFixed(1)}×, warm ${(warm / base).toFixed(1)}×`);
