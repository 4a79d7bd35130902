import { expect, test, type APIRequestContext, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { apiCall, apiToken, hasHorizontalScroll, inviteInto, uniquePerson } from './helpers';

/**
 * The live draft editor with three people on one site: the owner and an invited editor type in
 * the same draft and each sees the other's text and name (presence avatar and remote caret); a
 * viewer gets a read-only editor. Then the editor moves the draft to review and the owner sees
 * the new status after a reload.
 */

async function setUp(browser: Browser, baseURL: string, request: APIRequestContext) {
  const owner = uniquePerson('owner');
  const headers = { origin: baseURL };
  const ctx = {
    owner: await browser.newContext({ baseURL }),
    editor: await browser.newContext({ baseURL }),
    viewer: await browser.newContext({ baseURL }),
  };
  const registered = await ctx.owner.request.post('/api/v1/auth/register/', {
    data: { email: owner.email, password: owner.password, name: owner.name, account_name: owner.account },
    headers,
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

  const editor = uniquePerson('editor');
  const viewer = uniquePerson('viewer');
  await inviteInto(ctx.editor, request, token, editor, 'editor', [site.id]);
  await inviteInto(ctx.viewer, request, token, viewer, 'viewer', [site.id]);
  return { owner, editor, viewer, ctx, contentId: content.id, ownerToken: token };
}

const draftEditor = (page: Page) => page.getByTestId('draft-editor');

/** The draft as the server projects it to HTML (from the live document). */
async function draftHtml(request: APIRequestContext, token: string, contentId: number): Promise<string> {
  return (await apiCall<{ html: string }>(request, token, 'GET', `/api/v1/writer/content/${contentId}/draft/`)).html;
}

async function typeAtEnd(page: Page, text: string) {
  await draftEditor(page).click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.type(text);
}

test.describe('live draft editor', () => {
  let contexts: BrowserContext[] = [];
  test.afterEach(async () => {
    for (const c of contexts) await c.close();
    contexts = [];
  });

  test('two editors type together, see each other, a viewer reads only, review status moves', async ({
    browser,
    baseURL,
    request,
  }) => {
    const team = await setUp(browser, baseURL!, request);
    contexts = Object.values(team.ctx);
    const pageA = await team.ctx.owner.newPage();
    const pageB = await team.ctx.editor.newPage();
    const url = `/writer/content/${team.contentId}`;

    await pageA.goto(url);
    await pageB.goto(url);
    await expect(pageA.getByRole('heading', { name: 'Growing tomatoes in pots', level: 1 })).toBeVisible();
    await expect(draftEditor(pageA)).toHaveAttribute('contenteditable', 'true');
    await expect(draftEditor(pageB)).toHaveAttribute('contenteditable', 'true');

    // Each sees the other in the presence avatars (awareness carries the name from /me).
    await expect(pageA.getByTestId('presence').locator(`[data-name="${team.editor.name}"]`)).toBeVisible();
    await expect(pageB.getByTestId('presence').locator(`[data-name="${team.owner.name}"]`)).toBeVisible();

    await typeAtEnd(pageA, 'Owner writes about terracotta pots. ');
    await expect(draftEditor(pageB)).toContainText('Owner writes about terracotta pots.');
    await typeAtEnd(pageB, 'Editor adds watering tips.');
    await expect(draftEditor(pageA)).toContainText('Editor adds watering tips.');
    await expect(draftEditor(pageA)).toContainText('Owner writes about terracotta pots.');

    // Remote carets carry the other person's name.
    await expect(pageA.locator('.collaboration-carets__label', { hasText: team.editor.name })).toBeVisible();
    await draftEditor(pageA).click();
    await expect(pageB.locator('.collaboration-carets__label', { hasText: team.owner.name })).toBeVisible();
    await expect(pageA.getByTestId('word-count')).toHaveText(/^\d+ words$/);

    // Formatting from the toolbar reaches the other editor and the stored HTML: a heading, a list, a table.
    const toolbar = pageA.getByRole('toolbar', { name: 'Formatting' });
    await draftEditor(pageA).click();
    await pageA.keyboard.press('ControlOrMeta+End');
    await pageA.keyboard.press('Enter');
    await toolbar.getByRole('button', { name: 'H2' }).click();
    await pageA.keyboard.type('Watering schedule');
    await pageA.keyboard.press('Enter');
    await toolbar.getByRole('button', { name: '• List' }).click();
    await pageA.keyboard.type('Morning');
    await pageA.keyboard.press('Enter');
    await pageA.keyboard.type('Evening');
    await pageA.keyboard.press('Enter');
    await pageA.keyboard.press('Enter');
    await toolbar.getByRole('button', { name: 'Table' }).click();
    await pageA.keyboard.type('Pot size');
    await expect(draftEditor(pageB).locator('h2', { hasText: 'Watering schedule' })).toBeVisible();
    await expect(draftEditor(pageB).locator('ul li')).toHaveText(['Morning', 'Evening']);
    await expect(draftEditor(pageB).locator('table th', { hasText: 'Pot size' })).toBeVisible();
    const html = await draftHtml(request, team.ownerToken, team.contentId);
    expect(html).toContain('<h2>Watering schedule</h2>');
    expect(html).toMatch(
      /<ul><li><p>Morning<\/p><\/li><li><p>Evening<\/p><\/li><\/ul>|<ul><li>Morning<\/li><li>Evening<\/li><\/ul>/,
    );
    expect(html).toMatch(/<table>.*Pot size.*<\/table>/s);

    // The viewer reads the same text in a read-only editor, with no toolbar.
    const pageC = await team.ctx.viewer.newPage();
    await pageC.goto(url);
    await expect(draftEditor(pageC)).toContainText('Editor adds watering tips.');
    await expect(draftEditor(pageC)).toHaveAttribute('contenteditable', 'false');
    await expect(pageC.getByRole('toolbar', { name: 'Formatting' })).toHaveCount(0);
    await expect(pageC.getByRole('button', { name: 'Move to review' })).toHaveCount(0);
    // On a phone the draft and its panels stack: nothing scrolls sideways.
    await pageC.setViewportSize({ width: 390, height: 844 });
    await expect(draftEditor(pageC)).toBeVisible();
    expect(await hasHorizontalScroll(pageC)).toBe(false);

    // The editor moves it to review; the owner sees it after a reload.
    await pageB.getByRole('button', { name: 'Move to review' }).click();
    await expect(pageB.getByTestId('content-status')).toHaveText('Review');
    await pageA.reload();
    await expect(pageA.getByTestId('content-status')).toHaveText('Review');
    await expect(pageA.getByText(`by ${team.editor.name}`)).toBeVisible();
    await expect(pageA.getByRole('button', { name: 'Back to draft' })).toBeVisible();
  });
});
