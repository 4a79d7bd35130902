// Benchmarks against a running worker. Each scenario is measured against a baseline in the same
// run (alternating rounds, medians reported) so the figure that matters is the ratio.
// Usage: node bench/run.mjs <base url>
import { execFileSync } from 'node:child_process';
import { setupFoundation } from './scenarios/foundation.mjs';
import { importVsRawInsert, progressFanOut, twoHundredJobs } from './scenarios/planner.mjs';
import { yjsBenchmarks } from './scenarios/yjs.mjs';

const base = process.argv[2] ?? 'http://127.0.0.1:8790';
const devModel = process.argv[3] ?? 'http://127.0.0.1:8797';
const only = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
const wanted = (name) => only.length === 0 || only.includes(name);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const loadPrefix = (process.env.BENCH_LOAD_PREFIX ?? '').split(' ').filter(Boolean);

/** One autocannon run (as a child process, so it can be pinned to its own core). */
function load(url, headers = {}) {
  const args = ['-c', String(CONNECTIONS), '-d', String(DURATION), '--json'];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}=${v}`);
  args.push(url);
  const cmd = loadPrefix.length ? loadPrefix[0] : 'autocannon';
  const cmdArgs = loadPrefix.length ? [...loadPrefix.slice(1), 'autocannon', ...args] : args;
  const out = JSON.parse(execFileSync(cmd, cmdArgs, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 }));
  if (out.non2xx > 0 || out.errors > 0) throw new Error(`${url}: ${out.non2xx} non-2xx, ${out.errors} errors`);
  return { rps: out.requests.average, p50: out.latency.p50, p99: out.latency.p99 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Alternates baseline and subject for ROUNDS rounds and reports medians and the ratio. */
function compare(name, baseline, subject) {
  const runs = { baseline: [], subject: [] };
  load(baseline.url, baseline.headers); // warm-up, discarded
  load(subject.url, subject.headers);
  for (let i = 0; i < ROUNDS; i++) {
    runs.baseline.push(load(baseline.url, baseline.headers));
    runs.subject.push(load(subject.url, subject.headers));
  }
  const summary = (rs) => ({ rps: median(rs.map((r) => r.rps)), p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)) });
  const b = summary(runs.baseline);
  const s = summary(runs.subject);
  console.log(`\n${name}`);
  console.log(`  ${'route'.padEnd(44)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)}`);
  console.log(`  ${baseline.label.padEnd(44)} ${b.rps.toFixed(0).padStart(8)} ${String(b.p50).padStart(7)} ${String(b.p99).padStart(7)}`);
  console.log(`  ${subject.label.padEnd(44)} ${s.rps.toFixed(0).padStart(8)} ${String(s.p50).padStart(7)} ${String(s.p99).padStart(7)}`);
  console.log(`  ratio (subject / baseline throughput): ${(s.rps / b.rps).toFixed(2)}`);
  return { name, baseline: b, subject: s, ratio: s.rps / b.rps };
}

console.log(`IGNY8 Edge benchmarks — ${CONNECTIONS} connections, ${DURATION}s per run, median of ${ROUNDS} alternating rounds`);
if (wanted('list')) {
const fixture = await setupFoundation(base);
compare(
  'Authenticated paginated list vs a bare route on the same worker',
  { label: 'GET /api/health (bare)', url: `${base}/api/health` },
  {
    label: `GET /api/v1/auth/sectors/?page_size=10 (${fixture.sectorCount} rows)`,
    url: `${base}/api/v1/auth/sectors/?page_size=10&ordering=-created_at`,
    headers: { authorization: `Bearer ${fixture.token}` },
  },
);
}
if (wanted('import')) await importVsRawInsert(base);
if (wanted('jobs')) await twoHundredJobs(base, devModel, { latencyMs: 500, concurrency: 4 });
if (wanted('fanout')) await progressFanOut(base, 50);
if (wanted('yjs')) await yjsBenchmarks(base, { rounds: ROUNDS, seconds: DURATION, loadPrefix });
