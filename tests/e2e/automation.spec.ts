import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { apiCall, apiToken, hasHorizontalScroll, inviteInto, registerInBrowser, uniquePerson } from './helpers';

/**
 * Automation in the browser (issue 13, scope item 4): an owner writes a rule with the schedule
 * preview in front of them (the next five runs in words, in the zone they picked) and the most
 * credits a run can use; a dry run shows the keywords a run would take and creates nothing; "Run
 * now" opens the run, whose seven stages move by themselves on the dev model; the run pauses and
 * resumes; at the review gate the held articles are approved and scheduled. The rules list shows
 * the next run and switches the rule off and on. A phone has no sideways scroll.
 */

const KEYWORDS = [
  ['balcony tomato pots', 880],
  ['best soil for container tomatoes', 590],
  ['how often to water tomato pots', 720],
  ['cherry tomatoes on a balcony', 480],
  ['tomato feed schedule containers', 320],
  ['growing peppers in pots', 650],
] as const;

async function setUp(page: Page, request: APIRequestContext) {
  const owner = uniquePerson('automation');
  await registerInBrowser(page, owner);
  const token = await apiToken(request, owner);
  const site = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/auth/sites/', { name: 'Balcony Crops' });
  const sector = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/auth/sectors/', {
    site_id: site.id,
    name: 'Container Vegetables',
  });
  for (const [keyword, volume] of KEYWORDS) {
    await apiCall(request, token, 'POST', '/api/v1/planner/keywords/', {
      site_id: site.id,
      sector_id: sector.id,
      keyword,
      volume,
      difficulty: 20,
    });
  }
  return { token, siteId: site.id };
}

/** The real WordPress of global-setup.ts: approved articles are scheduled to it. */
async function connectWordPress(request: APIRequestContext, token: string, siteId: number) {
  expect(process.env.E2E_WP_ERROR ?? '', 'WordPress must be running to schedule to it').toBe('');
  await apiCall(request, token, 'PUT', `/api/v1/publisher/sites/${siteId}/wordpress/`, {
    wp_url: process.env.E2E_WP_URL,
    wp_username: process.env.E2E_WP_USER,
    wp_app_password: process.env.E2E_WP_APP_PASSWORD,
  });
}

const stage = (page: Page, name: string) => page.locator(`[data-testid="stage"][data-stage="${name}"]`);

test('a rule with its schedule preview, a dry run, then a run moving live to the review gate', async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  const { token, siteId } = await setUp(page, request);
  await connectWordPress(request, token, siteId);

  await page.goto('/automation');
  await expect(page.getByTestId('rules-empty')).toBeVisible();
  await page.getByRole('link', { name: 'New rule' }).click();
  await expect(page).toHaveURL(/\/automation\/rules\/new$/);

  await page.getByLabel('Name', { exact: true }).fill('Weekday tomatoes');
  await page.getByRole('button', { name: 'Every weekday at 07:00' }).click();
  await expect(page.getByLabel('Cron schedule')).toHaveValue('0 7 * * 1-5');
  await page.getByLabel('Time zone').selectOption('Europe/Berlin');
  const preview = page.getByTestId('schedule-preview');
  await expect(preview).toContainText('07:00');
  await expect(preview).toContainText('Europe/Berlin');
  await expect(preview.getByRole('list', { name: 'Next five runs' }).getByRole('listitem')).toHaveCount(5);
  // A typo is explained as it is typed, before anything is saved.
  await page.getByLabel('Cron schedule').fill('0 7 * *');
  await expect(preview).toContainText('five fields');
  await page.getByLabel('Cron schedule').fill('0 7 * * 1-5');
  await expect(preview.getByRole('listitem')).toHaveCount(5);

  await page.getByLabel('Keywords a run', { exact: true }).fill('6');
  await expect(page.getByRole('radio', { name: /Hold for my review/ })).toBeChecked();
  await page.getByRole('button', { name: 'Create rule' }).click();
  await expect(page).toHaveURL(/\/automation\/rules\/\d+$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Weekday tomatoes' })).toBeVisible();
  await expect(page.getByTestId('credit-estimate')).toContainText(/up to \d+ credits?/);

  await page.getByRole('button', { name: 'Dry run' }).click();
  const dry = page.getByTestId('dry-run');
  await expect(dry).toContainText('Nothing was created');
  await expect(dry).toContainText('balcony tomato pots');

  // The rules list: trigger in words with the zone, the next run, the switch.
  await page.goto('/automation');
  const row = page.getByTestId('rule').filter({ hasText: 'Weekday tomatoes' });
  await expect(row).toContainText('Europe/Berlin');
  await expect(row.getByTestId('next-run')).not.toHaveText('—');
  const onOff = row.getByRole('switch', { name: 'Weekday tomatoes on' });
  await expect(onOff).toHaveAttribute('aria-checked', 'true');
  await onOff.click();
  await expect(onOff).toHaveAttribute('aria-checked', 'false');
  await onOff.click();
  await expect(onOff).toHaveAttribute('aria-checked', 'true');

  await row.getByRole('link', { name: 'Weekday tomatoes' }).click();
  await page.getByRole('button', { name: 'Run now' }).click();
  await expect(page).toHaveURL(/\/automation\/runs\/[^/]+$/);
  await expect(page.getByTestId('pipeline').getByTestId('stage')).toHaveCount(7);

  // Stages move without a reload: clustering finishes and the next stage starts.
  await expect(stage(page, 'clustering')).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
  await expect(stage(page, 'clustering')).toContainText(/6 → \d+/);

  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('run-summary')).toContainText('Paused', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByTestId('run-summary')).not.toContainText('Paused');

  const gate = page.getByTestId('review-gate');
  await expect(gate).toBeVisible({ timeout: 180_000 });
  await expect(page.getByTestId('run-summary')).toContainText('Awaiting review');
  await page.screenshot({ path: '/tmp/igny8-automation-review-gate.png', fullPage: true });
  const held = gate.getByRole('checkbox');
  expect(await held.count()).toBeGreaterThan(0);
  await gate.getByRole('button', { name: 'Approve and schedule' }).click();
  await expect(page.getByText(/\d+ articles? scheduled\./)).toBeVisible();
  await expect(page.getByTestId('run-summary')).toContainText('Completed', { timeout: 60_000 });
  await expect(page.getByTestId('review-gate')).toHaveCount(0);
  // The finished run on a phone: the seven steps stack, nothing scrolls sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(stage(page, 'publish')).toBeVisible();
  expect(await hasHorizontalScroll(page)).toBe(false);
  await page.screenshot({ path: '/tmp/igny8-phone-automation-run.png', fullPage: true });
  await page.setViewportSize({ width: 1280, height: 720 });
  await expect(stage(page, 'publish')).toHaveAttribute('data-status', 'completed');

  // The history lists the run under its rule.
  await page.goto('/automation');
  await expect(page.getByTestId('run-row').first()).toContainText('Weekday tomatoes');
  await expect(page.getByTestId('start-row').first()).toContainText('Manual');
});

test('a phone shows the rules, the editor and the history without sideways scroll', async ({ page, request }) => {
  const { token, siteId } = await setUp(page, request);
  await apiCall(request, token, 'POST', '/api/v1/automation/rules/', {
    site_id: siteId,
    name: 'Nightly clustering',
    trigger: 'schedule',
    schedule: '0 2 * * *',
    timezone: 'Europe/Berlin',
    config: { stages: ['clustering'] },
  });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/automation');
  await expect(page.getByTestId('rule')).toContainText('Nightly clustering');
  await expect(page.getByTestId('runs')).toBeVisible();
  expect(await hasHorizontalScroll(page)).toBe(false);
  await page.getByRole('link', { name: 'Nightly clustering' }).click();
  await expect(page.getByTestId('schedule-preview').getByRole('listitem')).toHaveCount(5);
  expect(await hasHorizontalScroll(page)).toBe(false);
  await page.screenshot({ path: '/tmp/igny8-phone-automation-rule.png', fullPage: true });
});

test('a viewer sees the rules and runs but can neither change nor run them', async ({ page, browser, request }) => {
  const { token, siteId } = await setUp(page, request);
  const made = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/automation/rules/', {
    site_id: siteId,
    name: 'Owner’s rule',
    trigger: 'manual',
  });
  const viewer = uniquePerson('viewer');
  const context = await browser.newContext();
  await inviteInto(context, request, token, viewer, 'viewer', [siteId]);
  const viewerPage = await context.newPage();
  await viewerPage.goto('/automation');
  const row = viewerPage.getByTestId('rule');
  await expect(row).toContainText('Only when run by hand');
  await expect(row.getByRole('switch', { name: 'Owner’s rule on' })).toBeDisabled();
  await expect(viewerPage.getByRole('link', { name: 'New rule' })).toHaveCount(0);
  await viewerPage.goto(`/automation/rules/${made.id}`);
  await expect(viewerPage.getByLabel('Name', { exact: true })).toBeDisabled();
  await expect(viewerPage.getByRole('button', { name: 'Run now' })).toHaveCount(0);
  await expect(viewerPage.getByRole('button', { name: 'Save rule' })).toHaveCount(0);
  await context.close();
});
