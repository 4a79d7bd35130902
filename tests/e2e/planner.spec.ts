import {
  expect,
  test,
  type APIRequestContext,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from '@playwright/test';
import { apiCall, apiToken, inviteInto, uniquePerson } from './helpers';

/**
 * The planner with two people on one site, in two browsers: the owner imports a CSV and starts
 * Auto cluster; an editor who already has the clusters page open watches the job's phase and
 * percentage move and the clusters appear, without reloading. Then ideas with outlines, writer
 * tasks, and the owner's billing: the balance went down by exactly what the jobs were charged.
 * The e2e server's dev model answers with 700 ms latency, so progress is observable; nothing
 * here asserts timings.
 */

/** [keyword, monthly volume, difficulty, intent]: a vegetable-gardening sector. */
const GARDEN_KEYWORDS: [string, number, number, string][] = [
  ['how to grow tomatoes', 22000, 38, 'informational'],
  ['growing tomatoes in pots', 8100, 29, 'informational'],
  ['best tomato varieties', 6600, 41, 'commercial'],
  ['when to plant tomatoes', 14800, 33, 'informational'],
  ['tomato plant diseases', 5400, 35, 'informational'],
  ['cherry tomato plants', 4400, 27, 'commercial'],
  ['raised garden bed ideas', 12100, 44, 'informational'],
  ['how to build a raised garden bed', 9900, 39, 'informational'],
  ['raised bed soil mix', 3600, 31, 'informational'],
  ['cedar raised garden beds', 2900, 36, 'transactional'],
  ['metal raised garden beds', 5400, 40, 'commercial'],
  ['raised bed vegetable layout', 1900, 22, 'informational'],
  ['how to start composting', 6600, 30, 'informational'],
  ['compost bin for kitchen scraps', 4400, 34, 'commercial'],
  ['what can you compost', 8100, 25, 'informational'],
  ['compost tumbler reviews', 2400, 37, 'commercial'],
  ['homemade compost tea', 1600, 21, 'informational'],
  ['vermicomposting worms', 2900, 28, 'informational'],
  ['natural pest control for vegetable gardens', 3600, 42, 'informational'],
  ['how to get rid of aphids', 18100, 45, 'informational'],
  ['neem oil for plants', 9900, 33, 'commercial'],
  ['companion planting chart', 12100, 36, 'informational'],
  ['slugs in the vegetable garden', 2400, 26, 'informational'],
  ['organic insecticide for vegetables', 1900, 39, 'transactional'],
  ['growing herbs indoors', 9900, 37, 'informational'],
  ['easy herbs to grow', 5400, 24, 'informational'],
  ['how to grow basil', 12100, 31, 'informational'],
  ['herb garden planter box', 2900, 35, 'transactional'],
  ['drying fresh herbs', 3600, 23, 'informational'],
  ['growing mint in pots', 2400, 20, 'informational'],
  ['when to plant vegetable seeds', 6600, 32, 'informational'],
  ['starting seeds indoors', 14800, 40, 'informational'],
  ['seed starting soil', 2900, 29, 'commercial'],
  ['best grow lights for seedlings', 4400, 46, 'commercial'],
  ['hardening off seedlings', 3600, 27, 'informational'],
  ['watering vegetable garden', 2400, 25, 'informational'],
  ['drip irrigation for raised beds', 1900, 38, 'commercial'],
  ['how often to water tomatoes', 5400, 26, 'informational'],
  ['soaker hose vs drip irrigation', 1300, 30, 'commercial'],
  ['rain barrel for garden watering', 2400, 33, 'transactional'],
];

/** The CSV the owner imports: every keyword, one row the API must refuse (line 42), one duplicate. */
function gardenCsv(): string {
  const rows = GARDEN_KEYWORDS.map(([k, v, d, i]) => `"${k}",${v},${d},${i}`);
  return [
    'keyword,volume,difficulty,intent',
    ...rows,
    '"pumpkin patch planning",1200,140,informational',
    '"How to grow tomatoes",22000,38,informational',
    '',
  ].join('\n');
}

/**
 * Owner (signed in in context A) with one site and one sector, and an editor granted that site
 * who accepted the invite in context B: both browsers hold their own session cookie.
 */
async function setUpTeam(browser: Browser, baseURL: string, request: APIRequestContext) {
  const owner = uniquePerson('gardener');
  const editor = uniquePerson('helper');
  const a = await browser.newContext({ baseURL });
  const b = await browser.newContext({ baseURL });
  const headers = { origin: baseURL };

  const registered = await a.request.post('/api/v1/auth/register/', {
    data: { email: owner.email, password: owner.password, name: owner.name, account_name: owner.account },
    headers,
  });
  expect(registered.status()).toBe(201);
  const token = await apiToken(request, owner);
  const site = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/auth/sites/', {
    name: 'Green Thumb Gardening',
    domain: 'greenthumb.example',
  });
  await apiCall(request, token, 'POST', '/api/v1/auth/sectors/', { site_id: site.id, name: 'Vegetable Gardening' });
  await inviteInto(b, request, token, editor, 'editor', [site.id]);
  return { owner, editor, token, siteId: site.id, a, b };
}

const jobsPanel = (page: Page) => page.getByRole('region', { name: 'AI jobs' });

/** Records every progress value and phase the panel shows, from now on, without touching it. */
async function recordProgress(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __progress: number[]; __phases: string[] };
    w.__progress = [];
    w.__phases = [];
    const read = () => {
      for (const bar of document.querySelectorAll('[role="progressbar"][aria-label="Auto cluster progress"]'))
        w.__progress.push(Number(bar.getAttribute('aria-valuenow')));
      for (const el of document.querySelectorAll('[data-phase]')) w.__phases.push(el.getAttribute('data-phase')!);
    };
    new MutationObserver(read).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['aria-valuenow', 'data-phase'],
    });
  });
}

/** A value a full page load would wipe: its survival proves the page was never reloaded. */
const markPage = (page: Page) =>
  page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
const stillSameDocument = (page: Page) =>
  page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument === true);

function kpi(page: Page, label: string): Locator {
  return page
    .getByRole('region', { name: 'Key figures' })
    .locator('.card')
    .filter({ has: page.getByRole('heading', { name: label, exact: true }) });
}

test.describe('planner with a team', () => {
  let contexts: BrowserContext[] = [];
  test.afterEach(async () => {
    for (const c of contexts) await c.close();
    contexts = [];
  });

  test('import, auto cluster watched live by a teammate, ideas with outlines, tasks, and the bill', async ({
    browser,
    baseURL,
    request,
  }) => {
    const team = await setUpTeam(browser, baseURL!, request);
    contexts = [team.a, team.b];
    const pageA = await team.a.newPage();
    const pageB = await team.b.newPage();
    const startBalance = (await apiCall<{ balance: number }>(request, team.token, 'GET', '/api/v1/billing/balance/'))
      .balance;

    // B, the editor, opens the clusters page of the site and stays there.
    await pageB.goto('/planner/clusters');
    await expect(pageB.getByRole('heading', { name: 'Clusters', level: 1 })).toBeVisible();
    await expect(pageB.getByRole('heading', { name: 'No clusters yet' })).toBeVisible();
    await expect(jobsPanel(pageB).getByText('Live', { exact: true })).toBeVisible();
    await markPage(pageB);
    await recordProgress(pageB);

    // A, the owner, imports the CSV: 40 keywords, one bad row reported by line, one duplicate merged.
    await pageA.goto('/planner/keywords');
    await expect(pageA.getByRole('heading', { name: 'Keywords', level: 1 })).toBeVisible();
    await expect(pageA.getByRole('heading', { name: 'No keywords yet' })).toBeVisible();
    await pageA.getByRole('button', { name: 'Import CSV' }).first().click();
    const importDialog = pageA.getByRole('dialog', { name: 'Import keywords from CSV' });
    await expect(importDialog.getByLabel('Sector')).toHaveValue(/\d+/);
    await importDialog
      .getByLabel('CSV file')
      .setInputFiles({ name: 'garden-keywords.csv', mimeType: 'text/csv', buffer: Buffer.from(gardenCsv()) });
    await importDialog.getByRole('button', { name: 'Import', exact: true }).click();
    await expect(importDialog.getByText('Imported 40 keywords into Vegetable Gardening')).toBeVisible();
    const summary = importDialog.getByRole('definition');
    await expect(summary).toHaveText(['42', '40', '1', '1']);
    const skipped = importDialog.getByRole('row', { name: /^42 / });
    await expect(skipped).toContainText('Difficulty "140" is not a number from 0 to 100.');
    await importDialog.getByRole('button', { name: 'Done' }).click();
    await expect(importDialog).toBeHidden();
    await expect(pageA.getByText('1–25 of 40 keywords')).toBeVisible();

    // Server-side filters: intent and the volume range narrow the list; clearing brings it back.
    await pageA.getByLabel('Intent', { exact: true }).selectOption('transactional');
    await expect(pageA.getByText('1–4 of 4 keywords')).toBeVisible();
    await pageA.getByLabel('Volume from').fill('2500');
    await pageA.getByLabel('Volume from').press('Enter');
    await expect(pageA.getByText('1–2 of 2 keywords')).toBeVisible();
    await pageA.getByLabel('Intent', { exact: true }).selectOption('');
    await pageA.getByLabel('Volume from').fill('');
    await pageA.getByLabel('Volume from').press('Enter');
    await expect(pageA.getByText('1–25 of 40 keywords')).toBeVisible();

    // All 40 on one page, select them all, Auto cluster.
    await pageA.getByLabel('Rows per page').selectOption('50');
    await expect(pageA.getByText('1–40 of 40 keywords')).toBeVisible();
    await pageA.getByRole('checkbox', { name: 'Select all keywords on this page' }).check();
    const bulk = pageA.getByRole('region', { name: 'Bulk actions' });
    await expect(bulk.getByText('40 selected')).toBeVisible();
    await bulk.getByRole('button', { name: 'Auto cluster' }).click();
    await expect(pageA.getByText('Clustering 40 keywords: follow it under AI jobs.')).toBeVisible();

    // B sees the job arrive in its panel, started by the owner, and move to done, live.
    const jobB = jobsPanel(pageB).getByRole('listitem').filter({ hasText: 'Auto cluster' }).first();
    // (How far it got when B first saw it depends on timing: the recorder below holds what B saw.)
    await expect(jobB).toBeVisible();
    await expect(jobB.getByText('Done', { exact: true })).toBeVisible({ timeout: 60_000 });
    await expect(jobB).toContainText(`Started by ${team.owner.name}`);
    await expect(pageB.getByRole('group', { name: `Also on this site now: ${team.owner.name}` }).first()).toBeVisible();
    await expect(jobB).toContainText(/Result: \d+ clusters from 40 keywords\./);
    await expect(jobB).toContainText(/Charged \d+ credits?/);
    const seen = await pageB.evaluate(() => {
      const w = window as unknown as { __progress: number[]; __phases: string[] };
      return { progress: [...new Set(w.__progress)], phases: [...new Set(w.__phases)] };
    });
    expect(
      seen.progress.some((p) => p > 0 && p < 100),
      `intermediate progress seen: ${seen.progress}`,
    ).toBe(true);
    expect(seen.progress.length, `distinct progress values: ${seen.progress}`).toBeGreaterThanOrEqual(3);
    expect(seen.phases, `phases seen: ${seen.phases}`).toContain('DONE');
    expect(seen.phases.length, `phases seen: ${seen.phases}`).toBeGreaterThanOrEqual(3);

    // …and the new clusters appear in B's table, still without a reload.
    await expect(pageB.getByText(/^1–\d+ of \d+ clusters$/)).toBeVisible();
    expect(await stillSameDocument(pageB)).toBe(true);
    const clusterRows = pageB
      .getByRole('main')
      .getByRole('row')
      .filter({ has: pageB.getByRole('button', { name: /^Actions for / }) });
    expect(await clusterRows.count()).toBeGreaterThanOrEqual(3);
    const firstCluster = (await clusterRows
      .first()
      .getByRole('button', { name: /^Actions for / })
      .getAttribute('aria-label'))!.replace('Actions for ', '');

    // A's keyword table refreshed itself too: every keyword now has a cluster.
    await pageA.getByLabel('Cluster', { exact: true }).selectOption('none');
    await expect(pageA.getByRole('heading', { name: 'No keywords match' })).toBeVisible();
    await pageA.getByLabel('Cluster', { exact: true }).selectOption('');

    // B generates ideas for the first cluster.
    await pageB.getByRole('button', { name: `Actions for ${firstCluster}` }).click();
    await pageB.getByRole('menuitem', { name: 'Generate ideas' }).click();
    const ideasDialog = pageB.getByRole('dialog', { name: `Generate ideas for “${firstCluster}”` });
    await ideasDialog.getByLabel('How many ideas').selectOption({ label: '3 ideas per cluster' });
    await ideasDialog.getByRole('button', { name: 'Generate ideas' }).click();
    await expect(ideasDialog).toBeHidden();
    const ideasJob = jobsPanel(pageB).getByRole('listitem').filter({ hasText: 'Generate ideas' }).first();
    await expect(ideasJob.getByText('Done', { exact: true })).toBeVisible({ timeout: 60_000 });
    await expect(ideasJob).toContainText('Result: 3 ideas for 1 cluster.');

    // The ideas page (client-side navigation): open one idea, its outline is there.
    await pageB.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Ideas' }).click();
    await expect(pageB.getByRole('heading', { name: 'Ideas', level: 1 })).toBeVisible();
    await expect(pageB.getByText('1–3 of 3 ideas')).toBeVisible();
    const firstIdea = pageB.getByRole('main').getByRole('row').nth(1).getByRole('button').first();
    const ideaTitle = (await firstIdea.textContent())!.trim();
    await firstIdea.click();
    const ideaDialog = pageB.getByRole('dialog', { name: ideaTitle });
    await expect(ideaDialog.getByRole('heading', { name: /^Outline \(\d+ sections\)$/ })).toBeVisible();
    const sections = ideaDialog.getByRole('list', { name: 'Outline' }).getByRole('listitem');
    expect(await sections.count()).toBeGreaterThanOrEqual(6);
    await expect(sections.first().getByRole('heading', { level: 4 })).not.toBeEmpty();
    await expect(ideaDialog.getByRole('heading', { name: 'Target keywords' })).toBeVisible();
    await ideaDialog.getByRole('button', { name: 'Close', exact: true }).click();
    await expect(ideaDialog).toBeHidden();

    // Create writer tasks from all three.
    await pageB.getByRole('checkbox', { name: 'Select all ideas on this page' }).check();
    await pageB.getByRole('region', { name: 'Bulk actions' }).getByRole('button', { name: 'Create tasks' }).click();
    await expect(pageB.getByText('3 writer tasks created.')).toBeVisible();
    await expect(pageB.getByRole('main').getByRole('row').filter({ hasText: 'Scheduled' })).toHaveCount(3);
    expect(await stillSameDocument(pageB)).toBe(true);

    // The owner's bill: the balance went down by exactly what the two jobs were charged.
    const jobs = await apiCall<{ function: string; status: string; credits_charged: number | null }[]>(
      request,
      team.token,
      'GET',
      `/api/v1/system/jobs/?site_id=${team.siteId}`,
    );
    const succeeded = jobs.filter((j) => j.status === 'succeeded');
    expect(succeeded.map((j) => j.function).sort()).toEqual(['auto_cluster', 'generate_ideas']);
    const charged = succeeded.reduce((n, j) => n + (j.credits_charged ?? 0), 0);
    expect(charged).toBeGreaterThan(0);

    await pageA.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Billing' }).click();
    await expect(pageA.getByRole('heading', { name: 'Billing', level: 1 })).toBeVisible();
    await expect(kpi(pageA, 'Spendable credits')).toContainText(String(startBalance - charged));
    await expect(kpi(pageA, 'Held by running jobs')).toContainText('0');
    await expect(kpi(pageA, 'Credits used')).toContainText(String(charged));

    await pageA.getByRole('navigation', { name: 'Billing' }).getByRole('link', { name: 'Usage' }).click();
    await expect(pageA.getByRole('heading', { name: 'Usage', level: 1 })).toBeVisible();
    const usage = pageA.getByRole('table', { name: 'Usage', exact: true });
    for (const operation of ['Auto cluster', 'Generate ideas']) {
      const row = usage.getByRole('row').filter({ hasText: operation });
      await expect(row).toHaveCount(1);
      await expect(row).toContainText(/\$\d+\.\d{2}/);
      await expect(row).toContainText(/\d+ \/ \d+/);
    }
    await expect(pageA.getByRole('table', { name: 'Usage by operation' }).getByRole('row')).toHaveCount(3);

    await pageA.getByRole('navigation', { name: 'Billing' }).getByRole('link', { name: 'Transactions' }).click();
    await expect(
      pageA.getByRole('table', { name: 'Transactions' }).getByRole('row').filter({ hasText: 'Capture' }),
    ).toHaveCount(2);

    // The planner overview shows the same numbers the pages do.
    await pageA.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
    await expect(pageA.getByRole('heading', { name: 'Planner', level: 1 })).toBeVisible();
    await expect(kpi(pageA, 'Keywords')).toContainText('40');
    await expect(kpi(pageA, 'Clustered')).toContainText('100%');
    await expect(kpi(pageA, 'Ideas')).toContainText('3');
    await expect(kpi(pageA, 'Tasks')).toContainText('3');
    await pageA.screenshot({ path: '/tmp/igny8-planner-overview.png', fullPage: true });

    // Cancel and retry: ideas for every cluster (one AI call each, in several rounds), cancelled
    // right away by the editor. A cancelled job pays only for what it delivered: nothing (the whole
    // hold released), or the clusters whose ideas arrived before the cancel, and says which.
    // Retry runs it again as a new job.
    await pageB.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clusters' }).click();
    await pageB.getByRole('checkbox', { name: 'Select all clusters on this page' }).check();
    await pageB.getByRole('region', { name: 'Bulk actions' }).getByRole('button', { name: 'Generate ideas' }).click();
    await pageB
      .getByRole('dialog', { name: /^Generate ideas for \d+ clusters$/ })
      .getByRole('button', { name: 'Generate ideas' })
      .click();
    await jobsPanel(pageB)
      .getByRole('button', { name: /^Cancel Generate ideas/ })
      .click();
    const cancelled = jobsPanel(pageB).getByRole('listitem').filter({ hasText: 'Cancelled' });
    await expect(cancelled).toContainText(`Cancelled by ${team.editor.name}`);
    await expect(cancelled).toContainText(
      /No charge \(\d+ credits released\)|Charged \d+ credits? for what was delivered \(\d+ credits? released\)/,
    );
    const partial = /(\d+) of \d+ clusters' ideas delivered, (\d+) credits? charged/.exec(
      (await cancelled.textContent()) ?? '',
    );
    if (partial) await expect(cancelled).toContainText(`Charged ${partial[2]} credit`);
    else await expect(cancelled).toContainText(/No charge \(\d+ credits released\)/);
    await cancelled.getByRole('button', { name: /^Retry Generate ideas/ }).click();
    await expect(jobsPanel(pageB).getByText(/^Result: \d+ ideas for \d+ clusters\.$/)).toBeVisible({ timeout: 60_000 });
    expect(await stillSameDocument(pageB)).toBe(true);
    await pageA.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Billing' }).click();
    await pageA.getByRole('navigation', { name: 'Billing' }).getByRole('link', { name: 'Transactions' }).click();
    // Its settlement is one ledger row: a release of the whole hold, or a capture of what was delivered.
    await expect(
      pageA.getByRole('table', { name: 'Transactions' }).getByRole('row').filter({ hasText: 'Release' }),
    ).toHaveCount(partial ? 0 : 1);

    // Screenshots for review: the keyword table light and dark, a phone.
    await pageA.goto('/planner/keywords');
    await expect(pageA.getByText('1–40 of 40 keywords')).toBeVisible(); // the chosen page size is remembered
    await pageA.screenshot({ path: '/tmp/igny8-keywords-light.png', fullPage: true });
    await pageB.emulateMedia({ colorScheme: 'dark' });
    await pageB.goto('/planner/clusters');
    await expect(pageB.getByText(/^1–\d+ of \d+ clusters$/)).toBeVisible();
    await pageB.screenshot({ path: '/tmp/igny8-clusters-dark.png', fullPage: true });
  });
});

test.describe('planner on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test('the keywords page and the jobs panel fit the screen', async ({ page, baseURL, request }) => {
    const owner = uniquePerson('pocket');
    const res = await page.request.post('/api/v1/auth/register/', {
      data: { email: owner.email, password: owner.password, name: owner.name, account_name: owner.account },
      headers: { origin: baseURL! },
    });
    expect(res.status()).toBe(201);
    const token = await apiToken(request, owner);
    const site = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/auth/sites/', {
      name: 'Balcony Gardens',
    });
    const sector = await apiCall<{ id: number }>(request, token, 'POST', '/api/v1/auth/sectors/', {
      site_id: site.id,
      name: 'Container Gardening',
    });
    for (const [keyword, volume, difficulty, intent] of GARDEN_KEYWORDS.slice(0, 6)) {
      await apiCall(request, token, 'POST', '/api/v1/planner/keywords/', {
        site_id: site.id,
        sector_id: sector.id,
        keyword,
        volume,
        difficulty,
        intent,
      });
    }

    await page.goto('/planner/keywords');
    await expect(page.getByText('1–6 of 6 keywords')).toBeVisible();
    await expect(jobsPanel(page)).toBeVisible();
    // A mobile browser widens its layout viewport to fit content: compare with the device's 390 px.
    expect(await page.evaluate(() => [window.innerWidth, document.documentElement.scrollWidth])).toEqual([390, 390]);
    await page.screenshot({ path: '/tmp/igny8-phone-keywords.png', fullPage: true });

    // The header's jobs button opens the site's job list.
    await page.getByRole('button', { name: 'AI jobs', exact: true }).click();
    await expect(page.getByRole('dialog', { name: 'AI jobs of Balcony Gardens' })).toBeVisible();
    await page.keyboard.press('Escape');
  });
});

test.describe('AI settings and prompts', () => {
  test('the demo model is labelled, the connection test answers, a prompt is customised and reset', async ({
    page,
    baseURL,
  }) => {
    const owner = uniquePerson('settings-ai');
    const res = await page.request.post('/api/v1/auth/register/', {
      data: { email: owner.email, password: owner.password, name: owner.name, account_name: owner.account },
      headers: { origin: baseURL! },
    });
    expect(res.status()).toBe(201);

    await page.goto('/settings/ai');
    await expect(page.getByRole('heading', { name: 'AI', level: 1 })).toBeVisible();
    const inUse = page.getByRole('region', { name: 'In use now' });
    await expect(inUse.getByText('Demo model').first()).toBeVisible();
    await inUse.getByRole('button', { name: 'Test connection to AI provider' }).click();
    await expect(inUse.getByRole('status')).toContainText('Connected');
    await expect(page.getByRole('region', { name: 'OpenAI' }).getByText('Not set')).toBeVisible();

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Prompts' }).click();
    const clustering = page.getByRole('region', { name: 'Clustering' });
    await expect(clustering.getByText('Default', { exact: true })).toBeVisible();
    await clustering
      .getByLabel('Clustering prompt')
      .fill('Group these gardening keywords into clusters a gardener would recognise.');
    await clustering.getByRole('button', { name: 'Save prompt' }).click();
    await expect(page.getByText('Clustering prompt saved.')).toBeVisible();
    await expect(clustering.getByText('Custom', { exact: true })).toBeVisible();
    await clustering.getByRole('button', { name: /^Reset to default \(Clustering/ }).click();
    await page
      .getByRole('dialog', { name: 'Reset the Clustering prompt?' })
      .getByRole('button', { name: 'Reset to default' })
      .click();
    await expect(clustering.getByText('Default', { exact: true })).toBeVisible();
    await expect(clustering.getByLabel('Clustering prompt')).toHaveValue(/You are an SEO strategist/);
    await page.screenshot({ path: '/tmp/igny8-prompts.png', fullPage: true });
  });
});
