import { expect, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { expectAccessible } from './axe';
import { apiCall, apiToken, E2E_ORIGIN, hasHorizontalScroll, uniquePerson } from './helpers';

/**
 * Bulk work beyond a page and truthful copy (issue 14 items 9 and 10), in a real browser: "Select
 * all N matching" deletes every matching keyword after a confirm naming N; "Cluster all
 * unclustered" starts a job from Clusters; a table's search, sort and page survive a reload and
 * Back; cluster names link to their keywords; the dashboard's "Getting started" follows what the
 * account has. axe (0 serious/critical) on each table at desktop width and at 390 px.
 */

const ROSES = Array.from({ length: 40 }, (_, i) => `rose variety ${i + 1}`);
const TULIPS = Array.from({ length: 20 }, (_, i) => `tulip bulb ${i + 1}`);

async function setUp(browser: Browser, baseURL: string, request: APIRequestContext, label: string) {
  const owner = uniquePerson(label);
  const context = await browser.newContext({ baseURL });
  const registered = await context.request.post('/api/v1/auth/register/', {
    data: { email: owner.email, password: owner.password, name: owner.name, account_name: owner.account },
    headers: { origin: E2E_ORIGIN },
  });
  expect(registered.status()).toBe(201);
  const token = await apiToken(request, owner);
  return { owner, context, token, page: await context.newPage() };
}

async function siteWithKeywords(request: APIRequestContext, token: string, words: string[]) {
  const site = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/auth/sites/', { name: 'Bloom Garden' });
  const sector = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/auth/sectors/', {
    site_id: site.id,
    name: 'Flowers',
  });
  const csv = `Keyword,Volume,KD\n${words.map((w, i) => `${w},${(i + 1) * 10},${i % 90}`).join('\n')}`;
  const res = await request.post(`/api/v1/planner/keywords/import/?site_id=${site.id}&sector_id=${sector.id}`, {
    data: csv,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
  });
  expect(res.status(), await res.text()).toBe(200);
  return { siteId: site.id, sectorId: sector.id };
}

const table = (page: Page) => page.getByRole('main').getByRole('table');
const bulkBar = (page: Page) => page.getByRole('region', { name: 'Bulk actions' });

async function axeAtBothWidths(page: Page, label: string) {
  await page.setViewportSize({ width: 1280, height: 900 });
  await expectAccessible(page, `${label} (desktop)`);
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(table(page)).toBeVisible();
  expect(await hasHorizontalScroll(page)).toBe(false);
  await expectAccessible(page, `${label} (390 px)`);
  await page.setViewportSize({ width: 1280, height: 900 });
}

test.describe('bulk work beyond a page, URL state, links, truthful copy', () => {
  test('keywords: the view lives in the URL; select all N matching, then delete with a confirm naming N', async ({
    browser,
    baseURL,
    request,
  }) => {
    test.setTimeout(180_000);
    const { context, token, page } = await setUp(browser, baseURL!, request, 'bulkurl');
    await siteWithKeywords(request, token, [...ROSES, ...TULIPS]);

    await page.goto('/planner/keywords');
    // The first load of a fresh browser can be slow on a busy machine: a generous first wait.
    await expect(page.getByText('1–25 of 60 keywords')).toBeVisible({ timeout: 60_000 });
    await axeAtBothWidths(page, '/planner/keywords');

    // Search, sort and page go into the address bar.
    await page.getByRole('searchbox', { name: 'Search keywords' }).fill('rose');
    await expect(page).toHaveURL(/search=rose/);
    await expect(page.getByText('1–25 of 40 keywords')).toBeVisible();
    await table(page)
      .getByRole('button', { name: /^Keyword/ })
      .click();
    await expect(page).toHaveURL(/ordering=keyword/);
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect(page).toHaveURL(/page=2/);
    await expect(page.getByText('26–40 of 40 keywords')).toBeVisible();

    // A reload shows the same view.
    await page.reload();
    await expect(page.getByRole('searchbox', { name: 'Search keywords' })).toHaveValue('rose');
    await expect(page.getByText('26–40 of 40 keywords')).toBeVisible();
    await expect(table(page).getByRole('columnheader', { name: /Keyword/ })).toHaveAttribute('aria-sort', 'ascending');

    // Away and Back: the same view again.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clusters' }).click();
    await expect(page).toHaveURL(/\/planner\/clusters/);
    await page.goBack();
    await expect(page).toHaveURL(/search=rose/);
    await expect(page).toHaveURL(/page=2/);
    await expect(page.getByText('26–40 of 40 keywords')).toBeVisible();

    // A value the table doesn't offer falls back to the default instead of an error.
    await page.goto('/planner/keywords?status=exploded&ordering=-nope&page_size=33');
    await expect(page.getByText('1–25 of 60 keywords')).toBeVisible();

    // Select all 40 roses (two pages) and delete them: the confirm names 40.
    await page.goto('/planner/keywords?search=rose');
    await expect(page.getByText('1–25 of 40 keywords')).toBeVisible();
    await page.getByRole('checkbox', { name: 'Select all keywords on this page' }).check();
    await expect(bulkBar(page).getByText('25 selected')).toBeVisible();
    await bulkBar(page).getByRole('button', { name: 'Select all 40 matching' }).click();
    await expect(bulkBar(page).getByText('All 40 matching keywords selected')).toBeVisible();
    // Delete stands apart from the AI action, in its own group.
    const danger = bulkBar(page).getByRole('group', { name: /Destructive actions/ });
    await expect(danger.getByRole('button', { name: 'Delete' })).toBeVisible();
    await expect(danger.getByRole('button', { name: 'Auto cluster' })).toHaveCount(0);
    await danger.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete 40 keywords?' });
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Delete 40 keywords' }).click();
    await expect(page.getByText('Deleted 40 keywords.')).toBeVisible();
    await expect(page.getByRole('heading', { name: 'No keywords match' })).toBeVisible();
    await page.getByRole('button', { name: 'Clear search and filters' }).click();
    await expect(page.getByText('1–20 of 20 keywords')).toBeVisible();
    await context.close();
  });

  test('clusters: "Cluster all unclustered" asks with the count and credits, starts a job; names link', async ({
    browser,
    baseURL,
    request,
  }) => {
    test.setTimeout(240_000);
    const { context, token, page } = await setUp(browser, baseURL!, request, 'clusterall');
    await siteWithKeywords(request, token, TULIPS);

    await page.goto('/planner/clusters');
    await expect(page.getByText('No clusters yet', { exact: true })).toBeVisible({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Cluster all unclustered' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cluster 20 unclustered keywords?' });
    await expect(dialog).toContainText('1 credit');
    await dialog.getByRole('button', { name: 'Cluster 20 keywords' }).click();
    await expect(page.getByText('Clustering 20 keywords: follow it under AI jobs.')).toBeVisible();
    const firstCluster = table(page).getByRole('row').nth(1).getByRole('link');
    await expect(firstCluster).toBeVisible({ timeout: 120_000 });
    await axeAtBothWidths(page, '/planner/clusters');

    // A cluster's name opens its keywords (the keyword list filtered to it, in the URL).
    const name = (await firstCluster.textContent())!.trim();
    await firstCluster.click();
    await expect(page).toHaveURL(/\/planner\/keywords\?cluster_id=\d+/);
    await expect(page.getByRole('combobox', { name: 'Cluster', exact: true })).toHaveValue(/\d+/);
    await expect(table(page).getByRole('link', { name }).first()).toBeVisible();
    await context.close();
  });

  test('content and review: all N matching to review, back to draft from the queue, delete with a confirm', async ({
    browser,
    baseURL,
    request,
  }) => {
    test.setTimeout(180_000);
    const { context, token, page } = await setUp(browser, baseURL!, request, 'contentbulk');
    const { siteId, sectorId } = await siteWithKeywords(request, token, TULIPS.slice(0, 1));
    for (let i = 1; i <= 30; i++) {
      await apiCall(request, token, 'POST', '/api/v1/writer/content/', {
        site_id: siteId,
        sector_id: sectorId,
        title: `Peony care note ${i}`,
      });
    }

    // Content: select all 30 (two pages) and move them to review.
    await page.goto('/writer/content?search=peony');
    await expect(page.getByText('1–25 of 30 articles')).toBeVisible({ timeout: 60_000 });
    await page.getByRole('checkbox', { name: 'Select all articles on this page' }).check();
    await bulkBar(page).getByRole('button', { name: 'Select all 30 matching' }).click();
    await expect(bulkBar(page).getByText('All 30 matching articles selected')).toBeVisible();
    await bulkBar(page).getByRole('button', { name: 'Move to review' }).click();
    await expect(page.getByText('Moved 30 articles to review.')).toBeVisible();

    // Review: the queue holds all 30; two go back to draft.
    await page.goto('/writer/review');
    await expect(page.getByText('1–25 of 30 articles')).toBeVisible();
    await axeAtBothWidths(page, '/writer/review');
    await table(page).getByRole('checkbox', { name: 'Select Peony care note 30', exact: true }).check();
    await table(page).getByRole('checkbox', { name: 'Select Peony care note 29', exact: true }).check();
    await expect(bulkBar(page).getByRole('button', { name: 'Move to review' })).toHaveCount(0);
    await bulkBar(page).getByRole('button', { name: 'Back to draft' }).click();
    await expect(page.getByText('Moved 2 articles to draft.')).toBeVisible();
    await expect(page.getByText('1–25 of 28 articles')).toBeVisible();

    // Delete the other 28 (every page) after a confirm that names them; Delete stands apart.
    await page.getByRole('checkbox', { name: 'Select all articles on this page' }).check();
    await bulkBar(page).getByRole('button', { name: 'Select all 28 matching' }).click();
    const danger = bulkBar(page).getByRole('group', { name: /Destructive actions/ });
    await expect(danger.getByRole('button', { name: 'Back to draft' })).toHaveCount(0);
    await danger.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete 28 articles?' });
    await expect(dialog).toContainText('their tasks return to the queue');
    await dialog.getByRole('button', { name: 'Delete 28 articles' }).click();
    await expect(page.getByText('Deleted 28 articles.')).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Nothing to review' })).toBeVisible();

    // The two sent back are drafts in Content, and nothing else is left.
    await page.goto('/writer/content?search=peony');
    await expect(page.getByText('1–2 of 2 articles')).toBeVisible();
    await context.close();
  });

  test('optimizer: "Score now" and AI fixes reach all N matching, priced for N', async ({
    browser,
    baseURL,
    request,
  }) => {
    test.setTimeout(180_000);
    const { context, token, page } = await setUp(browser, baseURL!, request, 'optall');
    const { siteId, sectorId } = await siteWithKeywords(request, token, TULIPS.slice(0, 1));
    for (let i = 1; i <= 28; i++) {
      await apiCall(request, token, 'POST', '/api/v1/writer/content/', {
        site_id: siteId,
        sector_id: sectorId,
        title: `Dahlia guide ${i}`,
      });
    }
    await page.goto('/optimizer');
    await expect(page.getByText('1–25 of 28 articles')).toBeVisible({ timeout: 60_000 });
    await page.getByRole('checkbox', { name: 'Select all articles on this page' }).check();
    await bulkBar(page).getByRole('button', { name: 'Select all 28 matching' }).click();
    await bulkBar(page).getByRole('button', { name: 'Score now' }).click();
    await expect(page.getByText('Scored 28 articles.')).toBeVisible();

    await page.getByRole('checkbox', { name: 'Select all articles on this page' }).check();
    await bulkBar(page).getByRole('button', { name: 'Select all 28 matching' }).click();
    await bulkBar(page).getByRole('button', { name: 'AI fixes…' }).click();
    const dialog = page.getByRole('dialog', { name: 'AI fixes' });
    await expect(dialog).toContainText('For 28 articles (all matching the list).');
    await context.close();
  });

  test('dashboard: "Getting started" follows the account, with no "later release" anywhere', async ({
    browser,
    baseURL,
    request,
  }) => {
    test.setTimeout(120_000);
    const { context, token, page } = await setUp(browser, baseURL!, request, 'dash');
    await page.goto('/');
    await expect(page.getByText('Getting started', { exact: true })).toBeVisible({ timeout: 60_000 });
    await expect(page.getByText('Add your first site (Next step)')).toBeAttached();
    await expect(page.getByRole('link', { name: 'Add a site' })).toBeVisible();
    await expect(page.locator('body')).not.toContainText(/later release/i);
    await expectAccessible(page, '/ (fresh account)');

    await siteWithKeywords(request, token, TULIPS);
    await page.reload();
    await expect(page.getByText('Add your first site (Done)')).toBeAttached();
    await expect(page.getByText('Choose sectors (Done)')).toBeAttached();
    await expect(page.getByText('20 keywords so far.')).toBeVisible();
    await expect(page.getByText('Cluster keywords (To do)')).toBeAttached();
    await expect(page.getByRole('link', { name: 'Open clusters' })).toHaveAttribute('href', '/planner/clusters');
    await expect(page.getByText('Review and publish (To do)')).toBeAttached();
    await expect(page.locator('body')).not.toContainText(/later release/i);
    await page.setViewportSize({ width: 390, height: 844 });
    await expectAccessible(page, '/ (390 px)');
    await context.close();
  });
});
