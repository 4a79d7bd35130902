import { describe, expect, it } from 'vitest';
import { buildFixtures } from '../../core/optimizer/fixtures/build';
import expectedFile from '../../core/optimizer/fixtures/expected.json';
import { scoreDraft } from '../../core/optimizer/index';

/**
 * Scorer parity, workerd side (issue 11, scope 3): the editor scores drafts in the browser and the
 * worker scores them again on save, so both runtimes must give the very result the Node spec
 * recorded in fixtures/expected.json (core/optimizer/fixtures.spec.ts). This file runs inside
 * workerd; tests/e2e/optimizer-parity.spec.ts is the Chromium side.
 */
const expected = expectedFile as Record<string, unknown>;
const fixtures = buildFixtures();

describe('scorer parity in workerd', () => {
  it('builds the same fixture set the expected results were recorded for', () => {
    // At least 50, so the comparison below can never pass by comparing nothing.
    expect(fixtures.length).toBeGreaterThanOrEqual(50);
    expect(fixtures.map((f) => f.name).sort()).toEqual(Object.keys(expected).sort());
  });

  it('scores every fixture exactly as Node recorded it', () => {
    for (const fixture of fixtures) {
      // Through JSON, as the Node spec compares and as the score travels to the client.
      const result = JSON.parse(JSON.stringify(scoreDraft(fixture.input)));
      expect(result, `fixture ${fixture.name} scores differently in workerd`).toEqual(expected[fixture.name]);
    }
  });
});
