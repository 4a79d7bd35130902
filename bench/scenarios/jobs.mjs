// The AI queue (issue 10, item 10): 200 auto_cluster jobs (one AI call each) through the
// SiteCoordinator against the dev model with 20% 429 (Retry-After 1 s) and 5% 5xx, measured
// against the ideal for the calls the run actually needed; and the same 200 jobs spread over two
// sites of one account, where the key's budget must hold for the account, not per site.
//
// Diagnostics: BENCH_DUMP_CALLS=<file> appends one JSON line per AI call the bench proxy saw
// ({variant, started, ended, outcome}, epoch ms) to <file>, to line up with the server's log when
// the queue stalls (which calls were in flight, and when the provider answered them).
import { appendFileSync } from 'node:fs';
import { addSite, api, fmt, freshAccount, getJson, importKeywords, keywordIds, keywordRows, sleep } from '../lib.mjs';
import { idealSeconds, maxOverlap, startRecordingProxy } from './recording-proxy.mjs';

const KEYWORDS_PER_JOB = 3;
const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

/** Sets the account's OpenAI key (a fresh one, so the dev model's stats are this run's alone). */
async function useKey(base, token, baseUrl, budget, label) {
  const key = `bench-${label}-${Date.now()}-${Math.random().toString(36).slice(2, 7)}`;
  await api(base, 'PUT', '/api/v1/system/settings/integrations/openai/', {
    token,
    body: { api_key: key, base_url: `${baseUrl}/v1`, max_concurrency: budget, requests_per_minute: 10_000 },
  });
  return key;
}

/** Starts one auto_cluster job per KEYWORDS_PER_JOB keywords of each site; returns when all ended. */
async function runJobs(base, token, sites) {
  const startedAt = Date.now();
  const started = await Promise.all(
    sites.flatMap(({ ids }) =>
      Array.from({ length: ids.length / KEYWORDS_PER_JOB }, (_, j) =>
        api(base, 'POST', '/api/v1/planner/keywords/auto_cluster/', {
          token,
          body: { ids: ids.slice(j * KEYWORDS_PER_JOB, (j + 1) * KEYWORDS_PER_JOB) },
        }),
      ),
    ),
  );
  const pending = new Set(started.map((j) => j.task_id));
  let failed = 0;
  let lastFinish = startedAt;
  const deadline = Date.now() + 10 * 60_000;
  while (pending.size) {
    if (Date.now() > deadline) throw new Error(`${pending.size} jobs still running after 10 minutes`);
    await sleep(500);
    for (const { siteId } of sites) {
      const jobs = await api(base, 'GET', `/api/v1/system/jobs/?site_id=${siteId}&limit=200`, { token });
      for (const j of jobs) {
        if (!pending.has(j.id) || !TERMINAL.has(j.status)) continue;
        pending.delete(j.id);
        lastFinish = Math.max(lastFinish, j.finished_at ?? Date.now());
        if (j.status !== 'succeeded') failed++;
      }
    }
  }
  return { jobs: started.length, failed, seconds: (lastFinish - startedAt) / 1000 };
}

async function sitesWithKeywords(base, acc, count, perSite) {
  const sites = [{ siteId: acc.siteId, sectorId: acc.sectorId }];
  for (let i = 1; i < count; i++) sites.push(await addSite(base, acc.token, `jobs ${i + 1}`));
  for (const [i, s] of sites.entries()) {
    await importKeywords(base, acc.token, s.siteId, s.sectorId, keywordRows(perSite * KEYWORDS_PER_JOB, 3 + i));
    s.ids = await keywordIds(base, acc.token, s.siteId);
  }
  return sites;
}

/** Appends the proxy's record of each call as JSON lines, on the epoch clock of the server's log. */
function dumpCalls(file, variant, calls) {
  const epoch = Date.now() - performance.now();
  const line = (c) =>
    JSON.stringify({
      variant,
      started: Math.round(epoch + c.started),
      ended: Math.round(epoch + c.ended),
      outcome: c.outcome,
    });
  appendFileSync(file, calls.map((c) => `${line(c)}\n`).join(''));
}

/** One variant: `jobs` jobs spread evenly over `siteCount` sites of a fresh account. */
async function variant(base, devModel, proxy, { label, siteCount, jobs, budget, model }) {
  const acc = await freshAccount(base, label);
  const key = await useKey(base, acc.token, proxy.url, budget, label);
  const sites = await sitesWithKeywords(base, acc, siteCount, jobs / siteCount);
  const run = await runJobs(base, acc.token, sites);
  const stats = await getJson(`${devModel}/__dev/stats?api_key=${encodeURIComponent(key)}`);
  const calls = proxy.calls(key);
  if (process.env.BENCH_DUMP_CALLS) dumpCalls(process.env.BENCH_DUMP_CALLS, label, calls);
  const plan = idealSeconds(
    calls.map((c) => c.outcome),
    {
      jobs,
      concurrency: budget,
      latencyMs: model.latencyMs,
      retryAfterMs: model.retryAfterS * 1000,
    },
  );
  const by = stats.by_outcome ?? {};
  return {
    ...run,
    ...plan,
    ratio: run.seconds / plan.ideal,
    requests: stats.requests,
    recorded: calls.length,
    r429: by['429'] ?? 0,
    r5xx: (by['500'] ?? 0) + (by['503'] ?? 0),
    maxConcurrent: stats.max_concurrent,
    maxOverlap: maxOverlap(calls),
    // How well the run kept its budget busy: AI-call time over wall time (the budget when perfect).
    busy: calls.reduce((t, c) => t + (c.ended - c.started), 0) / 1000 / run.seconds,
  };
}

export async function aiQueue(base, devModel, model = { latencyMs: 500, retryAfterS: 1 }, budget = 4) {
  const proxy = await startRecordingProxy(devModel);
  try {
    const one = await variant(base, devModel, proxy, { label: 'jobs', siteCount: 1, jobs: 200, budget, model });
    console.log(
      `\nAI queue: 200 auto_cluster jobs, one AI call each; dev model ${model.latencyMs} ms, 20% 429 ` +
        `(Retry-After ${model.retryAfterS} s), 5% 5xx; key budget ${budget}`,
    );
    console.log(
      `  AI requests (dev model /__dev/stats): ${one.requests} (429s ${one.r429}, 5xx ${one.r5xx}); ` +
        `recorded by the bench proxy: ${one.recorded}`,
    );
    console.log(
      `  ideal for those requests: ${fmt(one.ideal)} s = ${one.requests} / ${budget} x ${model.latencyMs} ms ` +
        `(${fmt(one.work)} s) + unavoidable Retry-After waits ${fmt(one.waits)} s`,
    );
    console.log(
      `  SiteCoordinator: ${fmt(one.seconds)} s   ratio ${fmt(one.ratio, 2)} (target <= 1.3)   ` +
        `failed jobs ${one.failed}`,
    );
    console.log(
      `  calls in flight: max ${one.maxConcurrent} (dev model), average ${fmt(one.busy, 2)} of the budget's ${budget}`,
    );

    const two = await variant(base, devModel, proxy, { label: 'jobs2', siteCount: 2, jobs: 200, budget, model });
    console.log(`\nAI queue over 2 sites of one account: 100 jobs each, one key, budget ${budget}`);
    console.log(
      `  max concurrent calls for the key at the dev model: ${two.maxConcurrent} (budget ${budget}: per account ` +
        `<= ${budget}, per site it would reach ${2 * budget}); seen by the proxy ${two.maxOverlap}`,
    );
    console.log(
      `  AI requests ${two.requests} (429s ${two.r429}, 5xx ${two.r5xx})   wall ${fmt(two.seconds)} s   ` +
        `ideal ${fmt(two.ideal)} s   ratio ${fmt(two.ratio, 2)}   failed jobs ${two.failed}`,
    );
    return { oneSite: one, twoSites: two, budget };
  } finally {
    await proxy.close();
  }
}
