import { expect, test, type APIRequestContext, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { expectAccessible } from './axe';
import { apiCall, apiToken, inviteInto, uniquePerson } from './helpers';

/**
 * The editor at work (issue 14, item 12): the sticky toolbar, the saved/syncing indicator, undo and
 * redo, the link dialog, the slash menu, the version-restore dialog, "AI is writing section 3 of 8"
 * while the draft stays editable, images generated and inserted from the editor (the featured one
 * above the draft), the publish button explained when nothing is connected, rename and delete (a
 * co-editor is told), the 390 px layout with its tab bar, and axe at both widths.
 */

const LONG_BODY = Array.from(
  { length: 14 },
  (_, i) => `<h2>Part ${i + 1}</h2><p>${'Leeks like deep, rich soil and steady water. '.repeat(8)}</p>`,
).join('');

async function setUp(browser: Browser, baseURL: string, request: APIRequestContext) {
  const owner = uniquePerson('owner');
  const ctx = { owner: await browser.newContext({ baseURL }), editor: await browser.newContext({ baseURL }) };
  const registered = await ctx.owner.request.post('/api/v1/auth/register/', {
    data: { email: owner.email, password: owner.password, name: owner.name, account_name: owner.account },
    headers: { origin: baseURL },
  });
  expect(registered.status()).toBe(201);
  const token = await apiToken(request, owner);
  const site = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/auth/sites/', { name: 'Leek Club' });
  const sector = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/auth/sectors/', {
    site_id: site.id,
    name: 'Alliums',
  });
  const article = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/writer/content/', {
    site_id: site.id,
    sector_id: sector.id,
    title: 'Growing leeks',
  });
  await apiCall(request, token, 'PUT', `/api/v1/_test/draft-rooms/${article.id}/html`, { html: LONG_BODY });
  const editor = uniquePerson('editor');
  await inviteInto(ctx.editor, request, token, editor, 'editor', [site.id]);
  return { ctx, token, siteId: site.id, articleId: article.id };
}

const draft = (page: Page) => page.getByTestId('draft-editor');
const toolbar = (page: Page) => page.getByRole('toolbar', { name: 'Formatting' });

/** A new empty paragraph at the end of the draft, the caret in it. */
async function newParagraph(page: Page) {
  await draft(page).click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.press('Enter');
}

test.describe('the editor at work', () => {
  let contexts: BrowserContext[] = [];
  test.afterEach(async () => {
    for (const c of contexts) await c.close();
    contexts = [];
  });

  test('toolbar, saving, undo, links, slash menu, restore, publish, generation, rename, delete', async ({
    browser,
    baseURL,
    request,
  }) => {
    // The longest walk in the suite: every control of the editor, one after another.
    test.setTimeout(300_000);
    const team = await setUp(browser, baseURL!, request);
    contexts = Object.values(team.ctx);
    const page = await team.ctx.owner.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    const url = `/writer/content/${team.articleId}`;
    await page.goto(url);
    await expect(draft(page)).toContainText('Part 14', { timeout: 30_000 });
    await expect(page.getByTestId('save-state')).toHaveText('Saved');
    await expectAccessible(page, 'article page, desktop');

    // The toolbar stays in reach at the bottom of a long draft.
    await draft(page).locator('h2', { hasText: 'Part 14' }).scrollIntoViewIfNeeded();
    await expect(toolbar(page)).toBeInViewport();
    const box = await toolbar(page).boundingBox();
    expect(box!.y).toBeLessThan(120);

    // Typing shows "Saving…", then "Saved" once the room has it.
    await newParagraph(page);
    await page.keyboard.type('Blanch them in autumn.');
    await expect(page.getByTestId('save-state')).toHaveText('Saving…');
    await expect(page.getByTestId('save-state')).toHaveText('Saved', { timeout: 10_000 });

    // Undo and redo: buttons and keyboard.
    await toolbar(page).getByRole('button', { name: 'Undo' }).click();
    await expect(draft(page)).not.toContainText('Blanch them in autumn.');
    await toolbar(page).getByRole('button', { name: 'Redo' }).click();
    await expect(draft(page)).toContainText('Blanch them in autumn.');
    await page.keyboard.press('ControlOrMeta+z');
    await expect(draft(page)).not.toContainText('Blanch them in autumn.');
    await page.keyboard.press('ControlOrMeta+Shift+z');
    await expect(draft(page)).toContainText('Blanch them in autumn.');

    // The link dialog: a bad address is refused with a reason; a good one links the selection.
    await draft(page).getByText('Blanch them in autumn.').click();
    await page.keyboard.press('End');
    await page.keyboard.press('Shift+Home');
    await toolbar(page).getByRole('button', { name: 'Link' }).click();
    const linkDialog = page.getByRole('dialog', { name: 'Add a link' });
    await linkDialog.getByLabel('Address').fill('javascript:alert(1)');
    await linkDialog.getByRole('button', { name: 'Add link' }).click();
    await expect(linkDialog.getByRole('alert')).toHaveText('Only http:// and https:// addresses can be linked.');
    await linkDialog.getByLabel('Address').fill('/guides/blanching/');
    await linkDialog.getByLabel('Open in a new tab').check();
    await linkDialog.getByRole('button', { name: 'Add link' }).click();
    await expect(linkDialog).toBeHidden();
    const link = draft(page).locator('a[href="/guides/blanching/"]');
    await expect(link).toHaveText('Blanch them in autumn.');
    // "Open in a new tab" is kept: in the saved article (what is published) and in the dialog again.
    await expect(page.getByTestId('save-state')).toHaveText('Saved', { timeout: 10_000 });
    await expect
      .poll(async () => {
        const saved = await apiCall<{ html_content: string }>(
          request,
          team.token,
          'GET',
          `/api/v1/writer/content/${team.articleId}/`,
        );
        return saved.html_content;
      })
      .toContain('<a href="/guides/blanching/" rel="noopener noreferrer" target="_blank">Blanch them in autumn.</a>');
    await link.click();
    await toolbar(page).getByRole('button', { name: 'Link' }).click();
    const editLink = page.getByRole('dialog', { name: 'Edit link' });
    await expect(editLink.getByLabel('Address')).toHaveValue('/guides/blanching/');
    await expect(editLink.getByLabel('Open in a new tab')).toBeChecked();
    await editLink.getByRole('button', { name: 'Remove link' }).click();
    await expect(link).toHaveCount(0);

    // The slash menu: "/" in an empty paragraph, arrow keys, Enter; Escape leaves the "/".
    await newParagraph(page);
    await page.keyboard.type('/');
    const menu = page.getByRole('listbox', { name: 'Insert a block' });
    await expect(menu).toBeVisible();
    await expect(menu).toBeFocused();
    await expectAccessible(page, 'article page with the slash menu');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect(menu.getByRole('option', { name: /Bullet list/ })).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('Enter');
    await expect(menu).toBeHidden();
    await page.keyboard.type('Musselburgh');
    await expect(draft(page).locator('ul li', { hasText: 'Musselburgh' })).toBeVisible();
    await expect(draft(page)).not.toContainText('/Musselburgh');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.keyboard.type('/');
    await expect(menu).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(menu).toBeHidden();

    // Versions: save one, restore it through the dialog (saving the current draft first).
    const versions = page.getByRole('region', { name: 'Versions' });
    await versions.getByLabel('Version name').fill('With blanching');
    await versions.getByRole('button', { name: 'Save version' }).click();
    await expect(versions.getByText('With blanching')).toBeVisible();
    await versions.getByRole('listitem').filter({ hasText: 'With blanching' }).getByRole('button').click();
    const restore = page.getByRole('dialog', { name: 'Restore this version?' });
    await expect(restore).toContainText('With blanching');
    await expect(restore).toContainText('replaced by this version for everyone editing');
    await expectAccessible(page, 'article page with the restore dialog');
    await restore.getByLabel('Save the current draft first, under a name').check();
    await restore.getByLabel('Name of the saved version').fill('Just before restoring');
    await restore.getByRole('button', { name: 'Restore', exact: true }).click();
    await expect(restore).toBeHidden();
    await expect(versions.getByText('Just before restoring')).toBeVisible();

    // Nowhere to publish: the buttons are disabled and say how to connect.
    const publishing = page.getByRole('region', { name: 'Publishing' });
    await expect(publishing.getByTestId('no-destination')).toContainText('no WordPress connection');
    await expect(publishing.getByRole('link', { name: 'Connect WordPress' })).toHaveAttribute('href', '/integration');
    await expect(publishing.getByRole('button', { name: 'Publish to WordPress' })).toBeDisabled();

    // The AI writing into the draft: "section 3 of 8", and the rest of the draft stays editable.
    const gen = `/api/v1/_test/draft-rooms/${team.articleId}/generation`;
    await apiCall(request, team.token, 'POST', gen, { action: 'begin', total: 8 });
    await apiCall(request, team.token, 'POST', gen, { action: 'section', h2: 'Soil', html: '<p>Deep and rich.</p>' });
    await apiCall(request, team.token, 'POST', gen, { action: 'section', h2: 'Sowing', html: '<p>In March.</p>' });
    const progress = page.getByTestId('generation-progress');
    await expect(progress).toContainText('AI is writing section 3 of 8');
    await newParagraph(page);
    await page.keyboard.type('My own note.');
    await apiCall(request, team.token, 'POST', gen, { action: 'section', h2: 'Planting', html: '<p>In June.</p>' });
    await expect(progress).toContainText('AI is writing section 4 of 8');
    await expect(draft(page)).toContainText('My own note.');
    await expect(draft(page).locator('h2', { hasText: 'Planting' })).toBeVisible();
    await apiCall(request, team.token, 'POST', gen, { action: 'finish' });
    await expect(progress).toBeEmpty();

    // Rename: the heading (and a co-editor) follow.
    const other = await team.ctx.editor.newPage();
    await other.goto(url);
    await expect(draft(other)).toContainText('My own note.', { timeout: 30_000 });
    await page.getByRole('button', { name: 'Rename' }).click();
    const rename = page.getByRole('dialog', { name: 'Rename the article' });
    await rename.getByLabel('Title').fill('Leeks, start to finish');
    await rename.getByRole('button', { name: 'Rename' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Leeks, start to finish' })).toBeVisible();
    await expect(other.getByRole('heading', { level: 1, name: 'Leeks, start to finish' })).toBeVisible();

    // Delete: the dialog names it; back to the list; the co-editor is told, not left on a ghost.
    await page.getByRole('button', { name: 'Delete article' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete “Leeks, start to finish”?' });
    await expect(confirm).toContainText('can’t be undone');
    await confirm.getByRole('button', { name: 'Delete article' }).click();
    await expect(page).toHaveURL(/\/writer\/content(\?|$)/);
    await expect(other.getByText('This article was deleted')).toBeVisible({ timeout: 15_000 });
    await expect(draft(other)).toHaveCount(0);
  });

  test('images from the editor: prompts, credits shown first, featured on top, inserted with alt text', async ({
    browser,
    baseURL,
    request,
  }) => {
    const team = await setUp(browser, baseURL!, request);
    contexts = Object.values(team.ctx);
    const page = await team.ctx.owner.newPage();
    await page.goto(`/writer/content/${team.articleId}`);
    await expect(draft(page)).toContainText('Part 14', { timeout: 30_000 });

    const panel = page.getByRole('region', { name: 'Images' });
    await expect(panel).toContainText('free: included with the article');
    await panel.getByRole('button', { name: 'Generate images: write the prompts' }).click();
    const make = panel.getByRole('button', { name: /^Generate \d+ images? \(\d+ credits?\)$/ });
    await expect(make).toBeVisible({ timeout: 30_000 });
    await expect(panel.getByTestId('images-cost')).toContainText(/\d+ credits? \(balance \d+/);
    await make.click();
    await expect(page.getByTestId('featured-image').locator('img')).toBeVisible({ timeout: 60_000 });

    // Insert one at the cursor: alt text is required.
    await newParagraph(page);
    await toolbar(page).getByRole('button', { name: 'Image' }).click();
    const picker = page.getByRole('dialog', { name: 'Insert an image' });
    await picker.getByRole('list', { name: "This article's images" }).getByRole('button').first().click();
    const alt = picker.getByLabel(/Alternative text/).first();
    await alt.fill('');
    await picker.getByRole('button', { name: 'Insert at the cursor' }).click();
    await expect(picker).toBeVisible();
    await alt.fill('Leeks in a trench');
    await picker.getByRole('button', { name: 'Insert at the cursor' }).click();
    await expect(picker).toBeHidden();
    await expect(draft(page).locator('img[alt="Leeks in a trench"]')).toHaveCount(1);
  });

  test('at 390 px: no sideways scroll, panels from the tab bar, axe clean', async ({ browser, baseURL, request }) => {
    const team = await setUp(browser, baseURL!, request);
    contexts = Object.values(team.ctx);
    const page = await team.ctx.owner.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`/writer/content/${team.articleId}`);
    await expect(draft(page)).toContainText('Part 14', { timeout: 30_000 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await expectAccessible(page, 'article page, 390 px');

    // The toolbar scrolls within itself.
    await expect(toolbar(page).getByRole('button', { name: 'Undo' })).toBeVisible();

    const tabs = page.getByRole('navigation', { name: 'Article panels' });
    for (const [tab, region] of [
      ['SEO', 'SEO'],
      ['Publish', 'Publishing'],
      ['Versions', 'Versions'],
      ['Status', null],
      ['Images', 'Images'],
    ] as const) {
      await tabs.getByRole('button', { name: tab }).click();
      await expect(tabs.getByRole('button', { name: tab })).toHaveAttribute('aria-pressed', 'true');
      if (region) await expect(page.getByRole('region', { name: region })).toBeVisible();
      await expect(draft(page)).toBeHidden();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    }
    await tabs.getByRole('button', { name: 'Score' }).click();
    await expect(page.getByRole('tab', { name: 'Score' })).toBeVisible();
    await tabs.getByRole('button', { name: 'Draft' }).click();
    await expect(draft(page)).toBeVisible();

    // The slash menu and a dialog fit the phone and pass axe.
    await newParagraph(page);
    await page.keyboard.type('/');
    await expect(page.getByRole('listbox', { name: 'Insert a block' })).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await expectAccessible(page, 'slash menu, 390 px');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Rename' }).click();
    await expect(page.getByRole('dialog', { name: 'Rename the article' })).toBeVisible();
    await expectAccessible(page, 'rename dialog, 390 px');
  });
});
