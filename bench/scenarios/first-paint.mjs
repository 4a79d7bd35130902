// First paint and returning to a list (issue 14 item 13), in Debian's Chromium against the built app
// the worker serves. Each figure is measured next to a baseline from the same browser and run:
//   - loading /planner/keywords signed in (HTTP cache warm, as for anyone who opened the app before):
//     first contentful paint, the app shell (the Main navigation) and the data (the list's count)
//     against the first paint of the bare route /api/health in the same browser;
//   - client-side navigation to the keyword list: the first visit in a tab (nothing cached) against
//     a return visit (the stale-while-revalidate cache shows the page's data, then revalidates).
import { chromium } from '@playwright/test';
import { api, fmt, importKeywords, keywordRows, median, percentile, ratio } from '../lib.mjs';

const KEYWORDS = 200;
const DATA_TEXT = `of ${KEYWORDS} keywords`;

/** Runs in the page before its scripts: the moments the shell and the data first show, by animation frame. */
function markMoments(dataText) {
  const marks = {};
  globalThis.__benchMarks = marks;
  const tick = () => {
    const t = performance.now();
    if (marks.shell === undefined && document.querySelector('nav[aria-label="Main"]')) marks.shell = t;
    if (marks.data === undefined && document.body?.innerText.includes(dataText)) marks.data = t;
    if (marks.shell === undefined || marks.data === undefined) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

async function firstContentfulPaint(page) {
  return page.evaluate(async () => {
    for (let i = 0; i < 100; i++) {
      const entry = performance.getEntriesByName('first-contentful-paint')[0];
      if (entry) return entry.startTime;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('no first-contentful-paint entry after 2 s');
  });
}

/** A page's first paint: the bare JSON route (baseline), or the app with its shell and data marks. */
async function load(context, url, withMarks) {
  const page = await context.newPage();
  try {
    if (withMarks) await page.addInitScript(markMoments, DATA_TEXT);
    await page.goto(url);
    const fcp = await firstContentfulPaint(page);
    if (!withMarks) return { fcp };
    await page.waitForFunction(() => globalThis.__benchMarks?.data !== undefined, null, { timeout: 60_000 });
    const marks = await page.evaluate(() => globalThis.__benchMarks);
    return { fcp, shell: marks.shell, data: marks.data };
  } finally {
    await page.close();
  }
}

/** Clicks a Main navigation link and times, by animation frame, until `text` shows on the new page. */
async function navigate(page, name, text) {
  const link = await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name, exact: true })
    .elementHandle();
  return page.evaluate(
    ([el, wanted]) =>
      new Promise((resolve) => {
        const t0 = performance.now();
        el.click();
        const tick = () =>
          document.body.innerText.includes(wanted) ? resolve(performance.now() - t0) : requestAnimationFrame(tick);
        requestAnimationFrame(tick);
      }),
    [link, text],
  );
}

/** One tab: Clusters, then Keywords for the first time (nothing cached), Clusters again, Keywords again. */
async function visits(context, origin) {
  const page = await context.newPage();
  try {
    await page.goto(`${origin}/planner/clusters`);
    await page.getByText('No clusters yet', { exact: true }).waitFor({ timeout: 60_000 });
    const first = await navigate(page, 'Keywords', DATA_TEXT);
    await navigate(page, 'Clusters', 'No clusters yet');
    const back = await navigate(page, 'Keywords', DATA_TEXT);
    return { first, back };
  } finally {
    await page.close();
  }
}

const stats = (xs) => ({ median: median(xs), p99: percentile(xs, 99), runs: xs.length });

export async function firstPaint(base, { rounds = 7 } = {}) {
  // The Secure session cookie needs a secure context: Chromium counts http://localhost as one.
  const origin = base.replace('127.0.0.1', 'localhost');
  const email = `paint-${Date.now()}@bench.test`;
  const password = 'bench-password-1';
  const browser = await chromium.launch({
    executablePath: process.env.BENCH_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  try {
    const context = await browser.newContext({ baseURL: origin, viewport: { width: 1280, height: 900 } });
    // Signed up in the browser (the session cookie), seeded through the API with a token.
    const signup = await context.request.post('/api/v1/auth/register/', {
      data: { email, password, name: 'Paint', account_name: 'Paint Co' },
      headers: { origin },
    });
    if (signup.status() !== 201) throw new Error(`sign-up: ${signup.status()} ${await signup.text()}`);
    const { access: token } = await api(base, 'POST', '/api/v1/auth/login/', {
      body: { email, password, delivery: 'body' },
    });
    const site = await api(base, 'POST', '/api/v1/auth/sites/', { token, body: { name: 'Paint site' } });
    const sector = await api(base, 'POST', '/api/v1/auth/sectors/', {
      token,
      body: { site_id: site.id, name: 'Paint sector' },
    });
    await importKeywords(base, token, site.id, sector.id, keywordRows(KEYWORDS, 5));

    // One discarded round fills the HTTP cache (the app's hashed JS and CSS) and warms the worker.
    await load(context, `${origin}/api/health`, false);
    await load(context, `${origin}/planner/keywords`, true);
    await visits(context, origin);

    const bare = [];
    const app = { fcp: [], shell: [], data: [] };
    const nav = { first: [], back: [] };
    for (let i = 0; i < rounds; i++) {
      bare.push((await load(context, `${origin}/api/health`, false)).fcp);
      const loaded = await load(context, `${origin}/planner/keywords`, true);
      for (const k of Object.keys(app)) app[k].push(loaded[k]);
      const v = await visits(context, origin);
      nav.first.push(v.first);
      nav.back.push(v.back);
    }
    await context.close();
    const result = {
      version: browser.version(),
      rounds,
      bare: stats(bare),
      fcp: stats(app.fcp),
      shell: stats(app.shell),
      data: stats(app.data),
      firstVisit: stats(nav.first),
      returnVisit: stats(nav.back),
    };
    result.fcpRatio = ratio(result.fcp.median, result.bare.median);
    result.shellRatio = ratio(result.shell.median, result.bare.median);
    result.dataRatio = ratio(result.data.median, result.bare.median);
    result.returnRatio = ratio(result.returnVisit.median, result.firstVisit.median);
    print(result);
    return result;
  } finally {
    await browser.close();
  }
}

function print(r) {
  console.log(`\nFirst paint (Chromium ${r.version}, ${r.rounds} rounds, HTTP cache warm; ms, median / p99)`);
  const row = (label, s, extra = '') =>
    console.log(`  ${label.padEnd(52)} ${fmt(s.median, 0).padStart(6)} / ${fmt(s.p99, 0).padStart(6)}${extra}`);
  row('baseline: first paint of GET /api/health', r.bare);
  row('/planner/keywords: first contentful paint', r.fcp, `   x${fmt(r.fcpRatio, 2)} of the bare route`);
  row('/planner/keywords: app shell (Main navigation)', r.shell, `   x${fmt(r.shellRatio, 2)} of the bare route`);
  row(`/planner/keywords: data ("${DATA_TEXT}")`, r.data, `   x${fmt(r.dataRatio, 2)} of the bare route`);
  row('baseline: Keywords from the nav, first visit in the tab', r.firstVisit);
  row('Keywords from the nav, return visit (cached)', r.returnVisit, `   x${fmt(r.returnRatio, 2)} of the first`);
}
