import { expect, test, type APIRequestContext, type Browser, type BrowserContext, type Page } from '@playwright/test';
import {
  apiCall,
  apiToken,
  createSiteViaApi,
  hasHorizontalScroll,
  inviteInto,
  registerInBrowser,
  uniquePerson,
} from './helpers';

/**
 * The Linker in the browser (issue 11, scope item 5), against a real WordPress that publishes the
 * link targets (tests/e2e/global-setup.ts): two people have the same draft open; the owner finds
 * links in the Links tab and accepts one while the editor types in the same paragraph — the link
 * lands on the suggested words in both editors or the suggestion turns stale, and the paragraph
 * keeps every character either way. Words edited before an accept make it stale. The Linker page
 * shows the published pages nothing links to and the draft's broken link, runs inbound linking for
 * an orphan, and keeps its settings; a viewer reads it all on a phone and can change nothing.
 */

const wordpress = {
  url: process.env.E2E_WP_URL ?? '',
  user: process.env.E2E_WP_USER ?? '',
  password: process.env.E2E_WP_APP_PASSWORD ?? '',
};

const TARGETS = {
  starter: {
    title: 'Sourdough starter',
    slug: 'sourdough-starter',
    html: '<p>A sourdough starter is flour and water fermenting. Feed the sourdough starter every day.</p>',
  },
  flour: {
    title: 'Whole wheat flour',
    slug: 'whole-wheat-flour',
    html: '<p>Whole wheat flour keeps the bran of the grain. Whole wheat flour absorbs more water.</p>',
  },
};
const FIRST = 'Baking at home starts with a lively sourdough starter and patience.';
const SECOND = 'Some bakers mix whole wheat flour into every dough they make.';
const BROKEN_HREF = '/no-such-loaf/';
const DRAFT = {
  title: 'Baking at home',
  html:
    `<p>${FIRST}</p><p>${SECOND}</p>` +
    `<p>Our <a href="${BROKEN_HREF}">old loaf guide</a> moved to a new home this spring.</p>` +
    // Long enough for three links (one per 250 words): the broken one, and one to each target.
    `<p>${'Bread rewards practice, and every loaf teaches something new about dough. '.repeat(64)}</p>`,
};

type Team = Awaited<ReturnType<typeof setUp>>;

async function setUp(browser: Browser, baseURL: string, request: APIRequestContext) {
  expect(process.env.E2E_WP_ERROR ?? '', 'WordPress must be running to publish the link targets').toBe('');
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
    name: 'Crumb and Crust',
    domain: 'crumb.example',
  });
  const sector = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/auth/sectors/', {
    site_id: site.id,
    name: 'Home Baking',
  });
  await apiCall(request, token, 'PUT', `/api/v1/publisher/sites/${site.id}/wordpress/`, {
    wp_url: wordpress.url,
    wp_username: wordpress.user,
    wp_app_password: wordpress.password,
  });
  const article = async (title: string, slug: string, html: string) => {
    const { id } = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/writer/content/', {
      site_id: site.id,
      sector_id: sector.id,
      title,
    });
    await apiCall(request, token, 'PATCH', `/api/v1/writer/content/${id}/`, {
      slug,
      primary_keyword: title.toLowerCase(),
    });
    await apiCall(request, token, 'PUT', `/api/v1/_test/draft-rooms/${id}/html`, { html });
    return id;
  };
  // The targets are live pages of the site: published to its WordPress.
  const targets: Record<keyof typeof TARGETS, { id: number; url: string }> = {} as never;
  for (const [key, t] of Object.entries(TARGETS) as [keyof typeof TARGETS, (typeof TARGETS)['starter']][]) {
    const id = await article(t.title, t.slug, t.html);
    await apiCall(request, token, 'POST', `/api/v1/publisher/content/${id}/publish/`, { status: 'publish' });
    const row = await apiCall<{ status: string; wp_post_url: string }>(
      request,
      token,
      'GET',
      `/api/v1/writer/content/${id}/`,
    );
    expect(row.status).toBe('published');
    targets[key] = { id, url: row.wp_post_url };
  }
  const draftId = await article(DRAFT.title, 'baking-at-home', DRAFT.html);
  await inviteInto(ctx.editor, request, token, uniquePerson('editor'), 'editor', [site.id]);
  await inviteInto(ctx.viewer, request, token, uniquePerson('viewer'), 'viewer', [site.id]);
  return { ctx, token, siteId: site.id, draftId, targets, url: `/writer/content/${draftId}` };
}

const draftEditor = (page: Page) => page.getByTestId('draft-editor');
const paragraph = (page: Page, n: number) => draftEditor(page).locator('p').nth(n);
/** A paragraph's text as written: without the co-editors' carets and name labels drawn into it. */
const textOf = (page: Page, n: number) =>
  paragraph(page, n).evaluate((p) => {
    const copy = p.cloneNode(true) as HTMLElement;
    for (const widget of copy.querySelectorAll('.collaboration-carets__caret, .collaboration-carets__label'))
      widget.remove();
    return copy.textContent;
  });
const linksPanel = (page: Page) => page.getByTestId('links-panel');
const suggested = (page: Page, anchor: string) =>
  linksPanel(page).getByRole('list', { name: 'Suggested links' }).getByRole('listitem').filter({ hasText: anchor });
const decided = (page: Page, anchor: string) =>
  linksPanel(page).getByRole('list', { name: 'Decided suggestions' }).getByRole('listitem').filter({ hasText: anchor });

/** Opens the draft with its Links tab showing (a tab when the editor groups its panels in tabs). */
async function openDraft(context: BrowserContext, url: string) {
  const page = await context.newPage();
  await page.goto(url);
  await expect(paragraph(page, 0)).toContainText('Baking at home starts');
  const tab = page.getByRole('tab', { name: 'Links' });
  if (await tab.count()) await tab.click();
  await expect(linksPanel(page)).toBeVisible();
  return page;
}

/** Puts the caret `offset` characters into the paragraph, the way a person would with the arrow keys. */
async function caretAt(page: Page, n: number, offset: number) {
  await paragraph(page, n).click();
  await page.keyboard.press('Home');
  for (let i = 0; i < offset; i++) await page.keyboard.press('ArrowRight');
}

type Suggestion = { id: number; anchor_text: string; status: string; target_url: string };
const suggestionsOf = (request: APIRequestContext, team: Team) =>
  apiCall<Suggestion[]>(request, team.token, 'GET', `/api/v1/linker/suggestions/?content_id=${team.draftId}`);

test.describe('the Linker', () => {
  let contexts: BrowserContext[] = [];
  test.afterEach(async () => {
    for (const c of contexts) await c.close();
    contexts = [];
  });

  test('a link accepted while a co-editor types in its paragraph lands on its words for both, or turns stale', async ({
    browser,
    baseURL,
    request,
  }) => {
    test.setTimeout(180_000);
    const team = await setUp(browser, baseURL!, request);
    contexts = Object.values(team.ctx);
    const owner = await openDraft(team.ctx.owner, team.url);
    const editor = await openDraft(team.ctx.editor, team.url);

    // The owner asks for links; both see the suggestions when the job has stored them.
    await linksPanel(owner).getByRole('button', { name: 'Find links' }).click();
    for (const page of [owner, editor]) {
      await expect(suggested(page, 'sourdough starter')).toBeVisible({ timeout: 60_000 });
      await expect(suggested(page, 'sourdough starter')).toContainText(TARGETS.starter.title);
      await expect(suggested(page, 'whole wheat flour')).toBeVisible();
    }
    // Only live pages, on their own words: never the article's own keyword, never the draft itself.
    const anchors = (await suggestionsOf(request, team)).map((s) => [s.anchor_text, s.target_url]);
    expect(anchors.sort()).toEqual([
      ['sourdough starter', team.targets.starter.url],
      ['whole wheat flour', team.targets.flour.url],
    ]);

    // The editor types "very " before "lively" while the owner accepts the link on "sourdough starter".
    await caretAt(editor, 0, 'Baking at home starts with a '.length);
    await Promise.all([
      editor.keyboard.type('very ', { delay: 40 }),
      suggested(owner, 'sourdough starter').getByRole('button', { name: 'Accept' }).click(),
    ]);
    const edited = 'Baking at home starts with a very lively sourdough starter and patience.';
    for (const page of [owner, editor]) await expect.poll(() => textOf(page, 0)).toBe(edited);

    await expect
      .poll(async () => (await suggestionsOf(request, team)).find((s) => s.anchor_text === 'sourdough starter')?.status)
      .not.toBe('pending');
    const outcome = (await suggestionsOf(request, team)).find((s) => s.anchor_text === 'sourdough starter')!;
    test.info().annotations.push({ type: 'concurrent accept', description: outcome.status });
    const link = (page: Page) => paragraph(page, 0).locator(`a[href="${team.targets.starter.url}"]`);
    if (outcome.status === 'accepted') {
      for (const page of [owner, editor]) {
        await expect(link(page)).toHaveText('sourdough starter');
        // The co-editor's Links tab sees the words linked and drops the suggestion from the waiting list.
        await expect(suggested(page, 'sourdough starter')).toHaveCount(0);
      }
      await linksPanel(owner)
        .getByText(/^Decided/)
        .click();
      await expect(decided(owner, 'sourdough starter')).toHaveAttribute('data-status', 'accepted');
    } else {
      expect(outcome.status).toBe('stale');
      for (const page of [owner, editor]) await expect(link(page)).toHaveCount(0);
      await linksPanel(owner)
        .getByText(/^Decided/)
        .click();
      await expect(decided(owner, 'sourdough starter')).toHaveAttribute('data-status', 'stale');
    }

    // Words edited before the accept: the link is not put anywhere, and the suggestion says stale.
    await caretAt(editor, 1, 'Some bakers mix whole wheat'.length);
    await editor.keyboard.type(' stone-ground', { delay: 20 });
    const changed = 'Some bakers mix whole wheat stone-ground flour into every dough they make.';
    await expect.poll(() => textOf(owner, 1)).toBe(changed);
    await suggested(owner, 'whole wheat flour').getByRole('button', { name: 'Accept' }).click();
    await expect(decided(owner, 'whole wheat flour')).toHaveAttribute('data-status', 'stale');
    await expect(decided(owner, 'whole wheat flour')).toContainText('Stale');
    for (const page of [owner, editor]) {
      await expect.poll(() => textOf(page, 1)).toBe(changed);
      await expect(paragraph(page, 1).locator('a')).toHaveCount(0);
    }

    // A viewer sees what was decided, and has nothing to accept, reject or run.
    const viewer = await openDraft(team.ctx.viewer, team.url);
    await linksPanel(viewer)
      .getByText(/^Decided/)
      .click();
    await expect(decided(viewer, 'whole wheat flour')).toHaveAttribute('data-status', 'stale');
    await expect(linksPanel(viewer).getByRole('button')).toHaveCount(0);
  });

  test('the Linker page shows orphan pages and broken links, links an orphan, keeps its settings', async ({
    browser,
    baseURL,
    request,
  }) => {
    test.setTimeout(180_000);
    const team = await setUp(browser, baseURL!, request);
    contexts = Object.values(team.ctx);
    const page = await team.ctx.owner.newPage();
    await page.goto('/linker');
    await expect(page.getByRole('heading', { name: 'Linker', level: 1 })).toBeVisible();

    // Both published targets are orphans (the draft is no page yet, and nothing else links to them).
    const orphans = page.getByTestId('orphan-pages').getByRole('row');
    await expect(orphans.filter({ hasText: TARGETS.starter.title })).toBeVisible();
    await expect(orphans.filter({ hasText: TARGETS.flour.title })).toBeVisible();
    // The draft's link to a page the site doesn't have.
    const broken = page.getByTestId('broken-links').getByRole('row').filter({ hasText: BROKEN_HREF });
    await expect(broken).toContainText(DRAFT.title);
    await expect(broken).toContainText('No such page on this site');

    // "Find links to it" runs inbound linking for that page as a job the jobs panel follows live.
    // (Publishing the targets may have run inbound linking already: only the new job counts.)
    const linkingJobs = async () =>
      (
        await apiCall<{ id: string; function: string; status: string }[]>(
          request,
          team.token,
          'GET',
          `/api/v1/system/jobs/?site_id=${team.siteId}`,
        )
      ).filter((j) => j.function === 'link_content');
    const before = new Set((await linkingJobs()).map((j) => j.id));
    await page.getByRole('button', { name: `Find links to ${TARGETS.starter.title}` }).click();
    const jobs = page.getByRole('region', { name: 'AI jobs' });
    await expect(jobs.getByRole('listitem').filter({ hasText: 'Internal linking' }).first()).toBeVisible();
    await expect
      .poll(async () => (await linkingJobs()).filter((j) => !before.has(j.id)).map((j) => j.status))
      .toEqual(['succeeded']);

    // Batch linking over the site's drafts: progress in place, and the draft's Links tab gets the suggestions.
    const batch = page.getByTestId('batch-linking');
    await expect(batch.getByRole('radio', { name: 'All drafts of this site (1)' })).toBeChecked();
    await batch.getByRole('radio', { name: /Articles I choose/ }).check();
    const choices = batch.getByRole('list', { name: 'Articles to link' });
    await expect(choices.getByRole('checkbox')).toHaveCount(3);
    await choices.getByRole('checkbox', { name: DRAFT.title }).check();
    await expect(batch.getByRole('radio', { name: 'Articles I choose (1 chosen)' })).toBeChecked();
    await batch.getByRole('button', { name: 'Start linking' }).click();
    const progress = batch.getByRole('group', { name: 'Linking progress' });
    await expect(progress).toContainText('Internal linking');
    await expect(progress).toContainText('Done', { timeout: 60_000 });
    await expect(progress).toContainText('2 link suggestions for 1 article');
    const found = await apiCall<{ anchor_text: string; status: string }[]>(
      request,
      team.token,
      'GET',
      `/api/v1/linker/suggestions/?content_id=${team.draftId}`,
    );
    expect(found.map((s) => `${s.anchor_text}:${s.status}`).sort()).toEqual([
      'sourdough starter:pending',
      'whole wheat flour:pending',
    ]);

    // Settings: a writer changes them, and they stay changed.
    const settings = page.getByTestId('linker-settings');
    await settings.getByRole('spinbutton', { name: 'Most links per article' }).fill('4');
    await settings.getByRole('checkbox', { name: /Suggest inbound links on publish/ }).uncheck();
    await settings.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText('Linking settings saved.')).toBeVisible();
    await page.reload();
    await expect(settings.getByRole('spinbutton', { name: 'Most links per article' })).toHaveValue('4');
    await expect(settings.getByRole('checkbox', { name: /Suggest inbound links on publish/ })).not.toBeChecked();

    // The broken link's article opens in the editor.
    await page.getByTestId('broken-links').getByRole('link', { name: DRAFT.title }).click();
    await expect(page).toHaveURL(new RegExp(`/writer/content/${team.draftId}$`));

    // A viewer reads the report and the settings on a phone, and has nothing to run or change.
    const viewer = await team.ctx.viewer.newPage();
    await viewer.setViewportSize({ width: 390, height: 844 });
    await viewer.goto('/linker');
    await expect(viewer.getByTestId('broken-links').getByText(BROKEN_HREF)).toBeVisible();
    await expect(viewer.getByRole('button', { name: /Find links to/ })).toHaveCount(0);
    await expect(viewer.getByRole('button', { name: 'Start linking' })).toHaveCount(0);
    await expect(viewer.getByRole('spinbutton', { name: 'Most links per article' })).toBeDisabled();
    await expect(viewer.getByRole('spinbutton', { name: 'Most links per article' })).toHaveValue('4');
    expect(await hasHorizontalScroll(viewer)).toBe(false);
  });

  test('the cluster map reads as a table on a desk and as one card per cluster on a phone', async ({
    browser,
    baseURL,
    request,
  }) => {
    // Clusters come from the planner and AI-written articles; the report's rows are the server's
    // to compute (tests/api/linker.test.ts). Here the page renders a report with two clusters.
    const owner = uniquePerson('owner');
    const context = await browser.newContext({ baseURL });
    contexts = [context];
    const page = await context.newPage();
    await registerInBrowser(page, owner);
    await createSiteViaApi(request, owner, 'Crumb and Crust');
    const article = (id: number, title: string) => ({
      page_id: id,
      kind: 'content',
      ref_id: id,
      url: `/${title.toLowerCase().replaceAll(' ', '-')}/`,
      title,
      status: 'published',
      cluster_id: 7,
      inbound_count: 1,
      outbound_count: 1,
    });
    const clusters = [
      {
        cluster_id: 7,
        cluster_name: 'sourdough baking',
        hub: article(101, 'Sourdough baking'),
        spokes: [article(102, 'Sourdough starter'), article(103, 'Rye sourdough')],
        hub_to_spoke: 2,
        spoke_to_hub: 1,
        spokes_not_linking_hub: [article(103, 'Rye sourdough')],
      },
      {
        cluster_id: 8,
        cluster_name: 'bread flour',
        hub: null,
        spokes: [article(104, 'Whole wheat flour')],
        hub_to_spoke: 0,
        spoke_to_hub: 0,
        spokes_not_linking_hub: [],
      },
    ];
    await page.route('**/api/v1/linker/report/**', async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      await route.fulfill({ response, json: { ...body, data: { ...body.data, clusters } } });
    });
    await page.goto('/linker');
    const map = page.getByTestId('cluster-map').getByRole('table');
    const sourdough = map.getByRole('row', { name: /sourdough baking/ });
    await expect(sourdough.getByRole('cell')).toHaveText([
      'Sourdough baking',
      '2',
      '2 of 2',
      '1 of 2',
      'Rye sourdough',
    ]);
    await expect(sourdough.getByRole('link', { name: 'Rye sourdough' })).toHaveAttribute('href', '/writer/content/103');
    await expect(map.getByRole('row', { name: /bread flour/ })).toContainText('No hub');
    await expect(page.getByTestId('kpi').filter({ hasText: 'Spokes without a hub link' })).toContainText('1');

    // On a phone: nothing scrolls sideways, the column names move into each cell, the table stays a table.
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await hasHorizontalScroll(page)).toBe(false);
    await expect(map.getByRole('columnheader', { name: 'Hub → spokes' })).toHaveCount(1);
    const cell = sourdough.getByRole('cell').nth(2);
    await expect(cell).toHaveAttribute('data-label', 'Hub → spokes');
    expect(await cell.evaluate((td) => getComputedStyle(td).display)).toBe('block');
    const box = await cell.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
  });
});
