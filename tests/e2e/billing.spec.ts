import { type APIRequestContext, expect, type Page, test } from '@playwright/test';
import { expectAccessible } from './axe';
import { apiCall, apiToken, hasHorizontalScroll, registerInBrowser, uniquePerson } from './helpers';

/**
 * Issue 14, item 6 in a real browser: the owner sets a daily budget alert, spends past it (an
 * auto_cluster job on the dev model), sees the banner on Billing and in the app shell, reads the
 * usage chart by operation and by site, and finds max_clusters with its usage among the limits.
 * (The app shell's dismissible banner is mounted by the lead in the (app) layout.)
 */

async function spendCredits(request: APIRequestContext, token: string) {
  const site = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/auth/sites/', { name: 'Fern Journal' });
  const sector = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/auth/sectors/', {
    site_id: site.id,
    name: 'Ferns',
  });
  const words = ['fern care', 'fern watering', 'fern light', 'fern soil', 'indoor ferns', 'fern repotting'];
  const csv = `Keyword,Volume,KD\n${words.map((w, i) => `${w},${(i + 1) * 10},${i}`).join('\n')}`;
  const imported = await request.post(`/api/v1/planner/keywords/import/?site_id=${site.id}&sector_id=${sector.id}`, {
    data: csv,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
  });
  expect(imported.status(), await imported.text()).toBe(200);
  const list = await request.get(`/api/v1/planner/keywords/?site_id=${site.id}&page_size=50`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const ids = ((await list.json()).results as { id: number }[]).map((k) => k.id);
  const started = await apiCall<{ task_id: string }>(request, token, 'POST', '/api/v1/planner/keywords/auto_cluster/', {
    ids,
  });
  await expect
    .poll(
      async () => {
        const res = await request.get(`/api/v1/system/settings/task_progress/${started.task_id}/`, {
          headers: { authorization: `Bearer ${token}` },
        });
        return (await res.json()).data?.job?.status;
      },
      { timeout: 60_000 },
    )
    .toBe('succeeded');
}

async function axeAtBothWidths(page: Page, label: string) {
  await page.setViewportSize({ width: 1280, height: 900 });
  await expectAccessible(page, `${label} (desktop)`);
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await hasHorizontalScroll(page)).toBe(false);
  await expectAccessible(page, `${label} (390 px)`);
  await page.setViewportSize({ width: 1280, height: 900 });
}

test('budget alert, its banner after spending, usage charts and the plan’s cluster limit', async ({
  page,
  request,
}) => {
  const owner = uniquePerson('billing');
  await registerInBrowser(page, owner);
  const token = await apiToken(request, owner);

  // A daily budget of 1 credit, alerting at 100 %.
  await page.goto('/billing');
  const form = page.getByRole('form', { name: 'Budget alerts' });
  await form.getByLabel('Daily budget').check();
  await form.getByLabel('Credits per day (UTC)').fill('1');
  await form.getByLabel('Alert at (% of the limit)').first().fill('100');
  await form.getByRole('button', { name: 'Save budget alerts' }).click();
  await expect(page.getByText('Budget alerts saved.')).toBeVisible();
  await expect(page.getByTestId('budget-alert')).toHaveCount(0);

  await spendCredits(request, token);

  await page.reload();
  const banner = page.getByTestId('budget-alert').first();
  await expect(banner).toContainText('of 1 credits used today — past your 100% budget alert.');
  const clusters = page.getByTestId('plan-limits').getByRole('meter', { name: 'Clusters' });
  await expect(clusters).toHaveAttribute('aria-valuetext', /^[1-9]\d* of 500$/);
  await axeAtBothWidths(page, 'billing overview');

  // Usage over time: the chart by operation, then by site, each with its table.
  await page.goto('/billing/usage');
  const chart = page.getByTestId('usage-chart');
  await expect(chart.getByRole('listitem').filter({ hasText: 'Auto cluster' })).toBeVisible();
  await chart.getByText('Show the figures as a table').click();
  await expect(chart.getByRole('row').filter({ hasText: 'Auto cluster' })).toHaveCount(1);
  await page.getByRole('button', { name: 'By site' }).click();
  await expect(chart.getByRole('listitem').filter({ hasText: 'Fern Journal' })).toBeVisible();
  await page
    .locator('select')
    .filter({ has: page.locator('option[value="month"]') })
    .selectOption('month');
  await expect(chart.getByRole('listitem').filter({ hasText: 'Fern Journal' })).toBeVisible();
  await axeAtBothWidths(page, 'billing usage');

  // The account page lists every limit with its usage, clusters among them, and no "later release".
  await page.goto('/settings/account');
  const limits = page.getByTestId('plan-limits');
  await expect(limits.getByRole('meter', { name: 'Clusters' })).toHaveAttribute('aria-valuetext', /^[1-9]\d* of 500$/);
  await expect(limits.getByRole('meter', { name: 'Keywords' })).toHaveAttribute('aria-valuetext', '6 of 10000');
  await expect(page.getByText('later release')).toHaveCount(0);
  await expect(page.getByText('credits are added at the start of every 30-day billing period')).toBeVisible();
  await axeAtBothWidths(page, 'settings account');
});
