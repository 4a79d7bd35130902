// A pass-through proxy in front of the dev model that records when each chat completion started
// and ended and how it was answered, in order. The dev model's /__dev/stats only counts outcomes;
// the ideal time of the AI queue needs their order (which attempt met a 429 and when).
import http from 'node:http';

const CHAT = '/v1/chat/completions';

function outcomeOf(status) {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 429) return '429';
  if (status >= 500) return '5xx';
  return 'other';
}

export async function startRecordingProxy(target) {
  const upstream = new URL(target);
  const log = [];
  const server = http.createServer((req, res) => {
    const started = performance.now();
    const key = String(req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
    const up = http.request({
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: upstream.host, connection: 'close' },
      agent: false,
    });
    up.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
      answer.on('end', () => {
        if (req.url?.startsWith(CHAT)) {
          log.push({ key, started, ended: performance.now(), outcome: outcomeOf(answer.statusCode ?? 502) });
        }
      });
    });
    up.on('error', () => res.destroy());
    // The worker gave up on the call (its per-attempt timeout): drop the upstream request too.
    res.on('close', () => {
      if (!res.writableFinished) up.destroy();
    });
    req.pipe(up);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    /** The chat completions of one API key, in the order they started. */
    calls: (key) => log.filter((c) => c.key === key).sort((a, b) => a.started - b.started),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The most calls of a list that were in flight at the same moment. */
export function maxOverlap(calls) {
  const edges = calls
    .flatMap((c) => [
      [c.started, 1],
      [c.ended, -1],
    ])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, d] of edges) max = Math.max(max, (now += d));
  return max;
}

/**
 * The ideal time for the calls a run actually needed: the same outcomes in the same order, taken by
 * a scheduler with no overhead that keeps `concurrency` calls in flight whenever a job is ready,
 * waits exactly Retry-After after a 429 and not at all after a 5xx. What it cannot hide behind
 * other calls (a job whose retry is due when nothing else is left to run) is the unavoidable wait.
 */
export function idealSeconds(outcomes, { jobs, concurrency, latencyMs, retryAfterMs }) {
  const slotFreeAt = Array(concurrency).fill(0);
  const readyAt = Array(jobs).fill(0);
  let end = 0;
  for (const outcome of outcomes) {
    if (readyAt.length === 0) break;
    const slot = slotFreeAt.indexOf(Math.min(...slotFreeAt));
    const job = readyAt.indexOf(Math.min(...readyAt));
    const start = Math.max(slotFreeAt[slot], readyAt[job]);
    readyAt.splice(job, 1);
    const finish = start + latencyMs;
    slotFreeAt[slot] = finish;
    end = Math.max(end, finish);
    if (outcome === '429') readyAt.push(finish + retryAfterMs);
    else if (outcome === '5xx') readyAt.push(finish);
  }
  const work = (Math.ceil(outcomes.length / concurrency) * latencyMs) / 1000;
  return { ideal: end / 1000, work, waits: Math.max(0, end / 1000 - work) };
}
