import { expect, test, type Page } from '@playwright/test';
import { apiCall, apiToken, hasHorizontalScroll, inviteInto, uniquePerson } from './helpers';

/**
 * Grow → Optimizer (issue 11, scope item 4): the site's articles ranked by content score, lowest
 * first, with the check that costs each most; filtered by band on the server; "Score now" scores a
 * selection; a viewer reads the ranking but has nothing to run. Works on a phone.
 */

const ARTICLES = {
  thin: { title: 'Mulch basics', html: '<p>Mulch.</p>' },
  good: {
    title: 'How to mulch a vegetable garden',
    html:
      '<p>Mulching a vegetable garden keeps the soil moist, feeds it as the mulch breaks down and keeps weeds ' +
      'from taking over the beds in summer.</p><h2>Why mulch a vegetable garden</h2>' +
      '<p>A layer of straw or leaves shades the soil. Water stays where the roots can reach it. Worms and fungi ' +
      'turn the bottom of the layer into food for the plants.</p><h2>When to mulch</h2><p>Spread it once the ' +
      'soil has warmed in spring, and top it up after heavy rain.</p>',
  },
};

const tableRows = (page: Page) => page.getByRole('main').getByRole('table').getByRole('row');

test('the Optimizer ranks a site’s articles by score and scores a selection on demand', async ({
  browser,
  baseURL,
  request,
}) => {
  const owner = uniquePerson('owner');
  const context = await browser.newContext({ baseURL });
  const viewerContext = await browser.newContext({ baseURL });
  try {
    const registered = await context.request.post('/api/v1/auth/register/', {
      data: { email: owner.email, password: owner.password, name: owner.name, account_name: owner.account },
      headers: { origin: baseURL! },
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
    for (const article of Object.values(ARTICLES)) {
      const { id } = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/writer/content/', {
        site_id: site.id,
        sector_id: sector.id,
        title: article.title,
      });
      await apiCall(request, token, 'PATCH', `/api/v1/writer/content/${id}/`, { primary_keyword: 'mulch' });
      await apiCall(request, token, 'PUT', `/api/v1/_test/draft-rooms/${id}/html`, { html: article.html });
      ids.push(id);
    }
    await apiCall(request, token, 'POST', '/api/v1/writer/content/', {
      site_id: site.id,
      sector_id: sector.id,
      title: 'Compost tea',
    });
    const scored = await apiCall<{ content_id: number; score: number }[]>(
      request,
      token,
      'POST',
      '/api/v1/optimizer/analyze/',
      { content_ids: ids },
    );
    const [thin, good] = scored.map((s) => s.score);
    expect(good!).toBeGreaterThan(thin!);

    const page = await context.newPage();
    await page.goto('/optimizer');
    await expect(page.getByRole('heading', { name: 'Optimizer', level: 1 })).toBeVisible();
    // Lowest first; the article never scored goes first of all (nothing to rank it by yet).
    await expect(tableRows(page).nth(1)).toContainText('Compost tea');
    await expect(tableRows(page).nth(1)).toContainText('Not scored');
    await expect(tableRows(page).nth(2)).toContainText(ARTICLES.thin.title);
    await expect(tableRows(page).nth(2)).toContainText(`${thin}`);
    await expect(tableRows(page).nth(3)).toContainText(ARTICLES.good.title);

    // The band filter runs on the server: only the unscored article is left.
    const filtered = page.waitForRequest((r) => new URL(r.url()).searchParams.get('band') === 'unscored');
    await page.getByRole('combobox', { name: 'Band' }).selectOption('unscored');
    await filtered;
    await expect(tableRows(page)).toHaveCount(2);
    await page.getByRole('checkbox', { name: 'Select Compost tea' }).check();
    await page.getByRole('region', { name: 'Bulk actions' }).getByRole('button', { name: 'Score now' }).click();
    await expect(page.getByText('Scored 1 article.')).toBeVisible();
    // Scored now, it leaves the "unscored" filter.
    await expect(page.getByText('No articles match')).toBeVisible();
    // A viewer sees the ranking and has nothing to run; on a phone the page does not scroll sideways.
    await inviteInto(viewerContext, request, token, uniquePerson('viewer'), 'viewer', [site.id]);
    const viewer = await viewerContext.newPage();
    await viewer.setViewportSize({ width: 390, height: 844 });
    await viewer.goto('/optimizer');
    await expect(viewer.getByText(ARTICLES.good.title)).toBeVisible();
    await expect(viewer.getByRole('checkbox', { name: `Select ${ARTICLES.good.title}` })).toHaveCount(0);
    expect(await hasHorizontalScroll(viewer)).toBe(false);
  } finally {
    await context.close();
    await viewerContext.close();
  }
});
