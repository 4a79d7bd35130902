// Yjs benchmarks of the DraftRoom, each next to a stock Yjs server (@y/websocket-server, the
// reference y-websocket backend, in memory, no persistence) run on the same machine:
//  1. broadcast latency, 20 clients x 10 updates/s in one room (p50/p99), alternating rounds;
//  2. storage writes per update in the DraftRoom (its own counters, via the bench stats route);
//  3. opening a 1.6 MB draft: cold (room restarted, state read back from chunked storage) and warm,
//     against opening the same document on the stock server (always warm: it keeps docs in memory).
// Needs BENCH_ROUTES=true (or TEST_ROUTES=true) on the worker, and @y/websocket-server@0.1.1
// installed (or Y_WEBSOCKET_SERVER=<path to its src/server.js>); without it the baselines are skipped.
import { execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { api, fmt, freshAccount, median, ratio, request, sleep } from '../lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const CLIENTS = Number(process.env.BENCH_YJS_CLIENTS ?? 20);
const RATE = Number(process.env.BENCH_YJS_RATE ?? 10);
const DOC_BYTES = 1.6 * 1024 * 1024;
// The clients offer permessage-deflate, as browsers do (and y-websocket's `ws` in Node). The stock
// server never takes it (ws servers don't by default); workerd does, so every DraftRoom frame is
// compressed per socket: a 1.6 MB open spends ~0.2 s compressing and inflating on loopback.
// BENCH_YJS_DEFLATE=0 compares the two servers without it (what each does with the Yjs messages).
const DEFLATE = process.env.BENCH_YJS_DEFLATE !== '0';
class PlainWebSocket extends WebSocket {
  constructor(url, protocols) {
    super(url, protocols, { perMessageDeflate: false });
  }
}
const Socket = DEFLATE ? WebSocket : PlainWebSocket;
// y-websocket adds a process 'exit' listener per provider in Node.
process.setMaxListeners(50);

function stockServerScript() {
  if (process.env.Y_WEBSOCKET_SERVER) return process.env.Y_WEBSOCKET_SERVER;
  try {
    const pkg = createRequire(import.meta.url).resolve('@y/websocket-server/package.json');
    return path.join(path.dirname(pkg), 'src', 'server.js');
  } catch {
    return null;
  }
}

async function freePort() {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** The stock server on its own port, pinned like the worker (core 0) when taskset is there. */
async function startStockServer() {
  const script = stockServerScript();
  if (!script) return null;
  const port = await freePort();
  const pin = hasTaskset() ? ['taskset', '-c', '0'] : [];
  const [cmd, ...args] = [...pin, process.execPath, script];
  const child = spawn(cmd, args, { env: { ...process.env, HOST: '127.0.0.1', PORT: String(port) }, stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    try {
      if ((await request(`http://127.0.0.1:${port}/`)).status === 200)
        return { url: `ws://127.0.0.1:${port}`, stop: () => stopChild(child) };
    } catch {
      /* not up yet */
    }
    await sleep(100);
  }
  await stopChild(child);
  throw new Error('the stock y-websocket server did not start');
}

/** Ends a child process and waits until it is gone (a live child handle keeps node running). */
function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill();
  });
}

/**
 * Closes a provider and its document. The document must be destroyed too: the provider's
 * Awareness keeps a 3 s setInterval until its doc is destroyed, which kept the bench from exiting.
 */
function closeProvider(provider) {
  provider.destroy();
  provider.doc.destroy();
}

function hasTaskset() {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) >= 2;
  } catch {
    return false;
  }
}

/** One load run in a child process (pinned to the load core like autocannon). */
function runLoad(loadPrefix, cfg) {
  const script = path.join(here, 'yjs-load.mjs');
  const [cmd, ...args] = loadPrefix.length ? [...loadPrefix, process.execPath, script] : [process.execPath, script];
  const out = execFileSync(cmd, [...args, JSON.stringify(cfg)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop());
}

/** Resolves when the provider holds the server's state; fails after a minute instead of hanging the bench. */
const synced = (p) =>
  p.synced
    ? Promise.resolve()
    : new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`${p.url}: not synced after 60 s`)), 60_000);
        p.on('sync', (isSynced) => {
          if (!isSynced) return;
          clearTimeout(t);
          resolve();
        });
      });

/** Opens `room` with a fresh client and returns the ms until it holds the server's state. */
async function timeOpen(url, room, params) {
  const doc = new Y.Doc();
  const t0 = performance.now();
  const provider = new WebsocketProvider(url, room, doc, { params, WebSocketPolyfill: Socket, disableBc: true });
  await synced(provider);
  const ms = performance.now() - t0;
  return { ms, provider, bytes: Y.encodeStateAsUpdate(doc).byteLength };
}

/** Types ~1.6 MB of paragraphs into `room` through one client, in 64 KB transactions. */
async function fill(url, room, params) {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(url, room, doc, { params, WebSocketPolyfill: Socket, disableBc: true });
  await synced(provider);
  const fragment = doc.getXmlFragment('default');
  let words = 0;
  let i = 0;
  while (Y.encodeStateAsUpdate(doc).byteLength < DOC_BYTES) {
    doc.transact(() => {
      for (let k = 0; k < 64; k++, i++) {
        const p = new Y.XmlElement('paragraph');
        p.insert(0, [new Y.XmlText(Array.from({ length: 120 }, (_, w) => `p${i}w${w}`).join(' '))]);
        fragment.push([p]);
        words += 120;
      }
    });
    await sleep(5);
  }
  return { provider, words, bytes: Y.encodeStateAsUpdate(doc).byteLength };
}

export async function yjsBenchmarks(base, { rounds = 3, seconds = 8, loadPrefix = [] } = {}) {
  const fx = await freshAccount(base, 'yjs');
  // Sockets open with a draft_socket ticket (good for a minute to connect), asked for right before each use.
  const params = async (id) => ({
    ticket: (
      await api(base, 'POST', '/api/v1/auth/tickets/', {
        token: fx.token,
        body: { purpose: 'draft_socket', content_id: Number(id) },
      })
    ).ticket,
  });
  const draftUrl = `${base.replace(/^http/, 'ws')}/parties/draft-room`;
  const newDraft = async (title) =>
    (
      await api(base, 'POST', '/api/v1/writer/content/', {
        token: fx.token,
        body: { site_id: fx.siteId, sector_id: fx.sectorId, title },
      })
    ).id;
  const stats = (id) => api(base, 'GET', `/api/v1/_test/draft-rooms/${id}/stats/`, { token: fx.token });
  const restart = (id) => api(base, 'POST', `/api/v1/_test/draft-rooms/${id}/restart/`, { token: fx.token });
  const stock = await startStockServer();
  const result = {};
  if (!stock)
    console.log(
      '\n(@y/websocket-server not installed: stock-server baselines skipped; npm i -D @y/websocket-server@0.1.1)',
    );

  try {
    // 1 + 2. Broadcast latency and storage writes per update.
    const runs = { stock: [], draft: [] };
    const writes = [];
    for (let r = 0; r < rounds; r++) {
      if (stock)
        runs.stock.push(
          runLoad(loadPrefix, {
            url: stock.url,
            room: `bench-${r}`,
            clients: CLIENTS,
            rate: RATE,
            seconds,
            deflate: DEFLATE,
          }),
        );
      const id = await newDraft(`Broadcast ${r}`);
      const before = await stats(id);
      const result = runLoad(loadPrefix, {
        url: draftUrl,
        room: String(id),
        params: await params(id),
        clients: CLIENTS,
        rate: RATE,
        seconds,
        deflate: DEFLATE,
      });
      runs.draft.push(result);
      await sleep(500); // the last client leaving saves the room
      const after = await stats(id);
      writes.push({
        updates: result.typed,
        puts: after.put_calls - before.put_calls,
        keys: after.keys_written - before.keys_written,
        bytes: after.bytes_written - before.bytes_written,
        saves: after.saves - before.saves,
      });
    }
    const summary = (rs) => ({
      p50: median(rs.map((x) => x.p50)),
      p99: median(rs.map((x) => x.p99)),
      lost: rs.reduce((n, x) => n + (x.expected - x.received), 0),
    });
    const row = (label, x) =>
      console.log(
        `  ${label.padEnd(44)} ${fmt(x.p50, 2).padStart(7)} ${fmt(x.p99, 2).padStart(7)} ${String(x.lost).padStart(6)}`,
      );
    const stockB = stock ? summary(runs.stock) : null;
    const draftB = summary(runs.draft);
    console.log(
      `\nYjs broadcast: ${CLIENTS} clients x ${RATE} updates/s in one room, ${seconds}s, median of ${rounds} rounds` +
        (DEFLATE ? '' : ' (clients without permessage-deflate: BENCH_YJS_DEFLATE=0)'),
    );
    console.log(`  ${'server'.padEnd(44)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'lost'.padStart(6)}`);
    if (stockB) row('@y/websocket-server (Node, in memory)', stockB);
    row('DraftRoom (y-partyserver, wrangler dev)', draftB);
    result.broadcast = {
      stock: stockB,
      draft: draftB,
      p50: ratio(draftB.p50, stockB?.p50),
      p99: ratio(draftB.p99, stockB?.p99),
    };
    if (stockB) {
      console.log(
        `  ratios (DraftRoom / stock): p50 ${fmt(result.broadcast.p50, 2)} (target <= 2)   ` +
          `p99 ${fmt(result.broadcast.p99, 2)} (target <= 1.5)`,
      );
    }
    console.log(`  lost updates: ${draftB.lost} (DraftRoom; target 0)`);
    const w = writes.reduce(
      (a, x) => ({
        updates: a.updates + x.updates,
        puts: a.puts + x.puts,
        keys: a.keys + x.keys,
        bytes: a.bytes + x.bytes,
        saves: a.saves + x.saves,
      }),
      { updates: 0, puts: 0, keys: 0, bytes: 0, saves: 0 },
    );
    console.log(
      `  DraftRoom storage: ${w.saves} saves, ${w.puts} put batches, ${w.keys} keys, ` +
        `${(w.bytes / 1024).toFixed(0)} KiB for ${w.updates} updates`,
    );
    console.log(
      `    = ${(w.puts / w.updates).toFixed(4)} put batches and ${(w.keys / w.updates).toFixed(4)} keys written ` +
        'per update (the stock server writes none: no persistence)',
    );

    // 3. Opening a 1.6 MB draft.
    const id = await newDraft('Cold open');
    const filled = await fill(draftUrl, String(id), await params(id));
    for (let i = 0; i < 600; i++) {
      const d = await api(base, 'GET', `/api/v1/writer/content/${id}/draft/`, { token: fx.token });
      if (d.word_count === filled.words) break;
      await sleep(100);
    }
    closeProvider(filled.provider);
    await sleep(500);
    const cold = [];
    const warm = [];
    for (let r = 0; r < Math.max(rounds, 5); r++) {
      await restart(id);
      const c = await timeOpen(draftUrl, String(id), await params(id));
      const w2 = await timeOpen(draftUrl, String(id), await params(id));
      cold.push(c.ms);
      warm.push(w2.ms);
      closeProvider(c.provider);
      closeProvider(w2.provider);
      await sleep(300);
    }
    const stockOpen = [];
    if (stock) {
      // Stays connected: the stock server drops a doc when its last client leaves.
      const held = await fill(stock.url, 'cold-open', {});
      for (let r = 0; r < Math.max(rounds, 5); r++) {
        const o = await timeOpen(stock.url, 'cold-open', {});
        stockOpen.push(o.ms);
        closeProvider(o.provider);
      }
      closeProvider(held.provider);
    }
    console.log(
      `\nOpening a ${(filled.bytes / 1024 / 1024).toFixed(2)} MB draft (${filled.words} words), ` +
        `median of ${cold.length}: time until the client is synced`,
    );
    if (stock)
      console.log(`  ${'@y/websocket-server, in memory'.padEnd(44)} ${median(stockOpen).toFixed(1).padStart(8)} ms`);
    console.log(`  ${'DraftRoom, warm (room running)'.padEnd(44)} ${median(warm).toFixed(1).padStart(8)} ms`);
    console.log(
      `  ${'DraftRoom, cold (restarted: read from storage)'.padEnd(44)} ${median(cold).toFixed(1).padStart(8)} ms`,
    );
    const stockMs = stock ? median(stockOpen) : null;
    result.open = { stock: stockMs, warm: median(warm), cold: median(cold) };
    result.open.warmRatio = ratio(result.open.warm, stockMs);
    result.open.coldRatio = ratio(result.open.cold, stockMs);
    if (stock) {
      console.log(
        `  open ratios (DraftRoom / stock): warm ${fmt(result.open.warmRatio, 2)}   ` +
          `cold ${fmt(result.open.coldRatio, 2)} (target <= 1.5)`,
      );
    }
    result.writes = w;
    return result;
  } finally {
    await stock?.stop();
  }
}
