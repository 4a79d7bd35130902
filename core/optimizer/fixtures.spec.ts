/**
 * The parity fixtures: every fixture's full score is recorded in fixtures/expected.json, and any
 * difference fails. The workerd and Chromium parity tests read the same file. After a deliberate
 * change to the rules, bump SCORER_VERSION and rewrite the file with UPDATE_SCORE_FIXTURES=1.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFixtures } from './fixtures/build';
import { clearScorerCaches, SCORER_VERSION, scoreDraft } from './score';

const file = join(import.meta.dirname, 'fixtures', 'expected.json');
const fixtures = buildFixtures();
const actual = Object.fromEntries(fixtures.map((f) => [f.name, scoreDraft(f.input)]));

// Written as Biome formats JSON (short number arrays on one line), so `biome ci` passes as written.
const asBiomeFormats = (value: unknown) =>
  JSON.stringify(value, null, 2).replace(
    /\[\s*(-?\d+(?:,\s*-?\d+)*)\s*\]/g,
    (_, list: string) => `[${list.split(/,\s*/).join(', ')}]`,
  );
if (process.env.UPDATE_SCORE_FIXTURES === '1') writeFileSync(file, `${asBiomeFormats(actual)}\n`);
const expected = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

describe('score parity fixtures', () => {
  it('covers at least 50 drafts in English, German and French, empty ones included', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(50);
    expect(new Set(fixtures.map((f) => f.input.meta.language))).toEqual(new Set(['en', 'de', 'fr']));
    expect(fixtures.some((f) => f.input.draft.length === 0)).toBe(true);
    expect(Object.keys(expected).sort()).toEqual(Object.keys(actual).sort());
  });

  it('records results of the current scorer version', () => {
    for (const result of Object.values(expected)) expect((result as { version: number }).version).toBe(SCORER_VERSION);
  });

  it.each(fixtures.map((f) => f.name))('%s scores exactly as recorded', (name) => {
    expect(JSON.parse(JSON.stringify(actual[name]))).toEqual(expected[name]);
  });

  it('scores the same input the same way again, with the memo tables full or emptied', () => {
    for (const f of fixtures.slice(0, 10)) expect(scoreDraft(f.input)).toEqual(actual[f.name]);
    clearScorerCaches();
    for (const f of fixtures.slice(0, 10)) expect(scoreDraft(f.input)).toEqual(actual[f.name]);
  });
});
