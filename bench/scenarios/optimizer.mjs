// The Optimizer's score of a 3,000-word draft and the Linker's suggestions against 5,000 pages
// (issue 11, "Speed": <= 5 ms and <= 50 ms), cold and warm, in workerd and in Chromium. Both run the
// same steps (worker/bench/optimizer-workload.ts, the inputs of scripts/bench-score.ts and
// bench-linker.ts); each is reported next to Intl.Segmenter over the same text in the same run.
//
// workerd: its clock stands still during synchronous work (a Spectre mitigation), so the steps are
// timed from here: a request runs k steps of one workload, `bare` handles the request alike and
// calls nothing; per step = (median latency − bare's median) / k. The workloads alternate request
// by request (in a rotating order), one connection, one request at a time.
// Chromium: the module bundled with esbuild runs in a blank page, timed there with performance.now().
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import { build } from 'esbuild';
import { fmt, freshAccount, median, percentile } from '../lib.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const PHASES = {
  score: ['score-segment', 'score-cold', 'score-warm'],
  links: ['links-segment', 'links-cold', 'links-warm'],
};

/** GET over one kept-alive connection (one request at a time); resolves to the latency in ms. */
function timedGet(agent, url, token) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = http.get(url, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('error', reject);
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`GET ${url} → ${res.statusCode}`));
        else resolve(performance.now() - start);
      });
    });
    req.setTimeout(120_000, () => req.destroy(new Error(`GET ${url}: no answer in 120 s`)));
    req.on('error', reject);
  });
}

/** Per-step figures of one workload against the `bare` route's median latency. */
function perStep(latencies, bareMedian, k) {
  return {
    requestMedian: median(latencies),
    requestP99: percentile(latencies, 99),
    median: (median(latencies) - bareMedian) / k,
    // The p99 request's mean step: a request averages k steps, so this is not a single step's p99.
    p99: (percentile(latencies, 99) - bareMedian) / k,
  };
}

async function workerdPhase(base, token, workloads, { rounds, warmup, k }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const all = ['bare', ...workloads];
  const latencies = Object.fromEntries(all.map((w) => [w, []]));
  try {
    for (let round = 0; round < warmup + rounds; round++) {
      for (let j = 0; j < all.length; j++) {
        const w = all[(round + j) % all.length];
        const ms = await timedGet(agent, `${base}/api/v1/_bench/optimizer/${w}/?k=${k}`, token);
        if (round >= warmup) latencies[w].push(ms);
      }
    }
  } finally {
    agent.destroy();
  }
  const bare = { requestMedian: median(latencies.bare), requestP99: percentile(latencies.bare, 99) };
  const out = { bare };
  for (const w of workloads) out[w] = perStep(latencies[w], bare.requestMedian, k);
  return out;
}

// The page times each step itself; the workloads of a phase alternate step by step.
const ENTRY = `
import { benchInputs, runStep } from './worker/bench/optimizer-workload';
globalThis.optimizerBench = (workloads, runs, warmup) => {
  benchInputs();
  const times = Object.fromEntries(workloads.map((w) => [w, []]));
  for (let i = 0; i < warmup + runs; i++) {
    for (const w of workloads) {
      const start = performance.now();
      runStep(w, i);
      if (i >= warmup) times[w].push(performance.now() - start);
    }
  }
  return times;
};
`;

async function chromiumSide({ runs, warmup }) {
  const out = await build({
    stdin: { contents: ENTRY, resolveDir: REPO, loader: 'ts', sourcefile: 'optimizer-bench-entry.ts' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  // Debian's Chromium, as playwright.config.ts launches it (no browser download is possible here).
  const browser = await chromium.launch({
    executablePath: process.env.BENCH_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  try {
    const page = await browser.newPage();
    await page.goto('about:blank');
    await page.addScriptTag({ content: out.outputFiles[0]?.text ?? '' });
    const version = browser.version();
    const result = { version };
    for (const [phase, workloads] of Object.entries(PHASES)) {
      const n = phase === 'links' ? Math.ceil(runs / 2) : runs;
      const times = await page.evaluate(([w, r, u]) => globalThis.optimizerBench(w, r, u), [workloads, n, warmup]);
      for (const w of workloads) result[w] = { median: median(times[w]), p99: percentile(times[w], 99), runs: n };
    }
    return result;
  } finally {
    await browser.close();
  }
}

const LABELS = {
  'score-segment': 'baseline: Intl.Segmenter (words, sentences)',
  'score-cold': 'score, cold (memo tables forgotten)',
  'score-warm': 'score, warm (one paragraph edited)',
  'links-segment': 'baseline: Intl.Segmenter (words)',
  'links-cold': 'links, cold (new inventory array: index built)',
  'links-warm': 'links, warm (same inventory, one paragraph edited)',
};

function print(title, figures, baselineOf) {
  console.log(`\n${title}`);
  console.log(`  ${'step'.padEnd(50)} ${'median ms'.padStart(9)} ${'p99 ms'.padStart(8)} ${'/ baseline'.padStart(10)}`);
  for (const workloads of Object.values(PHASES)) {
    const baseline = figures[workloads[0]].median;
    for (const w of workloads) {
      const f = figures[w];
      const ratio = w === workloads[0] ? '' : `${fmt(f.median / baseline, 1)}×`;
      console.log(
        `  ${LABELS[w].padEnd(50)} ${fmt(f.median, 2).padStart(9)} ${fmt(f.p99, 2).padStart(8)} ${ratio.padStart(10)}`,
      );
    }
    if (baselineOf) console.log(`  ${baselineOf(workloads)}`);
  }
}

export async function optimizerBenchmarks(base, { rounds, warmup = 3, k = 20, runs = 200 }) {
  const { token } = await freshAccount(base, 'optimizer');
  const workerd = {};
  for (const workloads of Object.values(PHASES)) {
    Object.assign(workerd, await workerdPhase(base, token, workloads, { rounds, warmup, k }));
    workerd[`bare ${workloads[0].split('-')[0]}`] = workerd.bare;
  }
  delete workerd.bare;
  print(
    `Optimizer and Linker in workerd: ${k} steps per request, ${rounds} alternating rounds; per step = ` +
      '(median − bare median) / k; p99 = the p99 request / k',
    workerd,
    (workloads) => {
      const bare = workerd[`bare ${workloads[0].split('-')[0]}`];
      return `(bare route: median ${fmt(bare.requestMedian, 1)} ms, p99 ${fmt(bare.requestP99, 1)} ms a request)`;
    },
  );
  const browser = await chromiumSide({ runs, warmup: 20 });
  print(
    `Optimizer and Linker in Chromium ${browser.version}: ${runs} score / ${Math.ceil(runs / 2)} link runs, ` +
      'steps alternating, timed in the page',
    browser,
  );
  return { k, rounds, workerd, chromium: browser };
}
