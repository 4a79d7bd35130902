// WordPress sync (issue 13, "a 500-post WordPress sync (time, requests)"): the `sync_integration` job
// against a REAL WordPress holding 500 posts, next to a baseline from the same run: the same REST page
// reads (same URLs, `per_page`, `_fields`, in flight at once as the job allows) made with fetch by
// this process, which is the least any sync must do. The bench's WordPress is its own instance
// (`../shared/wordpress/wordpress-up.sh` with a private state directory and port), so the posts the
// test suites leave in the shared one do not change the count; its posts are created once, through
// WordPress's REST API, and kept for the next run. Every request the worker makes to WordPress goes
// through a counting proxy in this process, so "requests" is measured, not what the job says it did.
// Opt-in (`BENCH_ONLY=integration-sync`). Knobs: BENCH_WP_PORT (8843) and BENCH_WP_STATE
// (/tmp/wp/bench-<port>) for the bench's WordPress, BENCH_WP_POSTS (500), BENCH_WP_KEEP=1 to leave it
// running after the run (it is stopped otherwise; its state, posts included, stays on disk).
import { execFile } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { api, fmt, freshAccount, median, sleep } from '../lib.mjs';

const WP_SCRIPTS = process.env.WORDPRESS_SCRIPTS_DIR ?? path.resolve('../shared/wordpress');
const PER_PAGE = 100;
/** The job's own limit (worker/integration/sync/sync-job.ts CONCURRENT_READS): the baseline keeps as many in flight. */
const IN_FLIGHT = 3;
const POST_FIELDS = 'id,link,title,date_gmt,modified_gmt,status,type';
/** What the job asks for (worker/integration/sync/wordpress-pull.ts FIELDS, the reads with bodies). */
const FIELDS = {
  posts: `${POST_FIELDS},categories,tags,content`,
  pages: `${POST_FIELDS},content`,
  categories: 'id,link,name,slug,description',
  tags: 'id,link,name,slug,description',
};
/** The job's first version also asked for `excerpt` (WordPress runs the content filters again for it). */
const WITH_EXCERPT = { ...FIELDS, posts: `${FIELDS.posts},excerpt`, pages: `${FIELDS.pages},excerpt` };

function sh(script, args, envExtra) {
  return new Promise((ok, fail) => {
    execFile(
      'bash',
      [path.join(WP_SCRIPTS, script), ...args],
      { env: { ...process.env, ...envExtra }, timeout: 600_000, maxBuffer: 4 << 20 },
      (err, stdout, stderr) =>
        err ? fail(new Error(`${script}: ${err.message}\n${stderr.slice(-2000)}`)) : ok(stdout),
    );
  });
}

async function startWordPress(port, stateDir) {
  const out = await sh('wordpress-up.sh', [String(port)], { WP_STATE_DIR: stateDir });
  const vars = Object.fromEntries(
    out
      .split('\n')
      .map((l) => /^(WP_[A-Z_]+)=(.*)$/.exec(l.trim()))
      .filter(Boolean)
      .map((m) => [m[1], m[2]]),
  );
  return { url: vars.WP_URL.replace(/\/+$/, ''), user: vars.WP_USER, appPassword: vars.WP_APP_PASSWORD };
}

const authOf = (wp) => `Basic ${Buffer.from(`${wp.user}:${wp.appPassword}`).toString('base64')}`;

async function wpFetch(wp, method, pathAndQuery, body) {
  const res = await fetch(`${wp.url}/wp-json/wp/v2${pathAndQuery}`, {
    method,
    headers: { authorization: authOf(wp), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${pathAndQuery} → ${res.status}: ${text.slice(0, 200)}`);
  return { res, data: JSON.parse(text) };
}

const WORDS = (
  'soil compost tomato basil pruning mulch seedling trellis watering harvest greenhouse raised bed ' +
  'manure worm fertiliser pepper cucumber squash lettuce spinach garlic onion potato carrot beetroot'
).split(' ');

/** A post body of ~300 words in a few paragraphs (a typical blog post's size for the terms step). */
function bodyOf(n) {
  const word = (i) => WORDS[(n * 7 + i * 13) % WORDS.length];
  const paragraph = (p) => `<p>${Array.from({ length: 60 }, (_, i) => word(p * 60 + i)).join(' ')}.</p>`;
  return `<h2>About ${word(1)} and ${word(2)}</h2>${[0, 1, 2, 3, 4].map(paragraph).join('')}`;
}

/** Makes the bench WordPress hold `posts` published posts (created once, kept between runs). */
async function ensurePosts(wp, posts) {
  const head = await wpFetch(wp, 'GET', '/posts?per_page=1&_fields=id');
  const have = Number(head.res.headers.get('x-wp-total') ?? 0);
  if (have >= posts) return have;
  const cats = [];
  for (const name of ['Vegetables', 'Herbs', 'Soil', 'Tools']) {
    const found = await wpFetch(wp, 'GET', `/categories?search=${name}&_fields=id,name`);
    cats.push(found.data[0]?.id ?? (await wpFetch(wp, 'POST', '/categories', { name })).data.id);
  }
  console.log(`  creating ${posts - have} WordPress posts (once; kept for the next run)…`);
  let next = have;
  const worker = async () => {
    while (next < posts) {
      const n = next++;
      await wpFetch(wp, 'POST', '/posts', {
        title: `Garden notes ${n + 1}: ${WORDS[n % WORDS.length]} and ${WORDS[(n * 5) % WORDS.length]}`,
        content: bodyOf(n),
        status: 'publish',
        categories: [cats[n % cats.length]],
      });
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return posts;
}

/** A counting HTTP proxy in front of WordPress (random free port): every request the worker makes is seen. */
function countingProxy(target) {
  const upstream = new URL(target);
  /** `spans`: [start, end] of every request (performance.now()), to tell WordPress's time from ours. */
  const counter = { requests: 0, bytes: 0, spans: [] };
  const server = http.createServer((req, res) => {
    counter.requests++;
    const span = [performance.now(), Number.NaN];
    counter.spans.push(span);
    res.on('finish', () => {
      span[1] = performance.now();
    });
    const fwd = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.on('data', (chunk) => {
          counter.bytes += chunk.length;
        });
        up.pipe(res);
      },
    );
    fwd.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    req.pipe(fwd);
  });
  return new Promise((ok) =>
    server.listen(0, '127.0.0.1', () => ok({ url: `http://127.0.0.1:${server.address().port}`, counter, server })),
  );
}

const TYPES = ['posts', 'pages', 'categories', 'tags'];
const countUrl = (type) => `/${type}?per_page=1&page=1&_fields=id&_envelope=1`;

/** The page reads the job makes after its counts, as URLs: every page of every list. */
async function pageUrls(wp, fields = FIELDS) {
  const urls = [];
  for (const type of TYPES) {
    const head = await wpFetch(wp, 'GET', `/${type}?per_page=1&_fields=id`);
    const pages = Math.ceil(Number(head.res.headers.get('x-wp-total') ?? 0) / PER_PAGE);
    for (let page = 1; page <= pages; page++)
      urls.push(`/${type}?per_page=${PER_PAGE}&page=${page}&_fields=${fields[type]}&_envelope=1&orderby=id&order=asc`);
  }
  return urls;
}

/**
 * Baseline: the job's requests made with fetch: the four counts at once, then the page reads IN_FLIGHT
 * at a time, bodies read and parsed as JSON.
 */
async function rawReads(wp, urls) {
  const t0 = performance.now();
  if (process.env.BENCH_VERBOSE) console.log(`    raw reads start`);
  await Promise.all(TYPES.map((type) => wpFetch(wp, 'GET', countUrl(type))));
  let next = 0;
  const worker = async () => {
    while (next < urls.length) await wpFetch(wp, 'GET', urls[next++]);
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return performance.now() - t0;
}

async function waitJob(base, token, id) {
  for (;;) {
    const res = await api(base, 'GET', `/api/v1/system/settings/task_progress/${id}/`, { token });
    const job = res.job;
    if (job && ['succeeded', 'failed', 'cancelled'].includes(job.status)) return job;
    await sleep(50);
  }
}

/** How long at least one request was at WordPress, of the spans that started after `from`. */
function busyMs(spans, from) {
  const own = spans.filter(([a, b]) => a >= from && Number.isFinite(b)).sort((x, y) => x[0] - y[0]);
  let busy = 0;
  let end = -Infinity;
  for (const [a, b] of own) {
    if (b <= end) continue;
    busy += b - Math.max(a, end);
    end = b;
  }
  return busy;
}

async function syncOnce(base, token, integrationId, counter) {
  const before = counter.requests;
  const t0 = performance.now();
  const started = await api(base, 'POST', `/api/v1/integration/integrations/${integrationId}/sync/`, {
    token,
    body: {},
  });
  const job = await waitJob(base, token, started.job.id);
  const wallMs = performance.now() - t0;
  if (job.status !== 'succeeded') throw new Error(`sync ${job.status}: ${job.error}`);
  return {
    wallMs,
    jobMs: job.finished_at - job.created_at,
    wordpressMs: busyMs(counter.spans, t0),
    firstRequestMs: (counter.spans[before]?.[0] ?? t0) - t0,
    afterLastMs:
      t0 +
      wallMs -
      Math.max(
        t0,
        ...counter.spans
          .slice(before)
          .map(([, b]) => b)
          .filter(Number.isFinite),
      ),
    requests: counter.requests - before,
    result: job.result,
  };
}

/** A site connected to the bench WordPress (through the counting proxy), as a user would connect it. */
async function connectedSite(base, wpThroughProxy, wp, label) {
  const acc = await freshAccount(base, label);
  const integration = await api(base, 'POST', '/api/v1/integration/integrations/', {
    token: acc.token,
    body: {
      site_id: acc.siteId,
      platform: 'wordpress',
      url: wpThroughProxy,
      username: wp.user,
      app_password: wp.appPassword,
      sync_enabled: true,
    },
  });
  return { ...acc, integrationId: integration.id };
}

export async function integrationSyncBenchmarks(base, { posts = 500, rounds = 3, wpPort = 8843 } = {}) {
  const stateDir = process.env.BENCH_WP_STATE ?? `/tmp/wp/bench-${wpPort}`;
  const wp = await startWordPress(wpPort, stateDir);
  const proxy = await countingProxy(wp.url);
  try {
    const total = await ensurePosts(wp, posts);
    const urls = await pageUrls(wp);
    const urlsWithExcerpt = await pageUrls(wp, WITH_EXCERPT);
    console.log(
      `\nWordPress sync of ${total} posts (4 counts + ${urls.length} page reads of ${PER_PAGE}, ` +
        `${IN_FLIGHT} in flight; WordPress ${wp.url}, its own instance)`,
    );
    const firsts = [];
    const agains = [];
    const raws = [];
    const rawsWithExcerpt = [];
    for (let round = 0; round < rounds; round++) {
      // Alternating: baseline, first sync of a fresh site, re-sync of the same site (nothing changed).
      raws.push(await rawReads({ ...wp, url: proxy.url }, urls));
      rawsWithExcerpt.push(await rawReads({ ...wp, url: proxy.url }, urlsWithExcerpt));
      const site = await connectedSite(base, proxy.url, wp, `wpsync${round}`);
      firsts.push(await syncOnce(base, site.token, site.integrationId, proxy.counter));
      agains.push(await syncOnce(base, site.token, site.integrationId, proxy.counter));
      const f = firsts.at(-1);
      const a = agains.at(-1);
      console.log(
        `  round ${round + 1}: raw ${fmt(raws.at(-1), 0)} ms; first sync ${fmt(f.wallMs, 0)} ms wall ` +
          `(job ${f.jobMs} ms; WordPress busy ${fmt(f.wordpressMs, 0)} ms, first request after ` +
          `${fmt(f.firstRequestMs, 0)} ms, done ${fmt(f.afterLastMs, 0)} ms after the last), ` +
          `${f.requests} requests, ${f.result.written} rows; ` +
          `re-sync ${fmt(a.wallMs, 0)} ms (WordPress busy ${fmt(a.wordpressMs, 0)} ms), ` +
          `${a.requests} requests, ${a.result.written} rows written, ${a.result.unchanged} unchanged`,
      );
    }
    const raw = median(raws);
    const first = median(firsts.map((f) => f.wallMs));
    const again = median(agains.map((a) => a.wallMs));
    const requests = firsts[0].requests;
    const rawExcerpt = median(rawsWithExcerpt);
    console.log(`  raw reads with fetch (baseline): ${fmt(raw, 0)} ms, ${urls.length + TYPES.length} requests`);
    console.log(
      `  the same reads with excerpt in _fields (the job's first version): ${fmt(rawExcerpt, 0)} ms ` +
        `(${fmt(rawExcerpt / raw, 2)}x)`,
    );
    console.log(`  first sync: ${fmt(first, 0)} ms, ${requests} requests → ratio sync / raw ${fmt(first / raw, 2)}`);
    console.log(
      `  re-sync, nothing changed: ${fmt(again, 0)} ms, ${agains[0].requests} requests, ` +
        `${agains[0].result.written} rows written → ratio ${fmt(again / raw, 2)}`,
    );
    const med = (f) => median(firsts.map(f));
    console.log(
      `  first sync, medians: WordPress busy ${fmt(
        med((f) => f.wordpressMs),
        0,
      )} ms; before the first request ` +
        `${fmt(
          med((f) => f.firstRequestMs),
          0,
        )} ms; after the last ${fmt(
          med((f) => f.afterLastMs),
          0,
        )} ms`,
    );
    return {
      posts: total,
      first_sync_wordpress_busy_ms: med((f) => f.wordpressMs),
      first_sync_before_first_request_ms: med((f) => f.firstRequestMs),
      first_sync_after_last_request_ms: med((f) => f.afterLastMs),
      baseline_requests: urls.length + TYPES.length,
      raw_ms: raw,
      raw_with_excerpt_ms: rawExcerpt,
      first_sync_ms: first,
      first_sync_job_ms: median(firsts.map((f) => f.jobMs)),
      first_sync_requests: requests,
      resync_ms: again,
      resync_requests: agains[0].requests,
      resync_written: agains[0].result.written,
      ratio_first: first / raw,
      ratio_resync: again / raw,
    };
  } finally {
    await new Promise((ok) => proxy.server.close(ok));
    if (process.env.BENCH_WP_KEEP !== '1')
      await sh('wordpress-down.sh', [], { WP_STATE_DIR: stateDir }).catch((err) => console.warn(String(err)));
  }
}
