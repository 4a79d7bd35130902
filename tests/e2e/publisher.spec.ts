import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { apiCall, apiToken, hasHorizontalScroll, inviteInto, registerInBrowser, uniquePerson } from './helpers';

/**
 * The Publisher in the browser (issue 12): an article scheduled from the editor's publish control
 * (date, time, the browser's time zone) shows as Scheduled and on the publishing calendar, in the
 * month grid and in the phone's agenda, until it is unscheduled; the deployment history marks the
 * live version, previews a kept one and rolls back to it after a confirmation; a viewer reads it
 * all without write buttons.
 */

type Deployment = { id: number; version: number; status: string; is_live: boolean };

async function deployed(request: APIRequestContext, token: string, siteId: number, count: number) {
  await expect
    .poll(
      async () => {
        const res = await request.get(`/api/v1/publisher/deployments/?site_id=${siteId}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const rows = ((await res.json()).results ?? []) as Deployment[];
        return rows.filter((d) => d.status === 'deployed').length;
      },
      { timeout: 60_000 },
    )
    .toBe(count);
}

async function setUp(page: Page, request: APIRequestContext) {
  const owner = uniquePerson('publisher');
  await registerInBrowser(page, owner);
  const token = await apiToken(request, owner);
  const site = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/auth/sites/', { name: 'Crumb Daily' });
  const sector = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/auth/sectors/', {
    site_id: site.id,
    name: 'Bread',
  });
  const cluster = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/planner/clusters/', {
    site_id: site.id,
    sector_id: sector.id,
    name: 'Bread basics',
  });
  const blueprint = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/site-builder/blueprints/', {
    site_id: site.id,
    name: 'Crumb Daily site',
  });
  await apiCall(request, token, 'POST', `/api/v1/site-builder/blueprints/${blueprint.id}/clusters/`, {
    cluster_id: cluster.id,
  });
  // Two versions, one after the other: the second is live, the first is kept for preview and rollback.
  await apiCall(request, token, 'POST', `/api/v1/publisher/blueprints/${blueprint.id}/deploy/`, {});
  await deployed(request, token, site.id, 1);
  await apiCall(request, token, 'PATCH', `/api/v1/site-builder/blueprints/${blueprint.id}/`, {
    config: { tagline: 'Baked fresh, version two' },
  });
  await apiCall(request, token, 'POST', `/api/v1/publisher/blueprints/${blueprint.id}/deploy/`, {});
  await deployed(request, token, site.id, 2);
  const article = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/writer/content/', {
    site_id: site.id,
    sector_id: sector.id,
    title: 'Weekend baguettes',
  });
  await apiCall(request, token, 'PUT', `/api/v1/_test/draft-rooms/${article.id}/html`, {
    html: `<p>${'A baguette wants a hot oven and a little steam. '.repeat(20)}</p>`,
  });
  return { token, siteId: site.id, articleId: article.id };
}

const history = (page: Page) => page.getByTestId('deployment-history');
const version = (page: Page, n: number) =>
  history(page)
    .getByTestId('deployment')
    .filter({ hasText: new RegExp(`Version ${n}\\b`) });

test('schedule from the editor, see it on the calendar, roll back a deployment', async ({
  page,
  request,
  browser,
  baseURL,
}) => {
  const { token, siteId, articleId } = await setUp(page, request);

  // Schedule for tomorrow 09:00 in the browser's own zone, WordPress or IGNY8 alike: IGNY8 here.
  await page.goto(`/writer/content/${articleId}`);
  const publishing = page.getByRole('region', { name: 'Publishing' });
  await publishing.getByRole('radio', { name: 'IGNY8 site' }).check();
  await publishing.getByRole('button', { name: 'Schedule…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Schedule publishing' });
  const zone = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
  await expect(dialog.getByLabel('Time zone')).toHaveValue(zone);
  await dialog.getByLabel('Time', { exact: true }).fill('09:00');
  await dialog.getByRole('button', { name: 'Schedule' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('content-status')).toContainText('Scheduled');
  await expect(page.getByTestId('scheduled-for')).toContainText('the IGNY8 site');

  // The calendar: tomorrow's cell has it (the next month's grid when tomorrow is the 1st).
  await page.goto('/publisher');
  const calendar = page.getByTestId('publishing-calendar');
  const tomorrow = await page.evaluate(() => {
    const d = new Date(Date.now() + 86_400_000);
    return { month: d.getMonth(), thisMonth: new Date().getMonth() };
  });
  if (tomorrow.month !== tomorrow.thisMonth) await calendar.getByRole('button', { name: 'Next month' }).click();
  const item = calendar.locator('[data-testid="calendar-item"]:visible');
  await expect(item).toHaveCount(1);
  await expect(item).toHaveAttribute('data-state', 'scheduled');
  await expect(item).toContainText('Weekend baguettes');
  await expect(item).toContainText('IGNY8');

  // History: version 2 is live; version 1 can be previewed and rolled back to.
  await expect(version(page, 2)).toHaveAttribute('data-live', 'true');
  await expect(version(page, 2).getByRole('button', { name: /Roll back/ })).toHaveCount(0);
  await expect(version(page, 1).getByRole('link', { name: 'Preview version 1' })).toHaveAttribute(
    'href',
    /\/s\/[a-z0-9-]+\/_v\/1\/$/,
  );
  await version(page, 1).getByRole('button', { name: 'Roll back to version 1' }).click();
  const confirm = page.getByRole('dialog', { name: 'Roll back to version 1?' });
  await expect(confirm).toBeVisible();
  await confirm.getByRole('button', { name: 'Roll back' }).click();
  await expect(confirm).toBeHidden();
  await expect(version(page, 1)).toHaveAttribute('data-live', 'true');
  await expect(version(page, 2)).toHaveAttribute('data-live', 'false');

  // A phone: the agenda instead of the grid, and no sideways scroll.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(calendar.getByTestId('calendar-agenda')).toBeVisible();
  await expect(calendar.locator('[data-testid="calendar-item"]:visible')).toContainText('Weekend baguettes');
  await expect.poll(() => hasHorizontalScroll(page)).toBe(false);

  // A viewer sees the same history and calendar, and no button that writes.
  const viewer = await browser.newContext({ baseURL });
  await inviteInto(viewer, request, token, uniquePerson('viewer'), 'viewer', [siteId]);
  const viewerPage = await viewer.newPage();
  await viewerPage.goto('/publisher');
  await expect(history(viewerPage).getByTestId('deployment')).toHaveCount(2);
  await expect(history(viewerPage).getByRole('button', { name: /Roll back/ })).toHaveCount(0);
  await viewerPage.goto('/site-builder');
  await expect(viewerPage.getByTestId('blueprint-card')).toHaveCount(1);
  await expect(viewerPage.getByRole('button', { name: 'New blueprint' })).toHaveCount(0);
  await viewerPage.getByTestId('blueprint-card').getByRole('link').first().click();
  await expect(viewerPage.getByTestId('deploy-panel')).toBeVisible();
  await expect(viewerPage.getByRole('button', { name: /^Deploy/ })).toHaveCount(0);
  await expect(viewerPage.getByRole('button', { name: 'Save page' })).toHaveCount(0);
  await viewer.close();

  // Unscheduling puts the article back where it was, and off the calendar.
  // Still at phone width: the article's panels are reached from its tab bar.
  await page.goto(`/writer/content/${articleId}`);
  await page.getByRole('navigation', { name: 'Article panels' }).getByRole('button', { name: 'Publish' }).click();
  await page.getByRole('region', { name: 'Publishing' }).getByRole('button', { name: 'Unschedule' }).click();
  await expect(page.getByTestId('content-status')).toContainText('Draft');
  await page.goto('/publisher');
  if (tomorrow.month !== tomorrow.thisMonth) await calendar.getByRole('button', { name: 'Next month' }).click();
  await expect(calendar.getByText('Nothing published or scheduled this month.')).toBeVisible();
});
