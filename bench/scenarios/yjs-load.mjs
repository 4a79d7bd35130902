// One run of the Yjs broadcast load, as its own process (so it can be pinned to the load core):
// N stock y-websocket clients in one room, each typing R characters a second into its own
// paragraph of the draft's `default` fragment; every remote update a client receives is matched,
// by its Yjs ids (client, clock), to the moment its sender typed it. Prints one JSON line.
// Usage: node bench/scenarios/yjs-load.mjs '{"url","room","params","clients","rate","seconds","deflate"}'
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

const cfg = JSON.parse(process.argv[2]);
/** `cfg.deflate: false`: the clients do not offer permessage-deflate (see yjs.mjs, BENCH_YJS_DEFLATE). */
class PlainWebSocket extends WebSocket {
  constructor(url, protocols) {
    super(url, protocols, { perMessageDeflate: false });
  }
}
const Socket = cfg.deflate === false ? PlainWebSocket : WebSocket;
// y-websocket adds a process 'exit' listener per provider in Node.
process.setMaxListeners(cfg.clients + 10);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const typedAt = new Map(); // `${clientID}:${clock}` → performance.now() when typed
const latencies = [];
const clients = [];

for (let i = 0; i < cfg.clients; i++) {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(cfg.url, cfg.room, doc, {
    params: cfg.params ?? {},
    WebSocketPolyfill: Socket,
    disableBc: true,
  });
  doc.on('update', (update, origin) => {
    if (origin !== provider) return; // only what came from the server
    const now = performance.now();
    for (const s of Y.decodeUpdate(update).structs) {
      for (let c = s.id.clock; c < s.id.clock + s.length; c++) {
        const t0 = typedAt.get(`${s.id.client}:${c}`);
        if (t0 !== undefined) latencies.push(now - t0);
      }
    }
  });
  clients.push({ doc, provider, text: null });
}

const synced = (p) => (p.synced ? Promise.resolve() : new Promise((r) => p.once('sync', (s) => s && r())));
await Promise.all(clients.map((c) => synced(c.provider)));

// Each client adds its own paragraph, then everyone waits until all paragraphs arrived.
for (const c of clients) {
  const p = new Y.XmlElement('paragraph');
  c.text = new Y.XmlText(`client ${c.doc.clientID}: `);
  p.insert(0, [c.text]);
  c.doc.getXmlFragment('default').push([p]);
}
const deadline = Date.now() + 20_000;
while (clients.some((c) => c.doc.getXmlFragment('default').length < cfg.clients)) {
  if (Date.now() > deadline) throw new Error('clients did not see each other');
  await sleep(20);
}

const interval = 1000 / cfg.rate;
let typed = 0;
const end = performance.now() + cfg.seconds * 1000;
await Promise.all(
  clients.map(async (c, i) => {
    await sleep((interval * i) / clients.length); // spread the clients over the interval
    for (let next = performance.now(); next < end; next += interval) {
      const clock = Y.getState(c.doc.store, c.doc.clientID);
      typedAt.set(`${c.doc.clientID}:${clock}`, performance.now());
      c.text.insert(c.text.length, 'x');
      typed++;
      await sleep(Math.max(0, next + interval - performance.now()));
    }
  }),
);
// Updates still in flight: wait until every one arrived, or none arrived for 3 s (max 20 s), so
// "lost" counts updates that never came, not ones a loaded machine delivered late.
const expected = typed * (cfg.clients - 1);
let seen = latencies.length;
let quietSince = Date.now();
const giveUpAt = Date.now() + 20_000;
while (latencies.length < expected && Date.now() - quietSince < 3000 && Date.now() < giveUpAt) {
  await sleep(100);
  if (latencies.length !== seen) {
    seen = latencies.length;
    quietSince = Date.now();
  }
}
for (const c of clients) {
  c.provider.destroy();
  c.doc.destroy(); // its Awareness keeps an interval until then
}

const sorted = latencies.sort((a, b) => a - b);
const at = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? null;
console.log(
  JSON.stringify({
    typed,
    expected,
    received: sorted.length,
    p50: at(50),
    p99: at(99),
    max: sorted[sorted.length - 1] ?? null,
  }),
);
process.exit(0);
