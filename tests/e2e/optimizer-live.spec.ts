import { expect, test, type APIRequestContext, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { apiCall, apiToken, hasHorizontalScroll, inviteInto, uniquePerson } from './helpers';

/**
 * The live content score and the co-edited meta fields (issue 11, scope items 2–4): the owner and an
 * invited editor have the same draft open; each browser scores the shared document in its own Web
 * Worker, so when one of them puts the primary keyword into an H2 both panels turn that check green
 * and show the same number. Both type into the meta description at the same moment and both keep
 * every character, also in the content row the room projects. A viewer sees the fields read-only.
 */

async function setUp(browser: Browser, baseURL: string, request: APIRequestContext) {
  const owner = uniquePerson('owner');
  const ctx = {
    owner: await browser.newContext({ baseURL }),
    editor: await browser.newContext({ baseURL }),
    viewer: await browser.newContext({ baseURL }),
  };
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
  const content = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/writer/content/', {
    site_id: site.id,
    sector_id: sector.id,
    title: 'Growing tomatoes in pots',
  });
  await inviteInto(ctx.editor, request, token, uniquePerson('editor'), 'editor', [site.id]);
  await inviteInto(ctx.viewer, request, token, uniquePerson('viewer'), 'viewer', [site.id]);
  return { ctx, token, url: `/writer/content/${content.id}`, contentId: content.id };
}

const seo = (page: Page) => page.getByRole('region', { name: 'SEO' });
const metaField = (page: Page, name: string) => seo(page).locator(`[name="${name}"]`);
const scorePanel = (page: Page) => page.getByTestId('score-panel');
const check = (page: Page, id: string) => scorePanel(page).locator(`[data-check="${id}"]`);
const contentScore = (page: Page) => scorePanel(page).getByTestId('content-score');
const draftEditor = (page: Page) => page.getByTestId('draft-editor');

/** Opens the draft and waits until the room has seeded the meta fields and the first score is in. */
async function openDraft(context: BrowserContext, url: string) {
  const page = await context.newPage();
  await page.goto(url);
  await expect(metaField(page, 'meta_description')).toBeEnabled();
  await expect(contentScore(page)).toHaveText(/^\d+$/);
  return page;
}

/** Types at the start (Home) or the end (End) of a field, one key at a time like a person. */
async function typeInto(page: Page, name: string, where: 'start' | 'end', text: string) {
  const field = metaField(page, name);
  await field.click();
  await page.keyboard.press(where === 'start' ? 'ControlOrMeta+Home' : 'ControlOrMeta+End');
  await page.keyboard.type(text, { delay: 25 });
}

test.describe('live content score and shared meta fields', () => {
  let contexts: BrowserContext[] = [];
  test.afterEach(async () => {
    for (const c of contexts) await c.close();
    contexts = [];
  });

  test('a keyword typed into an H2 turns the check green for both editors, with the same score', async ({
    browser,
    baseURL,
    request,
  }) => {
    const team = await setUp(browser, baseURL!, request);
    contexts = Object.values(team.ctx);
    const pageA = await openDraft(team.ctx.owner, team.url);
    const pageB = await openDraft(team.ctx.editor, team.url);

    // The primary keyword is a shared field: the owner types it, the editor's panel shows it.
    await typeInto(pageA, 'primary_keyword', 'end', 'terracotta pots');
    await expect(metaField(pageB, 'primary_keyword')).toHaveValue('terracotta pots');

    // An introduction without the keyword: the intro check is red, and shows its place in the text.
    await draftEditor(pageB).click();
    await pageB.keyboard.type('Pots dry out fast in summer.');
    await expect(check(pageA, 'placement.intro')).toHaveAttribute('data-light', 'red');
    await check(pageA, 'placement.intro').getByRole('button', { name: 'Show in text' }).click();
    await expect(pageA.getByTestId('score-highlight')).toHaveText('Pots dry out fast in summer.');

    for (const page of [pageA, pageB])
      await expect(check(page, 'placement.h2')).not.toHaveAttribute('data-light', 'green');
    await pageB.keyboard.press('Enter');
    await pageB.getByRole('toolbar', { name: 'Formatting' }).getByRole('button', { name: 'H2' }).click();
    await pageB.keyboard.type('Choosing terracotta pots');
    for (const page of [pageA, pageB]) await expect(check(page, 'placement.h2')).toHaveAttribute('data-light', 'green');

    // Both score the same document: once both have scored the last change, the numbers agree.
    await expect(async () => {
      const [a, b] = await Promise.all([contentScore(pageA).textContent(), contentScore(pageB).textContent()]);
      expect(a).toBe(b);
    }).toPass();
    await expect(
      scorePanel(pageA).getByRole('img', { name: /^Content score \d+ of 100, (low|medium|high)$/ }),
    ).toBeVisible();
  });

  test('two editors typing in the meta description at once both keep their words; the title follows live', async ({
    browser,
    baseURL,
    request,
  }) => {
    const team = await setUp(browser, baseURL!, request);
    contexts = Object.values(team.ctx);
    const pageA = await openDraft(team.ctx.owner, team.url);
    const pageB = await openDraft(team.ctx.editor, team.url);

    await typeInto(pageA, 'meta_description', 'end', 'Grow tomatoes in pots.');
    await expect(metaField(pageB, 'meta_description')).toHaveValue('Grow tomatoes in pots.');

    // At the same moment: the owner at the start, the editor at the end.
    await Promise.all([
      typeInto(pageA, 'meta_description', 'start', 'Easy guide: '),
      typeInto(pageB, 'meta_description', 'end', ' Start this spring.'),
    ]);
    const both = 'Easy guide: Grow tomatoes in pots. Start this spring.';
    await expect(metaField(pageA, 'meta_description')).toHaveValue(both);
    await expect(metaField(pageB, 'meta_description')).toHaveValue(both);

    // The room projects the field to the content row; a reload reads the same text back.
    await expect
      .poll(
        async () => {
          const row = await apiCall<{ meta_description: string }>(
            request,
            team.token,
            'GET',
            `/api/v1/writer/content/${team.contentId}/`,
          );
          return row.meta_description;
        },
        { timeout: 30_000 },
      )
      .toBe(both);
    await pageB.reload();
    await expect(metaField(pageB, 'meta_description')).toHaveValue(both);

    // The title is one of those fields: the other editor's page heading follows it as it is typed.
    await typeInto(pageA, 'title', 'end', ' at home');
    await expect(pageB.getByRole('heading', { level: 1 })).toHaveText('Growing tomatoes in pots at home');

    // Tags are a shared list: one adds two, the other removes one, both see the one left.
    await seo(pageA).getByRole('textbox', { name: 'Add to tags' }).fill('containers, balcony');
    await seo(pageA).getByRole('textbox', { name: 'Add to tags' }).press('Enter');
    const tagsB = seo(pageB).getByTestId('meta-tags');
    await expect(tagsB.getByRole('listitem')).toHaveText([/^containers\b/, /^balcony\b/]);
    await tagsB.getByRole('button', { name: 'Remove containers' }).click();
    await expect(seo(pageA).getByTestId('meta-tags').getByRole('listitem')).toHaveText([/^balcony\b/]);
  });

  test('a viewer sees the score and the meta fields, read-only, also on a phone', async ({
    browser,
    baseURL,
    request,
  }) => {
    const team = await setUp(browser, baseURL!, request);
    contexts = Object.values(team.ctx);
    const page = await openDraft(team.ctx.viewer, team.url);
    for (const name of ['title', 'slug', 'meta_title', 'meta_description', 'primary_keyword']) {
      await expect(metaField(page, name)).toHaveAttribute('readonly', '');
    }
    await expect(seo(page).getByRole('button', { name: 'Add' })).toHaveCount(0);
    await expect(seo(page).getByRole('button', { name: /Save/ })).toHaveCount(0);
    await expect(contentScore(page)).toHaveText(/^\d+$/);
    // On a phone the panels are reached from the tab bar: nothing scrolls sideways.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('navigation', { name: 'Article panels' }).getByRole('button', { name: 'Score' }).click();
    await expect(scorePanel(page)).toBeVisible();
    expect(await hasHorizontalScroll(page)).toBe(false);
  });
});
