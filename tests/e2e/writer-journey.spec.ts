import { expect, test, type APIRequestContext, type BrowserContext, type Page } from '@playwright/test';
import { apiCall, apiToken, E2E_ORIGIN, inviteInto, uniquePerson } from './helpers';

/**
 * The Writer journey of issue 3/3, in two browsers and a real WordPress (tests/e2e/global-setup.ts):
 * an editor starts content generation from the Tasks page; the owner opens the draft while the AI
 * is still writing it, watches the sections arrive and types into it at the same time; both see
 * the same text, cursors and names; images go into the draft; the editor moves it to review; the
 * owner publishes it and the test reads the post back through WordPress's own REST API, then
 * publishes again and finds the same post updated, not a second one.
 */

const OUTLINE = [
  { h2: 'Choosing the right pot', coverage: 'size, material, drainage' },
  { h2: 'Soil and compost mix', coverage: 'peat-free mixes, perlite' },
  { h2: 'Planting and spacing', coverage: 'depth, support stakes' },
  { h2: 'Watering and feeding', coverage: 'schedule, tomato feed' },
  { h2: 'Pests and problems', coverage: 'blight, blossom end rot' },
  { h2: 'Harvesting', coverage: 'when and how to pick' },
];
const TITLE = 'How to grow tomatoes in containers';
const OWNER_NOTE = 'Owner note typed while the AI was writing.';

const wordpress = {
  url: process.env.E2E_WP_URL ?? '',
  auth: `Basic ${Buffer.from(`${process.env.E2E_WP_USER}:${process.env.E2E_WP_APP_PASSWORD}`).toString('base64')}`,
};

/** A post as WordPress itself reports it (context=edit: raw fields and meta). */
async function wordpressPost(request: APIRequestContext, id: number) {
  const res = await request.get(`${wordpress.url}/wp-json/wp/v2/posts/${id}?context=edit`, {
    headers: { authorization: wordpress.auth },
  });
  expect(res.status()).toBe(200);
  return (await res.json()) as {
    id: number;
    status: string;
    title: { raw: string };
    content: { raw: string };
    excerpt: { raw: string };
    featured_media: number;
    categories: number[];
    tags: number[];
    meta: Record<string, unknown>;
  };
}

async function setUp(
  request: APIRequestContext,
  owner: ReturnType<typeof uniquePerson>,
  ownerContext: BrowserContext,
  editorContext: BrowserContext,
) {
  const headers = { origin: E2E_ORIGIN };
  const registered = await ownerContext.request.post('/api/v1/auth/register/', {
    data: { email: owner.email, password: owner.password, name: owner.name, account_name: owner.account },
    headers,
  });
  expect(registered.status()).toBe(201);
  const token = await apiToken(request, owner);
  const site = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/auth/sites/', {
    name: 'Patio Harvest',
    domain: 'patio-harvest.example',
  });
  const sector = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/auth/sectors/', {
    site_id: site.id,
    name: 'Container Gardening',
  });
  await apiCall(request, token, 'PUT', `/api/v1/publisher/sites/${site.id}/wordpress/`, {
    wp_url: wordpress.url,
    wp_username: process.env.E2E_WP_USER,
    wp_app_password: process.env.E2E_WP_APP_PASSWORD,
  });
  const idea = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/planner/ideas/', {
    site_id: site.id,
    sector_id: sector.id,
    idea_title: TITLE,
    target_keywords: ['grow tomatoes in containers', 'container tomatoes'],
    outline: OUTLINE,
  });
  await apiCall(request, token, 'POST', '/api/v1/writer/tasks/bulk_create_from_ideas/', { ids: [idea.id] });

  const editor = uniquePerson('editor');
  await inviteInto(editorContext, request, token, editor, 'editor', [site.id]);
  return { token, editor, siteId: site.id };
}

const draftEditor = (page: Page) => page.getByTestId('draft-editor');
/**
 * The images of the draft. ProseMirror adds an empty `img.ProseMirror-separator` where a textblock
 * ends in a widget (a teammate's caret at the end of a paragraph): not an image of the article.
 */
const draftImages = (page: Page) => draftEditor(page).locator('img:not(.ProseMirror-separator)');
const headingsIn = (page: Page) => draftEditor(page).locator('h2');

test.describe('writer journey', () => {
  let contexts: BrowserContext[] = [];
  test.afterEach(async () => {
    for (const c of contexts) await c.close();
    contexts = [];
  });

  test(
    'generate into a draft two people edit live, add images, ' + 'review, publish to WordPress and update it in place',
    async ({ browser, baseURL, request }) => {
      test.setTimeout(240_000);
      expect(process.env.E2E_WP_ERROR ?? '', 'WordPress must be running for this journey').toBe('');
      const owner = uniquePerson('owner');
      const ownerContext = await browser.newContext({ baseURL });
      const editorContext = await browser.newContext({ baseURL });
      contexts = [ownerContext, editorContext];
      const { token, editor } = await setUp(request, owner, ownerContext, editorContext);

      // The editor starts generation from the Tasks page.
      const editorPage = await editorContext.newPage();
      await editorPage.goto('/writer/tasks');
      await editorPage.getByRole('checkbox', { name: `Select ${TITLE}` }).check();
      await editorPage
        .getByRole('region', { name: 'Bulk actions' })
        .getByRole('button', { name: 'Generate content' })
        .click();
      const confirm = editorPage.getByRole('dialog');
      if (await confirm.isVisible().catch(() => false)) await confirm.getByRole('button', { name: /Generate/ }).click();

      // The draft exists as soon as the job is accepted; the owner opens it while the AI writes.
      let contentId = 0;
      await expect
        .poll(async () => {
          const res = await request.get(`/api/v1/writer/content/?search=${encodeURIComponent(TITLE)}`, {
            headers: { authorization: `Bearer ${token}` },
          });
          contentId = (await res.json()).results?.[0]?.id ?? 0;
          return contentId;
        })
        .toBeGreaterThan(0);
      const ownerPage = await ownerContext.newPage();
      await ownerPage.goto(`/writer/content/${contentId}`);
      await expect(draftEditor(ownerPage)).toHaveAttribute('contenteditable', 'true');

      // Sections arrive one by one: the owner sees some but not all of them, then all of them.
      await expect.poll(() => headingsIn(ownerPage).count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
      expect(await headingsIn(ownerPage).count()).toBeLessThan(OUTLINE.length);

      // The owner types at the top while the rest is still being written.
      await draftEditor(ownerPage).click();
      await ownerPage.keyboard.press('ControlOrMeta+Home');
      await ownerPage.keyboard.press('Enter');
      await ownerPage.keyboard.press('ArrowUp');
      await ownerPage.keyboard.type(OWNER_NOTE);

      // The editor joins the same draft and sees the owner's words, name and the generated sections.
      await editorPage.goto(`/writer/content/${contentId}`);
      await expect(draftEditor(editorPage)).toContainText(OWNER_NOTE);
      await expect(editorPage.getByTestId('presence').locator(`[data-name="${owner.name}"]`)).toBeVisible();
      await expect(headingsIn(editorPage)).toHaveCount(OUTLINE.length, { timeout: 90_000 });
      for (const section of OUTLINE)
        await expect(headingsIn(editorPage).filter({ hasText: section.h2 })).toHaveCount(1);
      await expect(headingsIn(ownerPage)).toHaveCount(OUTLINE.length);
      // Nothing the owner typed was lost to the AI's writes.
      await expect(draftEditor(ownerPage)).toContainText(OWNER_NOTE);

      // Both keep typing; each sees the other's words and caret name.
      await draftEditor(editorPage).click();
      await editorPage.keyboard.press('ControlOrMeta+End');
      await editorPage.keyboard.type(' Editor closing line.');
      await expect(draftEditor(ownerPage)).toContainText('Editor closing line.');
      await expect(ownerPage.locator('.collaboration-carets__label', { hasText: editor.name })).toBeVisible();
      await expect(editorPage.getByTestId('word-count')).toHaveText(/^[\d,]+ words$/);

      // Images: prompts from the article, then the images (the featured one and in-article ones).
      await apiCall(request, token, 'POST', '/api/v1/writer/images/generate_prompts/', { ids: [contentId] });
      let imageIds: number[] = [];
      await expect
        .poll(
          async () => {
            const res = await request.get(`/api/v1/writer/images/?content_id=${contentId}`, {
              headers: { authorization: `Bearer ${token}` },
            });
            imageIds = ((await res.json()).results ?? []).map((i: { id: number }) => i.id);
            return imageIds.length;
          },
          { timeout: 60_000 },
        )
        .toBeGreaterThan(1);
      await apiCall(request, token, 'POST', '/api/v1/writer/images/generate/', { ids: imageIds });
      await expect
        .poll(
          async () => {
            const res = await request.get(`/api/v1/writer/images/?content_id=${contentId}`, {
              headers: { authorization: `Bearer ${token}` },
            });
            return ((await res.json()).results ?? []).filter((i: { status: string }) => i.status === 'generated')
              .length;
          },
          { timeout: 90_000 },
        )
        .toBe(imageIds.length);

      // The in-article images appear in both open drafts, and their files load there.
      const inArticle = imageIds.length - 1; // all but the featured image
      await expect(draftImages(editorPage)).toHaveCount(inArticle, { timeout: 30_000 });
      await expect(draftImages(ownerPage)).toHaveCount(inArticle);
      await expect
        .poll(() =>
          draftImages(ownerPage)
            .first()
            .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth),
        )
        .toBeGreaterThan(0);

      // The owner inserts one more of the article's images from the toolbar's picker, at the top.
      await draftEditor(ownerPage).getByText(OWNER_NOTE).click();
      await ownerPage.keyboard.press('End');
      await ownerPage.getByRole('toolbar', { name: 'Formatting' }).getByRole('button', { name: 'Image' }).click();
      const picker = ownerPage.getByRole('dialog', { name: 'Insert an image' });
      await picker.getByRole('list', { name: "This article's images" }).getByRole('button').first().click();
      // The image's own alt text is offered (and required) before it goes in.
      await picker.getByRole('button', { name: 'Insert at the cursor' }).click();
      await expect(picker).toBeHidden();
      await expect(draftImages(editorPage)).toHaveCount(inArticle + 1);

      // The editor moves it to review.
      await editorPage.getByRole('button', { name: 'Move to review' }).click();
      await expect(editorPage.getByTestId('content-status')).toHaveText('Review');
      await expect(ownerPage.getByTestId('content-status')).toHaveText('Review');

      // The owner publishes; the post WordPress holds has the article, the edits, the images and terms.
      await ownerPage.getByRole('button', { name: 'Publish to WordPress' }).click();
      await expect(ownerPage.getByTestId('content-status')).toHaveText('Published', { timeout: 60_000 });
      const link = ownerPage.getByTestId('wp-post-link');
      await expect(link).toBeVisible();
      const published = await apiCall<{ wp_post_id: number; wp_post_url: string }>(
        request,
        token,
        'GET',
        `/api/v1/writer/content/${contentId}/`,
      );
      expect(published.wp_post_id).toBeGreaterThan(0);
      await expect(link).toHaveAttribute('href', published.wp_post_url);

      const post = await wordpressPost(request, published.wp_post_id);
      expect(post.status).toBe('publish');
      expect(post.title.raw).toBe(TITLE);
      expect(post.content.raw).toContain(OWNER_NOTE);
      expect(post.content.raw).toContain('Editor closing line.');
      for (const section of OUTLINE) expect(post.content.raw).toContain(section.h2);
      expect(post.featured_media).toBeGreaterThan(0);
      expect(post.content.raw).toContain(`${wordpress.url}/wp-content/uploads/`);
      expect(post.content.raw).not.toContain('/media/accounts/');
      expect(post.excerpt.raw.length).toBeGreaterThan(0);
      expect(post.categories.length + post.tags.length).toBeGreaterThan(0);

      // An edit, then publishing again: the same post is updated, not a second one made.
      // (At the end of the owner's note: the draft may now end with an image, which typing would replace.)
      await draftEditor(ownerPage).getByText(OWNER_NOTE).click();
      await ownerPage.keyboard.press('End');
      await ownerPage.keyboard.type(' Updated after publishing.');
      await ownerPage.getByRole('button', { name: 'Update the live post' }).click();
      await expect
        .poll(async () => (await wordpressPost(request, published.wp_post_id)).content.raw, { timeout: 60_000 })
        .toContain('Updated after publishing.');
      const again = await apiCall<{ wp_post_id: number }>(
        request,
        token,
        'GET',
        `/api/v1/writer/content/${contentId}/`,
      );
      expect(again.wp_post_id).toBe(published.wp_post_id);
      // The panel lists both attempts, newest first.
      await expect(ownerPage.getByTestId('publishing-history').getByRole('listitem')).toHaveCount(2);
      await expect(ownerPage.getByTestId('publishing-history').getByRole('listitem').first()).toContainText(
        'Published',
      );
      const records = await request.get(`/api/v1/publisher/records/?content_id=${contentId}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect((await records.json()).count).toBe(2);
    },
  );
});
