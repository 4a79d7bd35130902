import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { apiCall, apiToken, hasHorizontalScroll, registerInBrowser, uniquePerson } from './helpers';

/**
 * Integration in the browser (issue 13, scope item 4) against the real WordPress of
 * tests/e2e/global-setup.ts: an owner connects the site's WordPress with an application password,
 * checks its health (the chip turns healthy, its checks open on a press), syncs (progress shows,
 * then the sync's line in the history) and rotates the webhook secret, shown once. A connection
 * made earlier from the Publisher's settings shows here too. A phone has no sideways scroll.
 */

const wordpress = {
  url: process.env.E2E_WP_URL ?? '',
  user: process.env.E2E_WP_USER ?? '',
  appPassword: process.env.E2E_WP_APP_PASSWORD ?? '',
};

async function setUp(page: Page, request: APIRequestContext) {
  const owner = uniquePerson('integration');
  await registerInBrowser(page, owner);
  const token = await apiToken(request, owner);
  const site = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/auth/sites/', { name: 'Pot Garden' });
  return { token, siteId: site.id };
}

test.beforeEach(() => {
  expect(process.env.E2E_WP_ERROR ?? '', 'WordPress must be running to connect to it').toBe('');
});

test('connect WordPress, check its health, sync it and rotate the webhook secret', async ({ page, request }) => {
  test.setTimeout(180_000);
  await setUp(page, request);

  await page.goto('/integration');
  const form = page.getByTestId('connect-wordpress');
  await form.getByLabel('Site address').fill(wordpress.url);
  await form.getByLabel('Username').fill(wordpress.user);
  await form.getByLabel('Application password').fill(wordpress.appPassword);
  await form.getByRole('button', { name: 'Connect WordPress' }).click();

  const card = page.getByTestId('integration');
  await expect(card).toContainText(wordpress.url);
  await expect(form).toHaveCount(0);

  await card.getByRole('button', { name: 'Test' }).click();
  await expect(card.getByTestId('history-row').filter({ hasText: 'Test' }).first()).toBeVisible();

  const chip = card.getByTestId('health-chip');
  await card.getByRole('button', { name: 'Check health' }).click();
  await expect(chip).toHaveAttribute('data-status', 'healthy', { timeout: 30_000 });
  await chip.click();
  await expect(card.getByText('Authentication')).toBeVisible();
  await expect(card.getByText('REST API')).toBeVisible();
  await expect(card.getByText(/^\d+ ms$/)).toBeVisible();

  await card.getByRole('button', { name: 'Sync now' }).click();
  await expect(card.getByRole('group', { name: 'Sync progress' })).toBeVisible();
  await expect(card.locator('[data-testid="history-row"][data-kind="sync"]').first()).toBeVisible({ timeout: 90_000 });
  await expect(card.getByRole('group', { name: 'Sync progress' })).toHaveCount(0);
  await expect(card.getByText('Last sync')).toBeVisible();

  await card.getByRole('button', { name: 'Rotate webhook secret' }).click();
  const dialog = page.getByRole('dialog', { name: 'New webhook secret' });
  const secret = await dialog.getByLabel('Webhook secret').inputValue();
  expect(secret.length).toBeGreaterThanOrEqual(32);
  await dialog.getByRole('button', { name: 'Done' }).click();
  // Shown once: nothing on the page holds it any more.
  await expect(page.getByRole('dialog')).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);
});

test('a connection saved in the Publisher settings shows here, on a phone too', async ({ page, request }) => {
  const { token, siteId } = await setUp(page, request);
  await apiCall(request, token, 'PUT', `/api/v1/publisher/sites/${siteId}/wordpress/`, {
    wp_url: wordpress.url,
    wp_username: wordpress.user,
    wp_app_password: wordpress.appPassword,
  });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/integration');
  const card = page.getByTestId('integration');
  await expect(card).toContainText(wordpress.url);
  await expect(card).toContainText(wordpress.user);
  await expect(page.getByTestId('connect-wordpress')).toHaveCount(0);
  await expect(page.getByTestId('drift')).toBeVisible();
  expect(await hasHorizontalScroll(page)).toBe(false);
});

test('an article edited in WordPress after its publish is flagged on sync and pulled into a new version', async ({
  page,
  request,
}) => {
  test.setTimeout(150_000);
  const { token, siteId } = await setUp(page, request);
  await apiCall(request, token, 'PUT', `/api/v1/publisher/sites/${siteId}/wordpress/`, {
    wp_url: wordpress.url,
    wp_username: wordpress.user,
    wp_app_password: wordpress.appPassword,
  });
  const sector = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/auth/sectors/', {
    site_id: siteId,
    name: 'Tomatoes',
  });
  const title = 'Watering tomatoes in pots';
  const article = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/writer/content/', {
    site_id: siteId,
    sector_id: sector.id,
    title,
  });
  await apiCall(request, token, 'PUT', `/api/v1/_test/draft-rooms/${article.id}/html`, {
    html: '<p>Water tomatoes deeply twice a week.</p>',
  });
  const published = await apiCall<{ wordpress: { post_id: number } }>(
    request,
    token,
    'POST',
    `/api/v1/publisher/content/${article.id}/publish/`,
    { status: 'publish' },
  );
  // WordPress keeps modification times to the second: the edit must land in a later second than the publish.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  const edit = await request.post(`${wordpress.url}/wp-json/wp/v2/posts/${published.wordpress.post_id}`, {
    headers: { authorization: `Basic ${Buffer.from(`${wordpress.user}:${wordpress.appPassword}`).toString('base64')}` },
    data: { content: '<p>Edited in WordPress: water tomatoes at dawn.</p>' },
  });
  expect(edit.status()).toBe(200);

  await page.goto('/integration');
  const drift = page.getByTestId('drift');
  await expect(drift).toContainText('Nothing changed in WordPress');
  await page.getByTestId('integration').getByRole('button', { name: 'Sync now' }).click();
  const row = drift.getByTestId('drift-row').filter({ hasText: title });
  await expect(row).toBeVisible({ timeout: 90_000 });
  await row.getByRole('button', { name: `Pull ${title} into a new draft version` }).click();
  await expect(page.getByText('Pulled into a new draft version.')).toBeVisible();
  await expect(row).toHaveCount(0);
});
