import {
  expect,
  test,
  type APIRequestContext,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from '@playwright/test';
import { apiCall, apiToken, E2E_ORIGIN, hasHorizontalScroll, inviteInto, uniquePerson } from './helpers';

/**
 * The Writer's Tasks and Images pages and a site's WordPress connection, in a real browser:
 * tasks listed, filtered and searched on the server, added by hand, two of them written by the
 * AI while the live panel shows the job's progress; image prompts, images (the thumbnail really
 * loads through the media cookie), regenerate and delete; a viewer sees everything and can change
 * nothing. Then the WordPress settings: a refused address is a field error, an unreachable one a
 * clear Test Connection failure, a good one is saved with the password kept write-only.
 * The dev model answers every AI call (700 ms latency, articles streamed slowly).
 */

type Person = ReturnType<typeof uniquePerson>;

const SITE = 'Green Thumb Gardening';
const TOMATOES = 'Growing tomatoes in pots';
const SOIL = 'Raised bed soil mix';
const COMPOST = 'Composting kitchen scraps';

/** An owner signed in in their own browser context, with one site and one sector. */
async function setUpOwner(browser: Browser, baseURL: string, request: APIRequestContext, label: string) {
  const owner = uniquePerson(label);
  const context = await browser.newContext({ baseURL });
  const registered = await context.request.post('/api/v1/auth/register/', {
    data: { email: owner.email, password: owner.password, name: owner.name, account_name: owner.account },
    headers: { origin: E2E_ORIGIN },
  });
  expect(registered.status()).toBe(201);
  const token = await apiToken(request, owner);
  const site = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/auth/sites/', {
    name: SITE,
    domain: 'greenthumb.example',
  });
  const sector = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/auth/sectors/', {
    site_id: site.id,
    name: 'Vegetable Gardening',
  });
  return { owner, context, token, siteId: site.id, sectorId: sector.id };
}

/** A viewer of the site who accepted the invite in their own browser context. */
async function inviteViewer(
  browser: Browser,
  baseURL: string,
  request: APIRequestContext,
  token: string,
  siteId: number,
): Promise<{ viewer: Person; context: BrowserContext }> {
  const viewer = uniquePerson('viewer');
  const context = await browser.newContext({ baseURL });
  await inviteInto(context, request, token, viewer, 'viewer', [siteId]);
  return { viewer, context };
}

const jobsPanel = (page: Page) => page.getByRole('region', { name: 'AI jobs' });
const bulkBar = (page: Page) => page.getByRole('region', { name: 'Bulk actions' });
const tableRows = (page: Page) => page.getByRole('main').getByRole('table').getByRole('row');
const row = (page: Page, text: string | RegExp) => tableRows(page).filter({ hasText: text });
const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });
/** An image's row, by the name its checkbox gives it ("Featured image for “…”"). */
const imageRow = (page: Page, name: string) =>
  tableRows(page).filter({ has: page.getByRole('checkbox', { name: `Select ${name}`, exact: true }) });
const imageCheckboxes = (page: Page) => page.getByRole('checkbox', { name: /^Select (Featured|In article) image/ });

/** Resolves with the next list request to `path` whose query has every `params` value. */
function listRequest(page: Page, path: string, params: Record<string, string>) {
  return page.waitForRequest((req) => {
    const url = new URL(req.url());
    return (
      req.method() === 'GET' &&
      url.pathname === path &&
      Object.entries(params).every(([k, v]) => url.searchParams.get(k) === v)
    );
  });
}

/** Records every value the progress bars of `label` take from now on (the panel, untouched). */
async function recordProgress(page: Page, label: string) {
  await page.evaluate((name) => {
    const w = window as unknown as { __progress: number[] };
    w.__progress = [];
    const read = () => {
      for (const bar of document.querySelectorAll(`[role="progressbar"][aria-label="${name}"]`))
        w.__progress.push(Number(bar.getAttribute('aria-valuenow')));
    };
    new MutationObserver(read).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['aria-valuenow'],
    });
  }, label);
}
const progressSeen = (page: Page) =>
  page.evaluate(() => [...new Set((window as unknown as { __progress: number[] }).__progress)]);

/** A job of the panel, newest first, that finished with "Done". */
async function expectJobDone(page: Page, label: string, nth = 0) {
  const job = jobsPanel(page).getByRole('listitem').filter({ hasText: label }).nth(nth);
  await expect(job.getByText('Done', { exact: true })).toBeVisible({ timeout: 150_000 });
  return job;
}

/** The image really arrived: loaded, with pixels (an <img> refused by /media has naturalWidth 0). */
async function expectLoaded(img: Locator) {
  await img.scrollIntoViewIfNeeded();
  await expect
    .poll(() => img.evaluate((el: HTMLImageElement) => (el.complete ? el.naturalWidth : 0)), { timeout: 20_000 })
    .toBeGreaterThan(0);
}

test.describe('writer pages', () => {
  let contexts: BrowserContext[] = [];
  test.afterEach(async () => {
    for (const c of contexts) await c.close();
    contexts = [];
  });

  test(
    'tasks: filter, search, add, generate content live; images: prompts, ' +
      'generate, regenerate, delete; a viewer only reads',
    async ({ browser, baseURL, request }) => {
      test.setTimeout(360_000);
      const team = await setUpOwner(browser, baseURL!, request, 'writer');
      contexts.push(team.context);
      for (const [title, keywords] of [
        [TOMATOES, ['tomatoes in pots', 'container tomatoes']],
        [SOIL, ['raised bed soil', 'soil mix']],
      ] as const) {
        await apiCall(request, team.token, 'POST', '/api/v1/writer/tasks/', {
          site_id: team.siteId,
          sector_id: team.sectorId,
          title,
          target_keywords: keywords,
          word_count_target: 800,
        });
      }
      const page = await team.context.newPage();

      // ---- Tasks: the list, the live panel, a task added by hand.
      await page.goto('/writer/tasks');
      await expect(page.getByRole('heading', { name: 'Tasks', level: 1 })).toBeVisible();
      await expect(page.getByText('1–2 of 2 tasks')).toBeVisible();
      await expect(jobsPanel(page).getByText('Live', { exact: true })).toBeVisible();
      await expect(row(page, TOMATOES)).toContainText('tomatoes in pots · container tomatoes');
      await expect(row(page, TOMATOES)).toContainText('Queued');

      await page.getByRole('button', { name: 'Add task' }).click();
      const add = page.getByRole('dialog', { name: `Add a task to ${SITE}` });
      await add.getByRole('button', { name: 'Add task' }).click();
      await expect(add.getByLabel('Title')).toHaveAttribute('aria-invalid', 'true');
      await add.getByLabel('Title').fill(COMPOST);
      await add.getByLabel('Target keywords').fill('compost bin, kitchen scraps\nhot composting');
      await add.getByRole('button', { name: 'Add task' }).click();
      await expect(add).toBeHidden();
      await expect(page.getByText('1–3 of 3 tasks')).toBeVisible();
      await expect(row(page, COMPOST)).toContainText('compost bin · kitchen scraps · hot composting');

      // Search and filters run on the server: the request carries them, the count comes back from it.
      let sent = listRequest(page, '/api/v1/writer/tasks/', { search: 'tomato' });
      await page.getByLabel('Search tasks').fill('tomato');
      await sent;
      await expect(page.getByText('1–1 of 1 task')).toBeVisible();
      await expect(row(page, TOMATOES)).toBeVisible();
      await page.getByLabel('Search tasks').fill('');
      await expect(page.getByText('1–3 of 3 tasks')).toBeVisible();
      sent = listRequest(page, '/api/v1/writer/tasks/', { status: 'completed' });
      await page.getByLabel('Status', { exact: true }).selectOption('completed');
      await sent;
      await expect(page.getByRole('heading', { name: 'No tasks match' })).toBeVisible();
      await page.getByLabel('Status', { exact: true }).selectOption('queued');
      await expect(page.getByText('1–3 of 3 tasks')).toBeVisible();
      await page.getByLabel('Status', { exact: true }).selectOption('');

      // ---- Generate content for two tasks: confirm the credits, watch the job, the tasks complete.
      await recordProgress(page, 'Generate content progress');
      await page.getByRole('checkbox', { name: `Select ${TOMATOES}` }).check();
      await page.getByRole('checkbox', { name: `Select ${SOIL}` }).check();
      await expect(bulkBar(page).getByText('2 selected')).toBeVisible();
      await bulkBar(page).getByRole('button', { name: 'Generate content' }).click();
      const confirm = page.getByRole('dialog', { name: 'Generate 2 articles?' });
      await expect(confirm).toContainText('6 credits (3 per article)');
      await confirm.getByRole('button', { name: 'Generate content' }).click();
      await expect(page.getByText('Content generation started. Follow it under AI jobs.')).toBeVisible();
      await expect(jobsPanel(page).getByRole('progressbar', { name: 'Generate content progress' })).toBeVisible();
      const contentJob = await expectJobDone(page, 'Generate content');
      await expect(contentJob).toContainText(/Charged 6 credits/);
      const seen = await progressSeen(page);
      expect(
        seen.some((p) => p > 0 && p < 100),
        `progress values seen: ${seen}`,
      ).toBe(true);
      await page.screenshot({ path: '/tmp/igny8-writer-tasks.png', fullPage: true });

      // The table reloaded itself (data.changed): the two tasks are completed, the third still queued.
      await expect(row(page, TOMATOES)).toContainText('Completed');
      await expect(row(page, SOIL)).toContainText('Completed');
      await expect(row(page, COMPOST)).toContainText('Queued');
      await expect(row(page, COMPOST).getByRole('button', { name: `Actions for ${COMPOST}` })).toBeVisible();

      // A written task opens its article in the editor.
      await page.getByRole('button', { name: `Actions for ${TOMATOES}` }).click();
      await page.getByRole('menuitem', { name: 'Open article' }).click();
      await expect(page).toHaveURL(/\/writer\/content\/\d+$/);
      await expect(page.getByRole('heading', { name: TOMATOES, level: 1 })).toBeVisible();

      // Both articles are in Writer → Content.
      await nav(page).getByRole('link', { name: 'Content' }).click();
      await expect(page.getByRole('heading', { name: 'Content', level: 1 })).toBeVisible();
      await expect(page.getByText('1–2 of 2 articles')).toBeVisible();
      await expect(row(page, TOMATOES)).toBeVisible();
      await expect(row(page, SOIL)).toBeVisible();

      // ---- Images: prompts for one article.
      await nav(page).getByRole('link', { name: 'Images' }).click();
      await expect(page.getByRole('heading', { name: 'Images', level: 1 })).toBeVisible();
      await expect(page.getByRole('heading', { name: 'No images yet' })).toBeVisible();
      await page.getByRole('button', { name: 'Generate image prompts' }).click();
      const prompts = page.getByRole('dialog', { name: 'Generate image prompts' });
      await prompts.getByLabel('Article').selectOption({ label: TOMATOES });
      await prompts.getByRole('button', { name: 'Generate prompts' }).click();
      await expect(prompts).toBeHidden();
      await expect(page.getByText('Image prompts started. Follow it under AI jobs.')).toBeVisible();
      await expectJobDone(page, 'Image prompts');
      const featuredName = `Featured image for “${TOMATOES}”`;
      const featured = imageRow(page, featuredName);
      await expect(featured).toHaveCount(1);
      await expect(featured).toContainText(TOMATOES);
      await expect(featured).toContainText('Pending');
      await expect(featured).toContainText('Alt:');
      expect(await row(page, /After section \d+/).count()).toBeGreaterThanOrEqual(1);
      // A featured image and at least two for the sections (so some stay pending below).
      const imageCount = await imageCheckboxes(page).count();
      expect(imageCount).toBeGreaterThanOrEqual(3);

      // The article filter is a server-side filter too.
      const contents = await request.get(`/api/v1/writer/content/?site_id=${team.siteId}`, {
        headers: { authorization: `Bearer ${team.token}` },
      });
      const tomatoesId = ((await contents.json()).results as { id: number; title: string }[]).find(
        (c) => c.title === TOMATOES,
      )!.id;
      sent = listRequest(page, '/api/v1/writer/images/', { content_id: String(tomatoesId) });
      await page.getByLabel('Article', { exact: true }).selectOption({ label: TOMATOES });
      await sent;
      await expect(page.getByText(`1–${imageCount} of ${imageCount} images`)).toBeVisible();

      // Generate the featured image and one in-article image.
      const inArticleCheckbox = page.getByRole('checkbox', { name: /^Select In article image for/ }).first();
      const inArticleName = (await inArticleCheckbox.getAttribute('aria-label'))!.replace(/^Select /, '');
      await page.getByRole('checkbox', { name: `Select ${featuredName}` }).check();
      await inArticleCheckbox.check();
      await bulkBar(page).getByRole('button', { name: 'Generate images' }).click();
      const generateConfirm = page.getByRole('dialog', { name: 'Generate 2 images?' });
      await generateConfirm.getByRole('button', { name: 'Generate images' }).click();
      await expect(page.getByText('Image generation started. Follow it under AI jobs.')).toBeVisible();
      await expectJobDone(page, 'Generate images');
      await expect(featured).toContainText('Generated');
      await expect(imageRow(page, inArticleName)).toContainText('Generated');
      const thumbnail = featured.getByTestId('image-thumbnail');
      await expectLoaded(thumbnail);
      await expectLoaded(imageRow(page, inArticleName).getByTestId('image-thumbnail'));
      const firstSrc = await thumbnail.getAttribute('src');

      // Regenerate the featured image: a new file, loaded again.
      await page.getByRole('button', { name: `Regenerate: ${featuredName}` }).click();
      await expect(page.getByText('Regenerating the image. Follow it under AI jobs.')).toBeVisible();
      await expect(jobsPanel(page).getByRole('listitem').filter({ hasText: 'Generate images' })).toHaveCount(2);
      await expectJobDone(page, 'Generate images', 0);
      await expect(thumbnail).not.toHaveAttribute('src', firstSrc!);
      await expectLoaded(thumbnail);

      // Delete the in-article image, after confirming.
      await page.getByRole('button', { name: `Delete: ${inArticleName}` }).click();
      const deleteConfirm = page.getByRole('dialog', { name: /^Delete image “In article · / });
      await deleteConfirm.getByRole('button', { name: 'Delete image' }).click();
      await expect(deleteConfirm).toBeHidden();
      await expect(page.getByText(`1–${imageCount - 1} of ${imageCount - 1} images`)).toBeVisible();
      await expect(imageRow(page, inArticleName)).toHaveCount(0);

      // "Generate pending" finds the rest (on the server, with the list's filters) and makes them.
      const pending = imageCount - 2;
      await page.getByRole('button', { name: 'Generate pending' }).click();
      const pendingConfirm = page.getByRole('dialog', {
        name: pending === 1 ? 'Generate 1 pending image?' : `Generate ${pending} pending images?`,
      });
      await pendingConfirm.getByRole('button', { name: 'Generate images' }).click();
      await expect(pendingConfirm).toBeHidden();
      // (The dialog closes once the job is in the panel: the newest job is this one.)
      await expectJobDone(page, 'Generate images', 0);
      await expect(page.getByTestId('image-thumbnail')).toHaveCount(imageCount - 1);
      await page.screenshot({ path: '/tmp/igny8-writer-images.png', fullPage: true });

      // ---- A viewer of the site reads the same pages without a single write control.
      const { context: viewerContext } = await inviteViewer(browser, baseURL!, request, team.token, team.siteId);
      contexts.push(viewerContext);
      const viewerPage = await viewerContext.newPage();
      await viewerPage.goto('/writer/tasks');
      await expect(viewerPage.getByText('1–3 of 3 tasks')).toBeVisible();
      await expect(viewerPage.getByRole('button', { name: `Open article: ${TOMATOES}` })).toBeVisible();
      await expect(viewerPage.getByRole('button', { name: 'Add task' })).toHaveCount(0);
      await expect(viewerPage.getByRole('checkbox')).toHaveCount(0);
      await expect(viewerPage.getByRole('button', { name: /^(Edit|Delete|Actions for)/ })).toHaveCount(0);

      await nav(viewerPage).getByRole('link', { name: 'Images' }).click();
      await expect(viewerPage.getByText(`1–${imageCount - 1} of ${imageCount - 1} images`)).toBeVisible();
      // The viewer's own media cookie loads the thumbnails.
      await expect(viewerPage.getByTestId('image-thumbnail')).toHaveCount(imageCount - 1);
      await expectLoaded(viewerPage.getByTestId('image-thumbnail').first());
      await expect(viewerPage.getByRole('button', { name: /^Generate|^Regenerate|^Delete/ })).toHaveCount(0);
      await expect(viewerPage.getByRole('checkbox')).toHaveCount(0);

      await viewerPage.goto('/settings/sites');
      const wordpress = viewerPage.getByRole('region', { name: /^WordPress connection/ });
      await expect(
        wordpress.getByText('Only owners and admins can change or test the WordPress connection.'),
      ).toBeVisible();
      await expect(wordpress.getByRole('button')).toHaveCount(0);
      await expect(wordpress.getByLabel('WordPress URL')).toHaveAttribute('readonly', '');
    },
  );

  test(
    'WordPress connection: ' + 'a refused address, an unreachable one, then saved with the password kept write-only',
    async ({ browser, baseURL, request }) => {
      const team = await setUpOwner(browser, baseURL!, request, 'publisher');
      contexts.push(team.context);
      const page = await team.context.newPage();
      await page.goto('/settings/sites');
      const wordpress = page.getByRole('region', { name: /^WordPress connection/ });
      await expect(wordpress.getByText('Not set up', { exact: true })).toBeVisible();
      const url = wordpress.getByLabel('WordPress URL');
      const password = wordpress.getByLabel(/^Application password/);

      // Not an address at all: the shared schema says so before anything is sent.
      await url.fill('greenthumb');
      await wordpress.getByLabel('Username').fill('publisher');
      await password.fill('abcd efgh ijkl mnop qrst uvwx');
      await wordpress.getByRole('button', { name: 'Save WordPress settings' }).click();
      await expect(wordpress.getByText('A full address such as https://example.com.')).toBeVisible();
      await expect(url).toHaveAttribute('aria-invalid', 'true');

      // A private network address: the API refuses it, under the field.
      await url.fill('https://192.168.1.20');
      await wordpress.getByRole('button', { name: 'Save WordPress settings' }).click();
      await expect(wordpress.getByRole('alert')).toHaveText(
        'This WordPress address cannot be used: Private network addresses are not allowed.',
      );
      await expect(wordpress.getByText('Private network addresses are not allowed.', { exact: true })).toBeVisible();
      await expect(url).toHaveAttribute('aria-invalid', 'true');

      // Test Connection against an address where nothing answers: a clear failure, nothing saved.
      await url.fill('http://127.0.0.1:9');
      await wordpress.getByRole('button', { name: 'Test connection' }).click();
      await expect(wordpress.getByRole('alert')).toContainText('Test failed: Could not connect to http://127.0.0.1:9');
      await expect(wordpress.getByRole('alert')).toContainText('Check the address and that the site is online.');
      await expect(wordpress.getByText('Not set up', { exact: true })).toBeVisible();

      // A good address (a pasted /wp-admin tail is trimmed): saved, connected, the password not shown back.
      await url.fill('https://wp.greenthumb.example/wp-admin/');
      await wordpress.getByRole('button', { name: 'Save WordPress settings' }).click();
      await expect(page.getByText('Saved.', { exact: true })).toBeVisible();
      await expect(wordpress.getByText('Connected', { exact: true })).toBeVisible();
      await expect(password).toHaveValue('');
      await expect(password).toHaveAttribute('placeholder', 'Saved: leave empty to keep it');

      await page.reload();
      await expect(wordpress.getByText('Connected', { exact: true })).toBeVisible();
      await expect(url).toHaveValue('https://wp.greenthumb.example');
      await expect(wordpress.getByLabel('Username')).toHaveValue('publisher');
      await expect(password).toHaveValue('');
      await expect(
        wordpress.getByText('A password is saved (it is never shown). Type a new one to replace it.'),
      ).toBeVisible();
      const saved = await apiCall<{ password_set: boolean; configured: boolean }>(
        request,
        team.token,
        'GET',
        `/api/v1/publisher/sites/${team.siteId}/wordpress/`,
      );
      expect(saved).toMatchObject({ password_set: true, configured: true });

      // On a phone the section fits the screen.
      await page.setViewportSize({ width: 390, height: 844 });
      await expect(wordpress.getByRole('button', { name: 'Test connection' })).toBeVisible();
      expect(await hasHorizontalScroll(page)).toBe(false);
      await wordpress.screenshot({ path: '/tmp/igny8-wordpress-phone.png' });
    },
  );
});
