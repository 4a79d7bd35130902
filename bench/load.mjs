// HTTP load with autocannon, one child process per run (so it can be pinned to the load core and
// holds no socket in the bench process once it exits).
import { execFileSync } from 'node:child_process';
import { fmt, median, ratio } from './lib.mjs';

export const settings = {
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
  seconds: Number(process.env.BENCH_SECONDS ?? 8),
  warmupSeconds: Number(process.env.BENCH_WARMUP_SECONDS ?? 3),
  loadPrefix: (process.env.BENCH_LOAD_PREFIX ?? '').split(' ').filter(Boolean),
};

/**
 * One autocannon run; fails on any non-2xx answer or socket error, and (unless it is a warm-up) on a
 * run that got no answer at all: requests still open when the run ends are not counted.
 */
function load(url, { connections, seconds, headers = {}, warmup = false, status }) {
  const args = ['-c', String(connections), '-d', String(seconds), '--json'];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}=${v}`);
  args.push(url);
  const [cmd, ...prefixArgs] = settings.loadPrefix.length ? [...settings.loadPrefix, 'autocannon'] : ['autocannon'];
  const out = JSON.parse(
    execFileSync(cmd, [...prefixArgs, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      maxBuffer: 64 << 20,
    }),
  );
  // `status` (e.g. 304): every answer must carry it instead of a 2xx.
  const wrong = status ? out.requests.total - (out.statusCodeStats?.[status]?.count ?? 0) : out.non2xx;
  if (wrong > 0 || out.errors > 0 || (!warmup && out.requests.total === 0)) {
    throw new Error(
      `${url}: ${out.requests.total} answers, ${wrong} ${status ?? '2xx'}-less, ${out.errors} errors ` +
        `(${out.timeouts} timeouts)`,
    );
  }
  return { rps: out.requests.average, p50: out.latency.p50, p99: out.latency.p99 };
}

/**
 * Alternates baseline and subject for `rounds` rounds after a discarded warm-up of each, and
 * prints medians and the subject/baseline ratios (throughput, p50, p99).
 */
export function compare(title, baseline, subject, { connections }) {
  const { rounds, seconds, warmupSeconds } = settings;
  load(baseline.url, { connections, seconds: warmupSeconds, headers: baseline.headers, warmup: true });
  load(subject.url, {
    connections,
    seconds: warmupSeconds,
    headers: subject.headers,
    warmup: true,
    status: subject.status,
  });
  const runs = { baseline: [], subject: [] };
  for (let i = 0; i < rounds; i++) {
    runs.baseline.push(load(baseline.url, { connections, seconds, headers: baseline.headers }));
    runs.subject.push(load(subject.url, { connections, seconds, headers: subject.headers, status: subject.status }));
  }
  const summary = (rs) => ({
    rps: median(rs.map((r) => r.rps)),
    p50: median(rs.map((r) => r.p50)),
    p99: median(rs.map((r) => r.p99)),
  });
  const b = summary(runs.baseline);
  const s = summary(runs.subject);
  const width = Math.max(baseline.label.length, subject.label.length, 10);
  const line = (label, x) =>
    `  ${label.padEnd(width)} ${fmt(x.rps, 0).padStart(8)} ${fmt(x.p50).padStart(8)} ${fmt(x.p99).padStart(8)}`;
  console.log(`\n${title}: ${connections} connections, ${seconds} s per run, median of ${rounds} alternating rounds`);
  console.log(`  ${'route'.padEnd(width)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`);
  console.log(line(baseline.label, b));
  console.log(line(subject.label, s));
  const result = {
    baseline: b,
    subject: s,
    throughput: ratio(s.rps, b.rps),
    p50: ratio(s.p50, b.p50),
    p99: ratio(s.p99, b.p99),
  };
  console.log(
    `  ratios (subject / baseline): throughput ${fmt(result.throughput, 2)}   p50 ${fmt(result.p50, 2)}   ` +
      `p99 ${fmt(result.p99, 2)}`,
  );
  return result;
}
