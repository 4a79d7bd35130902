import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { expectAccessible } from './axe';
import { apiCall, apiToken, E2E_ORIGIN, registerInBrowser, uniquePerson } from './helpers';

/**
 * Issue 14, item 14: axe-core on EVERY page of the app at desktop (1280 px) and phone (390 px)
 * width, 0 serious or critical violations. The pages are read from web/src/routes at run time, so
 * a new page is checked without touching this file: auth pages signed out, every (app) page signed
 * in as an owner whose account has a site, a sector, keywords, a cluster, an idea, a task, an
 * article and a blueprint, and the /admin pages as a developer. One browser context throughout.
 * Every violation of every page is listed at the end (not only the first page's).
 */

const ROUTES = join(process.cwd(), 'web/src/routes');
const WIDTHS = [
  { width: 1280, height: 900 },
  { width: 390, height: 844 },
];

/** The URL pattern of every +page.svelte under `dir`, groups like (app) left out, e.g. /writer/content/[id]. */
function pagesUnder(dir: string): string[] {
  const found: string[] = [];
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name === '+page.svelte') {
        const parts = relative(ROUTES, at)
          .split(sep)
          .filter((p) => p && !/^\(.*\)$/.test(p));
        found.push(`/${parts.join('/')}`);
      }
    }
  };
  walk(dir);
  return found.sort();
}

/** Waits for the page to settle: network quiet (sockets aside) and no loading skeleton left in main. */
async function settle(page: Page) {
  await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => undefined);
  await page
    .locator('main [aria-busy="true"]')
    .first()
    .waitFor({ state: 'detached', timeout: 5_000 })
    .catch(() => undefined);
}

/** Visits `paths` at both widths, collecting every blocking violation (label → axe's report). */
async function sweep(page: Page, paths: string[], failures: string[], signedIn = true) {
  for (const size of WIDTHS) {
    await page.setViewportSize(size);
    for (const path of paths) {
      await page.goto(path);
      await settle(page);
      // A signed-in sweep that landed on sign-in, or a blank page (the app failed to load), would pass axe
      // while checking nothing.
      if (signedIn) expect(new URL(page.url()).pathname, path).not.toBe('/signin');
      await expect(page.locator('#main'), path).toContainText(/\S/);
      try {
        await expectAccessible(page, `${path} at ${size.width}px`);
      } catch (err) {
        const report = (err as Error).message.split('\n').slice(0, 30).join('\n');
        failures.push(report);
        console.log(`A11Y ${path} ${size.width}px\n${report}`); // as found: a long sweep shows progress
      }
    }
  }
}

test('every page passes axe at 1280 px and 390 px', async ({ page, request }) => {
  test.setTimeout(30 * 60_000);
  const failures: string[] = [];
  const all = pagesUnder(ROUTES);
  const fakeToken = 'a'.repeat(43);

  // Signed out: the auth pages (a link token that doesn't exist shows its "expired" state).
  const authPages = pagesUnder(join(ROUTES, '(auth)')).map((p) => p.replace('[token]', fakeToken));
  await sweep(page, authPages, failures, false);

  // An owner with one of everything a page lists.
  const owner = uniquePerson('axe');
  await registerInBrowser(page, owner);
  const token = await apiToken(request, owner);
  const post = <T>(path: string, data: unknown) => apiCall<T>(request, token, 'POST', path, data);
  const site = await post<{ id: number }>('/api/v1/auth/sites/', { name: 'Axe Garden', domain: 'axe.example' });
  const sector = await post<{ id: number }>('/api/v1/auth/sectors/', { site_id: site.id, name: 'Roses' });
  const at = { site_id: site.id, sector_id: sector.id };
  for (const keyword of ['climbing roses', 'rose pruning', 'rose fertilizer'])
    await post('/api/v1/planner/keywords/', { ...at, keyword, volume: 900 });
  const cluster = await post<{ id: number }>('/api/v1/planner/clusters/', { ...at, name: 'Rose care' });
  await post('/api/v1/planner/ideas/', { ...at, cluster_id: cluster.id, idea_title: 'Pruning roses in spring' });
  await post('/api/v1/writer/tasks/', { ...at, cluster_id: cluster.id, title: 'Feeding climbing roses' });
  const article = await post<{ id: number }>('/api/v1/writer/content/', { ...at, title: 'Roses for beginners' });
  const blueprint = await post<{ id: number }>('/api/v1/site-builder/blueprints/', {
    site_id: site.id,
    name: 'Axe site',
  });

  const appPages = all
    .filter((p) => !authPages.some((a) => a.split('/')[1] === p.split('/')[1]) && !p.startsWith('/admin'))
    .filter((p) => !p.includes('[...')) // the planned-module placeholder: visited through its nav links below
    .map((p) =>
      p
        .replace('/writer/content/[id]', `/writer/content/${article.id}`)
        .replace('/site-builder/[id]', `/site-builder/${blueprint.id}`)
        .replace('/automation/rules/[id]', '/automation/rules/new')
        .replace('/automation/runs/[id]', '/automation/runs/999999'),
    );
  expect(appPages.filter((p) => p.includes('['))).toEqual([]); // a new dynamic page needs an id above
  await sweep(page, appPages, failures);

  // The developer console, as a developer (test servers promote through TEST_ROUTES).
  const me = await apiCall<{ account: { id: number } }>(request, token, 'GET', '/api/v1/auth/me/');
  const adminPages = all
    .filter((p) => p.startsWith('/admin'))
    .map((p) => p.replace('/admin/accounts/[id]', `/admin/accounts/${me.account.id}`))
    .filter((p) => !p.includes('['));
  if (adminPages.length) {
    const promoted = await request.post('/api/v1/_test/promote-developer/', {
      data: { email: owner.email },
      headers: { origin: E2E_ORIGIN },
    });
    expect(promoted.ok()).toBe(true);
    await sweep(page, adminPages, failures);
  }

  if (failures.length) console.log(`\nA11Y FAILURES (${failures.length})\n${failures.join('\n\n')}`);
  expect(failures).toEqual([]);
});
