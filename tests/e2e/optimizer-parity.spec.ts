import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { build } from 'esbuild';

/**
 * Scorer parity, Chromium side (issue 11, scope 3): the editor scores drafts in the browser, so the
 * scorer must give there the very result the Node spec recorded in fixtures/expected.json
 * (core/optimizer/fixtures.spec.ts; tests/api/optimizer-parity.test.ts is the workerd side).
 * The scorer and the fixture builder are bundled for the browser here and run in a blank page:
 * no app page is involved, so the test needs nothing from the e2e server.
 */
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const expected = JSON.parse(readFileSync(join(REPO, 'core/optimizer/fixtures/expected.json'), 'utf8')) as Record<
  string,
  unknown
>;

// The page builds the fixtures itself (the seeded generator must agree in Chromium too) and hands
// back the results as JSON text: the same round trip the Node spec compares after.
const ENTRY = `
import { buildFixtures } from './core/optimizer/fixtures/build';
import { scoreDraft } from './core/optimizer/index';
globalThis.scoreParityFixtures = () =>
  JSON.stringify(buildFixtures().map((f) => ({ name: f.name, result: scoreDraft(f.input) })));
`;

let bundle = '';

test.beforeAll(async () => {
  const out = await build({
    stdin: { contents: ENTRY, resolveDir: REPO, loader: 'ts', sourcefile: 'optimizer-parity-entry.ts' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  bundle = out.outputFiles[0]?.text ?? '';
});

test('the scorer gives in Chromium exactly the results Node recorded', async ({ page }) => {
  await page.goto('about:blank');
  await page.addScriptTag({ content: bundle });
  const text = await page.evaluate(() =>
    (globalThis as unknown as { scoreParityFixtures: () => string }).scoreParityFixtures(),
  );
  const results = JSON.parse(text) as { name: string; result: unknown }[];

  // At least 50, so the comparison below can never pass by comparing nothing.
  expect(results.length).toBeGreaterThanOrEqual(50);
  expect(results.map((r) => r.name).sort()).toEqual(Object.keys(expected).sort());
  for (const { name, result } of results) {
    expect(result, `fixture ${name} scores differently in Chromium`).toEqual(expected[name]);
  }
});
