import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { apiCall, apiToken, hasHorizontalScroll, inviteInto, registerInBrowser, uniquePerson } from './helpers';

/**
 * The Site Builder in the browser (issue 12, scope item 6): a blueprint planned cluster-first —
 * Generate structure waits for a cluster and says why, shows its price, then its progress in place;
 * a block edited and saved shows in the live preview; Deploy shows its progress and then the live
 * address; an article published to the IGNY8 site from the editor's publish control is served with
 * the home page under /s/<slug>/. Pages move by keyboard as well as by drag; a phone has no
 * sideways scroll. Two people on one page: the second save is refused rather than overwriting the
 * first, with the latest version offered; the preview and the page tree follow the co-editor.
 */

const ARTICLE = {
  title: 'Rye sourdough at home',
  slug: 'rye-sourdough-at-home',
  html: `<p>${'Rye flour ferments fast and rewards a patient baker with a dense, tangy crumb. '.repeat(20)}</p>`,
};
const HERO = 'Fresh loaves from a home oven';
/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

async function setUp(page: Page, request: APIRequestContext) {
  const owner = uniquePerson('builder');
  await registerInBrowser(page, owner);
  const token = await apiToken(request, owner);
  const site = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/auth/sites/', { name: 'Rye and Co' });
  const sector = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/auth/sectors/', {
    site_id: site.id,
    name: 'Home Baking',
  });
  const cluster = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/planner/clusters/', {
    site_id: site.id,
    sector_id: sector.id,
    name: 'Sourdough baking',
  });
  const article = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/writer/content/', {
    site_id: site.id,
    sector_id: sector.id,
    title: ARTICLE.title,
  });
  await apiCall(request, token, 'PATCH', `/api/v1/writer/content/${article.id}/`, { slug: ARTICLE.slug });
  await apiCall(request, token, 'PUT', `/api/v1/_test/draft-rooms/${article.id}/html`, { html: ARTICLE.html });
  return { token, siteId: site.id, articleId: article.id, clusterId: cluster.id };
}

const structure = (page: Page) => page.getByTestId('structure');
const coverage = (page: Page) => page.getByTestId('cluster-coverage');

test('a blueprint from a cluster to a live site with an article published to it', async ({ page, request }) => {
  const { articleId } = await setUp(page, request);

  await page.goto('/site-builder');
  await expect(page.getByTestId('blueprints-empty')).toContainText('Plan the site from your clusters');
  await page.getByRole('button', { name: 'New blueprint' }).click();
  const dialog = page.getByRole('dialog', { name: 'New blueprint' });
  await dialog.getByLabel('Name').fill('Rye and Co site');
  await dialog.getByRole('radio', { name: /Blog/ }).check();
  await dialog.getByRole('button', { name: 'Create blueprint' }).click();
  await expect(page).toHaveURL(/\/site-builder\/\d+$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Rye and Co site' })).toBeVisible();

  // Cluster-first: nothing to generate from yet, and the button says so.
  const generate = coverage(page).getByRole('button', { name: 'Generate structure' });
  await expect(generate).toBeDisabled();
  await expect(coverage(page).getByTestId('structure-quote')).toContainText('Attach at least one cluster');
  await coverage(page).getByLabel('Cluster').selectOption({ label: 'Sourdough baking (0 keywords)' });
  await coverage(page).getByRole('button', { name: 'Attach' }).click();
  await expect(coverage(page).getByTestId('coverage-item')).toContainText('Sourdough baking');
  await expect(coverage(page).getByTestId('coverage-item')).toContainText('Pending');
  await expect(coverage(page).getByTestId('structure-quote')).toContainText(/Costs \d+ credits?/);
  await expect(generate).toBeEnabled();
  await generate.click();
  await expect(coverage(page).getByRole('group', { name: 'Structure progress' })).toBeVisible();
  await expect(coverage(page).getByRole('group', { name: 'Structure progress' })).toContainText('Done', {
    timeout: 60_000,
  });
  await expect(coverage(page).getByTestId('coverage-item')).toContainText(/Mapped|Covered/);
  await expect(structure(page).getByTestId('structure-page').nth(2)).toBeVisible();

  // Keyboard ordering: the second top-level page moves down and stays there after a reload.
  const rows = structure(page).getByTestId('structure-page');
  const second = (await rows.nth(1).getAttribute('data-page-id'))!;
  const secondTitle = (await rows.nth(1).getByRole('button').first().locator('span').first().textContent())!.trim();
  await structure(page)
    .getByRole('button', { name: `Move down: ${secondTitle}` })
    .click();
  await expect(structure(page).getByText(`${secondTitle} moved: position`)).toBeAttached();
  await expect(rows.nth(1)).not.toHaveAttribute('data-page-id', second);

  // The home page: add a hero block, save, and the preview shows it.
  await rows.filter({ hasText: '· Home' }).getByRole('button').first().click();
  const editor = page.getByTestId('page-editor');
  await editor.getByLabel('Block type').selectOption('hero');
  await editor.getByRole('button', { name: 'Add block' }).click();
  const hero = editor.getByTestId('block').last();
  await hero.getByLabel('Heading', { exact: true }).fill(HERO);
  await editor.getByRole('button', { name: 'Save page' }).click();
  await expect(editor.getByText('Saved', { exact: true })).toBeVisible();
  const preview = page.frameLocator('[data-testid="preview-frame"]');
  await expect(preview.getByRole('heading', { name: HERO })).toBeVisible();

  // Deploy: progress in place, then the live address.
  await page.getByTestId('deploy-panel').getByRole('button', { name: 'Deploy' }).click();
  await expect(page.getByRole('group', { name: 'Deploy progress' })).toBeVisible();
  const live = page.getByTestId('live-url');
  await expect(live).toBeVisible({ timeout: 60_000 });
  const siteUrl = new URL((await live.getAttribute('href'))!);
  expect(siteUrl.pathname).toMatch(/^\/s\/[a-z0-9-]+\/$/);

  // Phone width: no sideways scroll on the builder.
  await page.setViewportSize({ width: 390, height: 844 });
  await expect.poll(() => hasHorizontalScroll(page)).toBe(false);
  await page.setViewportSize({ width: 1280, height: 900 });

  // Publish the article to the IGNY8 site from the editor's publish control.
  await page.goto(`/writer/content/${articleId}`);
  const publishing = page.getByRole('region', { name: 'Publishing' });
  await publishing.getByRole('radio', { name: 'IGNY8 site' }).check();
  await publishing.getByRole('button', { name: 'Publish to the IGNY8 site' }).click();
  await expect(page.getByTestId('content-status')).toContainText('Published', { timeout: 60_000 });

  // The site as visitors see it: the home page with the edited hero, and the article.
  await page.goto(siteUrl.pathname);
  await expect(page.getByRole('heading', { name: HERO })).toBeVisible();
  await expect(async () => {
    await page.goto(`${siteUrl.pathname}blog/${ARTICLE.slug}/`);
    await expect(page.getByRole('heading', { level: 1, name: ARTICLE.title })).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 60_000 });
});

test('two people edit one page: no lost save; the preview, the tree and the images follow the co-editor', async ({
  page,
  request,
  browser,
  baseURL,
}) => {
  const { token, siteId, clusterId } = await setUp(page, request);
  const blueprint = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/site-builder/blueprints/', {
    site_id: siteId,
    name: 'Shared site',
  });
  await apiCall(request, token, 'POST', `/api/v1/site-builder/blueprints/${blueprint.id}/clusters/`, {
    cluster_id: clusterId,
  });
  const list = await request.get(`/api/v1/site-builder/pages/?blueprint_id=${blueprint.id}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  const home = ((await list.json()).results as { id: number; slug: string; version: number }[]).find(
    (p) => p.slug === '',
  )!;
  await apiCall(request, token, 'PATCH', `/api/v1/site-builder/pages/${home.id}/`, {
    version: home.version,
    blocks: [{ type: 'hero', heading: 'The first words' }],
  });
  for (const title of ['About', 'Contact']) {
    await apiCall(request, token, 'POST', '/api/v1/site-builder/pages/', { blueprint_id: blueprint.id, title });
  }
  const editorCtx = await browser.newContext({ baseURL });
  await inviteInto(editorCtx, request, token, uniquePerson('coeditor'), 'editor', [siteId]);
  const editor = await editorCtx.newPage();
  const url = `/site-builder/${blueprint.id}`;
  await page.goto(url);
  await editor.goto(url);
  const heading = (p: Page) =>
    p.getByTestId('page-editor').getByTestId('block').first().getByLabel('Heading', {
      exact: true,
    });
  await expect(heading(page)).toHaveValue('The first words');
  await expect(heading(editor)).toHaveValue('The first words');

  // Blocks are folded to a line each; opening one shows its form.
  for (const p of [page, editor]) {
    const toggle = p
      .getByTestId('block')
      .first()
      .getByRole('button', { name: /^1\. Hero/ });
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await toggle.click();
    await expect(heading(p)).toBeVisible();
  }

  // The owner types but hasn't saved; the editor saves first.
  await heading(page).fill('The owner’s words');
  await heading(editor).fill('The editor’s words');
  await editor.getByRole('button', { name: 'Save page' }).click();
  await expect(editor.getByTestId('page-editor').getByText('Saved', { exact: true })).toBeVisible();

  // The owner's preview shows the saved page; their own edit is kept and flagged.
  const preview = page.frameLocator('[data-testid="preview-frame"]');
  await expect(preview.getByRole('heading', { name: 'The editor’s words' })).toBeVisible();
  await expect(page.getByText('A teammate changed this page.')).toBeVisible();
  await expect(heading(page)).toHaveValue('The owner’s words');

  // Saving anyway is refused (nothing of the editor's is lost) and offers the latest version.
  await page.getByRole('button', { name: 'Save page' }).click();
  await expect(page.getByText('Someone saved this page meanwhile')).toBeVisible();
  await page.getByRole('button', { name: 'Load the latest version (drops my changes)' }).click();
  await expect(heading(page)).toHaveValue('The editor’s words');

  // Drag Contact onto About: it goes before it, for both of them.
  const titles = (p: Page) =>
    p.getByTestId('structure').getByTestId('structure-page').locator('button > span.font-medium').allTextContents();
  await expect.poll(() => titles(page)).toEqual([expect.any(String), 'About', 'Contact']);
  const row = (p: Page, title: string) => p.getByTestId('structure-page').filter({ hasText: title });
  await row(page, 'Contact').dragTo(row(page, 'About'));
  await expect.poll(() => titles(page)).toEqual([expect.any(String), 'Contact', 'About']);
  await expect.poll(() => titles(editor)).toEqual([expect.any(String), 'Contact', 'About']);

  // An image with its alt text: uploaded, shown as a thumbnail to the co-editor too, then deleted.
  const assets = page.getByTestId('assets');
  await assets
    .getByLabel('Image', { exact: true })
    .setInputFiles({ name: 'loaf.png', mimeType: 'image/png', buffer: PNG });
  await assets.getByLabel('Alt text').fill('A rye loaf on a board');
  await assets.getByRole('button', { name: 'Upload' }).click();
  await expect(assets.getByRole('img', { name: 'A rye loaf on a board' })).toBeVisible();
  await expect(editor.getByTestId('assets').getByRole('img', { name: 'A rye loaf on a board' })).toBeVisible();
  await assets.getByRole('button', { name: 'Delete loaf.png' }).click();
  await page.getByRole('dialog', { name: 'Delete loaf.png?' }).getByRole('button', { name: 'Delete' }).click();
  await expect(assets.getByText('No images yet.')).toBeVisible();
  await editorCtx.close();
});
