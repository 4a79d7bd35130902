import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './axe';
import { registerInBrowser, uniquePerson } from './helpers';

/**
 * Prompt history and the AI call log (issue 14, items 3 and 5) as an owner uses them: the clustering
 * prompt edited twice, its history and the diff between the versions, version 1 restored through
 * the dialog, the draft tried on the dev model, a test image, and the prompt test found in the call
 * log with its request and reply. Both pages pass axe at desktop width and at 390 px.
 */

async function accessibleAtBothWidths(page: Page, label: string) {
  await expectAccessible(page, `${label} (desktop)`);
  const desktop = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await expectAccessible(page, `${label} (390 px)`);
  if (desktop) await page.setViewportSize(desktop);
}

const FIRST = 'Group the keywords into clusters.\nKeep names short.';
const SECOND = 'Group the keywords into clusters.\nKeep names very short.\nNever invent keywords.';

test('prompt history, diff, restore, try it, test image and the AI call log', async ({ page }) => {
  test.setTimeout(120_000);
  await registerInBrowser(page, uniquePerson('prompts'));
  await page.goto('/settings/prompts');
  const clustering = page.getByRole('region', { name: 'Clustering' });
  const editor = clustering.getByRole('textbox', { name: 'Clustering prompt' });
  await expect(editor).toBeVisible();
  await accessibleAtBothWidths(page, '/settings/prompts');

  for (const text of [FIRST, SECOND]) {
    await editor.fill(text);
    await clustering.getByRole('button', { name: 'Save prompt' }).click();
    await expect(page.getByText('Clustering prompt saved.').last()).toBeVisible();
  }

  // History: two versions, newest first, and what changed between them.
  await clustering.getByRole('button', { name: 'History' }).click();
  const versions = clustering.getByTestId('prompt-version');
  await expect(versions).toHaveCount(2);
  await expect(versions.first()).toContainText('Version 2');
  await clustering.getByRole('button', { name: 'Show changes' }).click();
  const diff = clustering.getByTestId('prompt-diff');
  await expect(diff.locator('[data-op="removed"]')).toHaveText([/Removed: Keep names short\./]);
  await expect(diff.locator('[data-op="added"]')).toHaveCount(2);
  await expect(clustering.getByText('2 lines added, 1 removed.')).toBeVisible();
  await accessibleAtBothWidths(page, 'prompt history and diff');

  // Restore version 1 through the dialog: a third version, and the editor shows the old text.
  await clustering.getByRole('button', { name: 'Restore version 1 of the Clustering prompt' }).click();
  const dialog = page.getByRole('dialog', { name: 'Restore version 1?' });
  await expect(dialog).toBeVisible();
  await accessibleAtBothWidths(page, 'restore dialog');
  await dialog.getByRole('button', { name: 'Restore version 1' }).click();
  await expect(dialog).toBeHidden();
  await expect(editor).toHaveValue(FIRST);

  // Try the draft on the dev model.
  await editor.fill('Cluster these keywords by topic, please.');
  await clustering.getByRole('button', { name: 'Try it' }).click();
  await clustering.getByRole('button', { name: 'Run', exact: true }).click();
  const tried = clustering.getByTestId('try-result');
  await expect(tried).toContainText('The reply reads well.');
  await expect(tried).toContainText(/\d+ tokens in/);
  await expect(tried).toContainText('clusters');
  await accessibleAtBothWidths(page, 'try it');

  // The image prompt's test image.
  const imageSection = page.getByRole('region', { name: 'Image generation' });
  await imageSection.getByRole('button', { name: 'Test image' }).click();
  await imageSection.getByRole('button', { name: 'Generate test image' }).click();
  const image = imageSection.getByRole('img', { name: /Test image for/ });
  await expect(image).toBeVisible();
  expect(await image.getAttribute('src')).toMatch(/^data:image\//);

  // The call log: the prompt test is there, with the draft in its request.
  await page.goto('/settings/ai-calls');
  await page.getByLabel('Purpose').selectOption('prompt_test');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  const rows = page.getByTestId('ai-call-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Prompt test');
  await accessibleAtBothWidths(page, '/settings/ai-calls');
  await rows.first().getByRole('button').click();
  const drawer = page.getByRole('dialog', { name: /AI call #\d+/ });
  await expect(drawer.getByTestId('call-request')).toContainText('Cluster these keywords by topic, please.');
  await expect(drawer.getByTestId('call-reply')).toContainText('clusters');
  await accessibleAtBothWidths(page, 'AI call drawer');
});
