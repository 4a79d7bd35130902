import { expect, test, type APIRequestContext, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { apiCall, apiToken, inviteInto, uniquePerson } from './helpers';

/**
 * AI fixes in the UI (issue 11, scope item 4): a writer sees "Fix with AI" on a failing check an AI
 * fix addresses, and its price before the click; confirming runs a job that rewrites the intro in
 * the shared draft (after a "Before AI fix: intro" version) and the check turns green. A viewer
 * has no fix button. On the Optimizer page a selection gets the four fixes as checkboxes, priced
 * "up to" (fixes an article doesn't need are free), and its rows are re-scored when the job ends.
 */

const KEYWORD = 'mulch';
/** The intro never says the keyword (placement.intro is red); the rest does. */
const ARTICLE =
  '<p>Bare soil dries out fast in summer and weeds love it.</p><h2>Why mulch a vegetable garden</h2>' +
  '<p>A layer of mulch shades the soil. Water stays where the roots can reach it, and worms turn the bottom ' +
  'of the layer into food for the plants.</p><h2>When to mulch</h2><p>Spread mulch once the soil has warmed.</p>';

async function setUp(browser: Browser, baseURL: string, request: APIRequestContext, titles: string[]) {
  const owner = uniquePerson('owner');
  const ctx = { owner: await browser.newContext({ baseURL }), viewer: await browser.newContext({ baseURL }) };
  const registered = await ctx.owner.request.post('/api/v1/auth/register/', {
    data: { email: owner.email, password: owner.password, name: owner.name, account_name: owner.account },
    headers: { origin: baseURL },
  });
  expect(registered.status()).toBe(201);
  const token = await apiToken(request, owner);
  const site = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/auth/sites/', {
    name: 'Green Thumb Gardening',
    domain: 'greenthumb.example',
  });
  const sector = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/auth/sectors/', {
    site_id: site.id,
    name: 'Vegetable Gardening',
  });
  const ids: number[] = [];
  for (const title of titles) {
    const { id } = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/writer/content/', {
      site_id: site.id,
      sector_id: sector.id,
      title,
    });
    await apiCall(request, token, 'PATCH', `/api/v1/writer/content/${id}/`, { primary_keyword: KEYWORD });
    await apiCall(request, token, 'PUT', `/api/v1/_test/draft-rooms/${id}/html`, { html: ARTICLE });
    ids.push(id);
  }
  await inviteInto(ctx.viewer, request, token, uniquePerson('viewer'), 'viewer', [site.id]);
  return { ctx, token, ids };
}

const scorePanel = (page: Page) => page.getByTestId('score-panel');
const check = (page: Page, id: string) => scorePanel(page).locator(`[data-check="${id}"]`);
const firstParagraph = (page: Page) => page.getByTestId('draft-editor').locator('p').first();

async function openDraft(context: BrowserContext, contentId: number) {
  const page = await context.newPage();
  await page.goto(`/writer/content/${contentId}`);
  await expect(scorePanel(page).getByTestId('content-score')).toHaveText(/^\d+$/);
  return page;
}

test.describe('AI fixes', () => {
  let contexts: BrowserContext[] = [];
  test.afterEach(async () => {
    for (const c of contexts) await c.close();
    contexts = [];
  });

  test('“Fix with AI” shows the price, rewrites the intro in the draft and the check turns green', async ({
    browser,
    baseURL,
    request,
  }) => {
    const team = await setUp(browser, baseURL!, request, ['How to mulch a vegetable garden']);
    contexts = Object.values(team.ctx);
    const contentId = team.ids[0]!;

    // A viewer sees the same red check, with its place in the text, and nothing to run.
    const viewer = await openDraft(team.ctx.viewer, contentId);
    await expect(check(viewer, 'placement.intro')).toHaveAttribute('data-light', 'red');
    await expect(check(viewer, 'placement.intro').getByRole('button', { name: 'Show in text' })).toBeVisible();

    const page = await openDraft(team.ctx.owner, contentId);
    await expect(check(page, 'placement.intro')).toHaveAttribute('data-light', 'red');
    await expect(firstParagraph(page)).toHaveText('Bare soil dries out fast in summer and weeds love it.');
    // The intro and the empty meta description both have a fix: all of them at once, priced.
    await expect(scorePanel(page).getByRole('button', { name: 'Fix all (2 credits)' })).toBeVisible();
    await check(page, 'placement.intro').getByRole('button', { name: 'Fix with AI' }).click();

    // The price before the click: what it does, its credits, the balance, the version saved first.
    const dialog = page.getByRole('dialog', { name: 'Rewrite the intro' });
    await expect(dialog.getByText('Rewrites the first paragraph so it uses the primary keyword')).toBeVisible();
    await expect(dialog.getByTestId('fix-price')).toContainText('Cost: 1 credit');
    await expect(dialog.getByTestId('fix-price')).toContainText(/Your balance: [\d,]+ credits/);
    await expect(dialog).toContainText('“Before AI fix: …”');
    await dialog.getByRole('button', { name: 'Fix for 1 credit' }).click();
    await expect(dialog).toBeHidden();
    await expect(scorePanel(page).getByTestId('fix-progress')).toContainText('Fixing… rewrite the intro');

    // The rewrite lands in the shared draft (the viewer's copy too) and the check turns green.
    await expect(firstParagraph(page)).toContainText(KEYWORD, { ignoreCase: true });
    await expect(firstParagraph(viewer)).toContainText(KEYWORD, { ignoreCase: true });
    await expect(check(page, 'placement.intro')).toHaveAttribute('data-light', 'green');
    await expect(page.getByText('Intro rewritten.').first()).toBeVisible();
    await expect(check(page, 'placement.intro').getByRole('button', { name: 'Fix with AI' })).toHaveCount(0);
    await expect(check(page, 'placement.meta-description').getByRole('button', { name: 'Fix with AI' })).toBeVisible();

    // The draft as it was is one click away in Versions.
    await page.reload();
    await expect(page.getByRole('region', { name: 'Versions' })).toContainText('Before AI fix: intro');

    // The viewer never had a fix button, on any check.
    await expect(check(viewer, 'placement.intro')).toHaveAttribute('data-light', 'green');
    await expect(scorePanel(viewer).getByRole('button', { name: /Fix/ })).toHaveCount(0);
  });

  test('the Optimizer page prices AI fixes for a selection and re-ranks the rows when the job ends', async ({
    browser,
    baseURL,
    request,
  }) => {
    const titles = ['Mulch for tomatoes', 'Mulch for beans'];
    const team = await setUp(browser, baseURL!, request, titles);
    contexts = Object.values(team.ctx);
    const scored = await apiCall<{ score: number }[]>(request, team.token, 'POST', '/api/v1/optimizer/analyze/', {
      content_ids: team.ids,
    });
    const before = scored[0]!.score;

    const page = await team.ctx.owner.newPage();
    await page.goto('/optimizer');
    for (const title of titles) await page.getByRole('checkbox', { name: `Select ${title}` }).check();
    await page.getByRole('region', { name: 'Bulk actions' }).getByRole('button', { name: 'AI fixes…' }).click();

    const dialog = page.getByRole('dialog', { name: 'AI fixes' });
    await expect(dialog).toContainText('For 2 articles');
    await expect(dialog.getByRole('checkbox')).toHaveCount(4);
    // Every fix on both articles, at most: 1 + 2 + 1 + 1 credits per article.
    await expect(dialog.getByTestId('fix-price')).toContainText('Cost: up to 10 credits');
    for (const name of ['Write the missing section', 'Split long paragraphs', 'Write the meta description'])
      await dialog.getByRole('checkbox', { name }).uncheck();
    await expect(dialog.getByTestId('fix-price')).toContainText('Cost: up to 2 credits');
    await dialog.getByRole('button', { name: 'Fix for up to 2 credits' }).click();
    await expect(dialog).toBeHidden();

    // Followed in the jobs panel; when it ends the ranking is re-read with the new scores.
    const jobs = page.getByRole('region', { name: 'AI jobs' });
    await expect(jobs.getByText('AI fixes').first()).toBeVisible();
    await expect(jobs).toContainText('2 fixes applied', { timeout: 30_000 });
    const row = page.getByRole('main').getByRole('row', { name: new RegExp(titles[0]!) });
    await expect(row).not.toContainText(new RegExp(`\\b${before} ·`));

    // A viewer has nothing to select, so nothing to run.
    const viewer = await team.ctx.viewer.newPage();
    await viewer.goto('/optimizer');
    await expect(viewer.getByText(titles[0]!)).toBeVisible();
    await expect(viewer.getByRole('checkbox', { name: `Select ${titles[0]}` })).toHaveCount(0);
  });
});
