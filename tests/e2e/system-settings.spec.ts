import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './axe';
import { apiCall, apiToken, registerInBrowser, uniquePerson } from './helpers';

/**
 * Authors and strategies (issue 14, items 1–2) as an owner sets them up: an author profile and a
 * sector strategy made in the settings pages, the author made the site's default, then an article
 * generated from a task, which the job records as written by that author (source: the site).
 * Both pages pass axe at desktop width and at 390 px.
 */

async function accessibleAtBothWidths(page: Page, label: string) {
  await expectAccessible(page, `${label} (desktop)`);
  const desktop = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  await expectAccessible(page, `${label} (390 px)`);
  if (desktop) await page.setViewportSize(desktop);
}

test('an author and a strategy made in settings write the next article', async ({ page, request }) => {
  test.setTimeout(120_000);
  const owner = uniquePerson('authors');
  await registerInBrowser(page, owner);
  const token = await apiToken(request, owner);
  const site = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/auth/sites/', { name: 'Leafy Lane' });
  const sector = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/auth/sectors/', {
    site_id: site.id,
    name: 'Raised Beds',
  });
  const task = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/writer/tasks/', {
    site_id: site.id,
    sector_id: sector.id,
    title: 'Building a cedar raised bed',
    target_keywords: ['cedar raised bed'],
    word_count_target: 3000,
  });

  // An author profile, from the empty page.
  await page.goto('/settings/authors');
  // The first page load of a fresh server on a loaded machine can be slow.
  await expect(page.getByText('No authors yet')).toBeVisible({ timeout: 60_000 });
  await accessibleAtBothWidths(page, '/settings/authors (empty)');
  await page.getByRole('button', { name: 'Add author', exact: true }).click();
  const add = page.getByRole('dialog', { name: 'Add an author' });
  await add.getByLabel('Name', { exact: true }).fill('Rosa Green');
  await add.getByLabel('Description').fill('Community garden lead');
  await add.getByLabel('Tone').fill('friendly');
  await add.getByLabel('Language').fill('en-gb');
  await add.getByLabel('Closing').selectOption({ label: 'An FAQ section' });
  await accessibleAtBothWidths(page, 'author dialog');
  await add.getByRole('button', { name: 'Add author' }).click();
  await expect(add).toBeHidden();
  const row = page.getByRole('row', { name: /Rosa Green/ });
  await expect(row).toContainText('friendly');
  await expect(row).toContainText('en-GB');
  await accessibleAtBothWidths(page, '/settings/authors');

  // A strategy for the sector: required sections, FAQ and a word range.
  await page.goto('/settings/strategies');
  await expect(page.getByText('No strategies yet')).toBeVisible();
  await page.getByRole('button', { name: 'Add strategy', exact: true }).click();
  const form = page.getByRole('dialog', { name: 'Add a strategy' });
  await expect(form.getByLabel('Sector', { exact: true })).toHaveValue(String(sector.id));
  await form.getByLabel('Name', { exact: true }).fill('Bed builder');
  for (const section of ['Tools You Need', 'Common Mistakes']) {
    await form.getByLabel('New required section').fill(section);
    await form.getByRole('button', { name: 'Add section' }).click();
  }
  await form.getByRole('button', { name: 'Move “Common Mistakes” up' }).click();
  await expect(form.getByRole('listitem')).toHaveText([/1\. Common Mistakes/, /2\. Tools You Need/]);
  await form.getByRole('switch', { name: 'Include an FAQ section' }).check();
  await form.getByLabel('Minimum words').fill('1200');
  await form.getByLabel('Maximum words').fill('1800');
  await accessibleAtBothWidths(page, 'strategy dialog');
  await form.getByRole('button', { name: 'Add strategy' }).click();
  await expect(form).toBeHidden();
  const strategyRow = page.getByRole('row', { name: /Bed builder/ });
  await expect(strategyRow).toContainText('Raised Beds');
  await expect(strategyRow).toContainText('2 required sections · FAQ · 1200–1800 words');
  await accessibleAtBothWidths(page, '/settings/strategies');

  // The author becomes the site's default.
  await page.goto('/settings/sites');
  await page.getByRole('button', { name: 'Edit: Leafy Lane' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit “Leafy Lane”' });
  await edit.getByLabel(/^Default author/).selectOption({ label: 'Rosa Green' });
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit).toBeHidden();

  // The task form offers the author, with "Site default" first (the task keeps the default).
  await page.goto('/writer/tasks');
  await page.getByRole('button', { name: 'Actions for Building a cedar raised bed' }).click();
  await page.getByRole('menuitem', { name: 'Edit' }).click();
  const taskForm = page.getByRole('dialog', { name: 'Edit “Building a cedar raised bed”' });
  await expect(taskForm.getByLabel(/^Author/).locator('option')).toHaveText(['Site default', 'Rosa Green']);
  await taskForm.getByRole('button', { name: 'Cancel' }).click();

  // One article generated from the task: written as the site's default author, within the strategy's range.
  const started = await apiCall<{ task_id: string }>(
    request,
    token,
    'POST',
    '/api/v1/writer/tasks/auto_generate_content/',
    {
      ids: [task.id],
    },
  );
  let job: { status: string; result?: { authors?: { name: string; source: string }[] } } = { status: 'queued' };
  await expect
    .poll(
      async () => {
        const res = await request.get(`/api/v1/system/settings/task_progress/${started.task_id}/`, {
          headers: { authorization: `Bearer ${token}` },
        });
        job = (await res.json()).data?.job ?? job;
        return job.status;
      },
      { timeout: 60_000 },
    )
    .toBe('succeeded');
  expect(job.result?.authors).toEqual([expect.objectContaining({ name: 'Rosa Green', source: 'site' })]);
});
