// Issue 2/3 benchmarks: CSV import vs a raw batched insert, 200 AI jobs vs the ideal for the
// concurrency budget (and 429s vs a naive SDK run), progress fan-out to 50 members.
import OpenAI from 'openai';
import WebSocket from 'ws';
import { api, freshAccount, keywordRows, median, percentile, sleep } from '../lib.mjs';

/** CSV import of 10,000 keywords against a raw batched insert of the same rows (fresh sectors each round). */
export async function importVsRawInsert(base, rounds = 3) {
  const acc = await freshAccount(base, 'import');
  const rows = keywordRows(10_000);
  const csv = 'keyword,volume,difficulty,intent\n' + rows.map((r) => `${r.k},${r.v},${r.d},${r.i}`).join('\n');
  const times = { import: [], raw: [] };
  let n = 0;
  const freshSector = async () => (await api(base, 'POST', '/api/v1/auth/sectors/', { token: acc.token, body: { site_id: acc.siteId, name: `round ${++n}` } })).id;
  const drop = (id) => api(base, 'DELETE', `/api/v1/auth/sectors/${id}/`, { token: acc.token });
  for (let i = 0; i < rounds + 1; i++) {
    const a = await freshSector();
    let t = performance.now();
    const res = await api(base, 'POST', `/api/v1/planner/keywords/import/?site_id=${acc.siteId}&sector_id=${a}`, { token: acc.token, raw: csv, headers: { 'content-type': 'text/csv' } });
    const tImport = performance.now() - t;
    if (res.imported !== rows.length) throw new Error(`import imported ${res.imported}`);
    await drop(a);
    const b = await freshSector();
    t = performance.now();
    await api(base, 'POST', '/api/v1/_bench/raw_keyword_insert/', { token: acc.token, body: { site_id: acc.siteId, sector_id: b, rows } });
    const tRaw = performance.now() - t;
    await drop(b);
    if (i > 0) {
      times.import.push(tImport);
      times.raw.push(tRaw);
    }
  }
  const mi = median(times.import);
  const mr = median(times.raw);
  console.log('\nCSV import of 10,000 keywords vs a raw batched insert of the same rows (same run, median of alternating rounds)');
  console.log(`  CSV import (stream parse, validate, dedupe, upsert via json_each)  ${mi.toFixed(0).padStart(6)} ms   ${(rows.length / (mi / 1000)).toFixed(0)} rows/s`);
  console.log(`  raw INSERT batch (9 rows per statement)                            ${mr.toFixed(0).padStart(6)} ms   ${(rows.length / (mr / 1000)).toFixed(0)} rows/s`);
  console.log(`  ratio (import / raw insert time): ${(mi / mr).toFixed(2)}`);
}

async function devStats(devModel, key) {
  return (await fetch(`${devModel}/__dev/stats?api_key=${encodeURIComponent(key)}`)).json();
}

/** 200 auto_cluster jobs through the SiteCoordinator vs the ideal; 429s vs a naive SDK run. */
export async function twoHundredJobs(base, devModel, { latencyMs, concurrency }) {
  const acc = await freshAccount(base, 'jobs');
  const key = `bench-coordinator-${Date.now()}`;
  await api(base, 'PUT', '/api/v1/system/settings/integrations/openai/', {
    token: acc.token,
    body: { api_key: key, base_url: `${devModel}/v1`, max_concurrency: concurrency, requests_per_minute: 10_000 },
  });
  const rows = keywordRows(600, 3);
  const csv = 'keyword,volume\n' + rows.map((r) => `${r.k},${r.v}`).join('\n');
  await api(base, 'POST', `/api/v1/planner/keywords/import/?site_id=${acc.siteId}&sector_id=${acc.sectorId}`, { token: acc.token, raw: csv, headers: { 'content-type': 'text/csv' } });
  const ids = [];
  for (let page = 1; ids.length < 600; page++) {
    const res = await fetch(`${base}/api/v1/planner/keywords/?site_id=${acc.siteId}&page_size=200&page=${page}&ordering=id`, { headers: { authorization: `Bearer ${acc.token}` } }).then((r) => r.json());
    ids.push(...res.results.map((k) => k.id));
    if (!res.next) break;
  }
  const started = performance.now();
  const jobs = await Promise.all(
    Array.from({ length: 200 }, (_, j) => api(base, 'POST', '/api/v1/planner/keywords/auto_cluster/', { token: acc.token, body: { ids: ids.slice(j * 3, j * 3 + 3) } })),
  );
  const pending = new Set(jobs.map((j) => j.task_id));
  let failed = 0;
  while (pending.size) {
    await sleep(250);
    const list = await api(base, 'GET', `/api/v1/system/jobs/?site_id=${acc.siteId}&limit=200`, { token: acc.token });
    for (const j of list) {
      if (pending.has(j.id) && ['succeeded', 'failed', 'cancelled'].includes(j.status)) {
        pending.delete(j.id);
        if (j.status !== 'succeeded') failed++;
      }
    }
  }
  const total = (performance.now() - started) / 1000;
  const ideal = (Math.ceil(200 / concurrency) * latencyMs) / 1000;
  const ours = await devStats(devModel, key);

  // Naive: the SDK with its defaults (2 retries, its own backoff), all 200 calls at once.
  const naiveKey = `bench-naive-${Date.now()}`;
  const client = new OpenAI({ apiKey: naiveKey, baseURL: `${devModel}/v1` });
  const body = (j) => ({
    model: 'igny8-dev-small',
    messages: [{ role: 'user', content: 'INPUT:\n```json\n' + JSON.stringify({ keywords: rows.slice(j * 3, j * 3 + 3).map((r) => ({ keyword: r.k })) }) + '\n```' }],
    response_format: { type: 'json_schema', json_schema: { name: 'auto_cluster', schema: { type: 'object' } } },
  });
  const naiveStart = performance.now();
  const naive = await Promise.allSettled(Array.from({ length: 200 }, (_, j) => client.chat.completions.create(body(j))));
  const naiveTotal = (performance.now() - naiveStart) / 1000;
  const naiveStats = await devStats(devModel, naiveKey);

  console.log(`\n200 auto_cluster jobs, one AI call each: dev model at ${latencyMs} ms latency, 20% 429 (Retry-After 1 s), 5% 5xx, per-key limit`);
  console.log(`  SiteCoordinator (budget ${concurrency} concurrent)   total ${total.toFixed(1)} s   ideal ${ideal.toFixed(1)} s   ratio ${(total / ideal).toFixed(2)}   failed jobs ${failed}`);
  console.log(`    AI requests ${ours.requests}, 429s ${ours.by_outcome['429'] ?? 0}, 5xx ${(ours.by_outcome['500'] ?? 0) + (ours.by_outcome['503'] ?? 0)}`);
  console.log(`  naive SDK defaults (maxRetries 2, all at once)   total ${naiveTotal.toFixed(1)} s   failed calls ${naive.filter((r) => r.status === 'rejected').length}`);
  console.log(`    AI requests ${naiveStats.requests}, 429s ${naiveStats.by_outcome['429'] ?? 0}, 5xx ${(naiveStats.by_outcome['500'] ?? 0) + (naiveStats.by_outcome['503'] ?? 0)}`);
  console.log(`  429s: coordinator / naive = ${((ours.by_outcome['429'] ?? 0) / Math.max(1, naiveStats.by_outcome['429'] ?? 0)).toFixed(2)}`);
}

/** Progress fan-out: latency from the coordinator's update to 50 members, against ping→pong on the same sockets. */
export async function progressFanOut(base, members = 50) {
  const acc = await freshAccount(base, 'fanout');
  const rows = keywordRows(200, 5);
  const csv = 'keyword,volume\n' + rows.map((r) => `${r.k},${r.v}`).join('\n');
  await api(base, 'POST', `/api/v1/planner/keywords/import/?site_id=${acc.siteId}&sector_id=${acc.sectorId}`, { token: acc.token, raw: csv, headers: { 'content-type': 'text/csv' } });
  const list = await fetch(`${base}/api/v1/planner/keywords/?site_id=${acc.siteId}&page_size=200`, { headers: { authorization: `Bearer ${acc.token}` } }).then((r) => r.json());
  const { ticket } = await api(base, 'POST', '/api/v1/auth/tickets/', { token: acc.token, body: { purpose: 'site_socket', site_id: acc.siteId } });
  const wsUrl = `${base.replace(/^http/, 'ws')}/ws/sites/${acc.siteId}?ticket=${encodeURIComponent(ticket)}`;
  const progress = [];
  const pings = [];
  let finished = 0;
  const sockets = await Promise.all(
    Array.from({ length: members }, () => new Promise((resolve, reject) => {
      const ws = new WebSocket(wsUrl);
      ws.on('message', (data) => {
        const now = Date.now();
        const e = JSON.parse(String(data));
        if (e.type === 'job') {
          progress.push(now - e.job.updated_at);
          if (e.job.status === 'succeeded') finished++;
        }
        if (e.type === 'pong') pings.push(now - e.t);
      });
      ws.on('open', () => resolve(ws));
      ws.on('error', reject);
    })),
  );
  await sleep(300);
  for (let round = 0; round < 5; round++) {
    for (const ws of sockets) ws.send(JSON.stringify({ type: 'ping', t: Date.now() }));
    await sleep(100);
  }
  await api(base, 'POST', '/api/v1/planner/keywords/auto_cluster/', { token: acc.token, body: { ids: list.results.map((k) => k.id) } });
  const deadline = Date.now() + 120_000;
  while (finished < members && Date.now() < deadline) await sleep(100);
  for (const ws of sockets) ws.close();
  console.log(`\nProgress fan-out to ${members} connected members of one site (${progress.length} frames)`);
  console.log(`  job progress frame, coordinator update → member   p50 ${percentile(progress, 50)} ms   p99 ${percentile(progress, 99)} ms`);
  console.log(`  baseline ping → pong on the same sockets           p50 ${percentile(pings, 50)} ms   p99 ${percentile(pings, 99)} ms`);
}
