import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/** The impacts issue 14 (item 14) forbids: a page passes with 0 of these. */
const BLOCKING = new Set(['serious', 'critical']);

/**
 * Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the page as it is now and fails with a readable list
 * (rule, impact, help, the first offending elements) when anything serious or critical is found.
 * Call it after the page has settled (its data shown), at each width the test looks at.
 */
export async function expectAccessible(page: Page, label = page.url()) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const blocking = result.violations.filter((v) => v.impact && BLOCKING.has(v.impact));
  const report = blocking.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(' '))
        .join('\n  ')}`,
  );
  expect(report, `axe on ${label}`).toEqual([]);
}
