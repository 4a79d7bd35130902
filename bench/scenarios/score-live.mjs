// The live score between two editors (issue 11: "a score update reaches a second editor's panel
// within one broadcast of the text change"). Editor A types into an H2 of a ~1,500-word draft in
// the DraftRoom; editor B's scorer (the editor's own scoring loop, web/src/lib/optimizer/scorer.ts,
// bundled for Node) is fed B's document updates as the page feeds its Web Worker. Per keystroke:
//   broadcast = A's change → B's document holds it (the baseline: one DraftRoom broadcast),
//   score     = A's change → B's scorer posted the score of the new text.
// No message goes over the network for the score: score / broadcast is the cost of scoring it
// locally. (In the browser the update also crosses one postMessage to the Web Worker, not counted.)
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { api, fmt, freshAccount, median, percentile, sleep } from '../lib.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const KEYSTROKES = Number(process.env.BENCH_SCORE_LIVE_KEYSTROKES ?? 100);
/** Longer than the scorer's quiet window (150 ms): each keystroke is one a co-editor makes after a pause. */
const PAUSE_MS = 250;

/** The editor's scoring loop, bundled for Node (its `$core` imports resolved to core/). */
async function loadScorer() {
  const out = await build({
    entryPoints: [path.join(REPO, 'web/src/lib/optimizer/scorer.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    logLevel: 'silent',
    alias: { $core: path.join(REPO, 'core') },
    // The bench's own Yjs: one copy in the process (two break Yjs's constructor checks).
    external: ['yjs'],
  });
  // Inside the repository, so the bundle's `import 'yjs'` resolves to node_modules.
  const dir = path.join(REPO, 'node_modules/.cache/igny8-bench');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'scorer.mjs');
  writeFileSync(file, out.outputFiles[0]?.text ?? '');
  return import(pathToFileURL(file).href);
}

function article() {
  const sections = ['Choosing a pot', 'Watering', 'Feeding', 'Pests', 'Harvest'];
  const paragraph = (s, i) =>
    `<p>${s} matters for tomatoes in pots. ` +
    `${'Gardeners who grow tomatoes in containers water them often, '.repeat(4)}` +
    `feed them weekly and pick them when they colour up (${i}).</p>`;
  return (
    '<p>Tomatoes in pots grow well on a sunny balcony when the pot is large enough.</p>' +
    sections.map((s, i) => `<h2>${s}</h2>${[0, 1, 2, 3, 4].map((k) => paragraph(s, i * 5 + k)).join('')}`).join('')
  );
}

const synced = (provider) =>
  new Promise((resolve) => {
    if (provider.synced) resolve();
    else provider.once('sync', (s) => s && resolve());
  });

export async function scoreLive(base) {
  const { createScorer } = await loadScorer();
  const fx = await freshAccount(base, 'score-live');
  const token = fx.token;
  const { id } = await api(base, 'POST', '/api/v1/writer/content/', {
    token,
    body: { site_id: fx.siteId, sector_id: fx.sectorId, title: 'Growing tomatoes in pots' },
  });
  await api(base, 'PUT', `/api/v1/_test/draft-rooms/${id}/html`, { token, body: { html: article() } });
  await api(base, 'PATCH', `/api/v1/writer/content/${id}/`, { token, body: { primary_keyword: 'tomatoes in pots' } });
  const brief = await api(base, 'GET', `/api/v1/optimizer/brief/${id}/`, { token });
  const params = async () => ({
    ticket: (
      await api(base, 'POST', '/api/v1/auth/tickets/', { token, body: { purpose: 'draft_socket', content_id: id } })
    ).ticket,
  });
  const url = `${base.replace(/^http/, 'ws')}/parties/draft-room`;
  const open = async () => {
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(url, String(id), doc, {
      params: await params(),
      WebSocketPolyfill: WebSocket,
      disableBc: true,
    });
    await synced(provider);
    return { doc, provider };
  };
  const a = await open();
  const b = await open();
  try {
    let received = null;
    let scored = null;
    const scorer = createScorer(
      (m) => {
        if (m.kind === 'result') scored = { at: performance.now(), result: m.result };
      },
      { now: () => performance.now(), setTimeout, clearTimeout },
    );
    scorer.receive({ kind: 'brief', brief });
    scorer.receive({ kind: 'update', update: Y.encodeStateAsUpdate(b.doc) });
    b.doc.on('update', (update) => {
      received = performance.now();
      scorer.receive({ kind: 'update', update });
    });
    // The H2 A types into: the second heading of the draft.
    const heading = a.doc
      .getXmlFragment('default')
      .toArray()
      .filter((n) => n instanceof Y.XmlElement && n.nodeName === 'heading')[1];
    const text = heading.get(0);
    const broadcast = [];
    const score = [];
    for (let i = 0; i < KEYSTROKES; i++) {
      await sleep(PAUSE_MS);
      received = null;
      scored = null;
      const t0 = performance.now();
      text.insert(text.length, i % 2 ? 'x' : ' ');
      const deadline = Date.now() + 10_000;
      while ((received === null || scored === null || scored.at < received) && Date.now() < deadline) await sleep(0);
      if (received === null || scored === null) throw new Error(`keystroke ${i}: no broadcast or no score in 10 s`);
      broadcast.push(received - t0);
      score.push(scored.at - t0);
    }
    const res = {
      keystrokes: KEYSTROKES,
      broadcast: { p50: median(broadcast), p99: percentile(broadcast, 99) },
      score: { p50: median(score), p99: percentile(score, 99) },
      extraMessages: 0,
    };
    res.ratio = { p50: res.score.p50 / res.broadcast.p50, p99: res.score.p99 / res.broadcast.p99 };
    console.log(
      `\nLive score between two editors: ${KEYSTROKES} keystrokes into an H2 of a ~1,500-word draft, ` +
        `${PAUSE_MS} ms apart`,
    );
    const line = (label, x) =>
      console.log(`  ${label.padEnd(40)} ${fmt(x.p50, 2).padStart(7)} ${fmt(x.p99, 2).padStart(7)}`);
    console.log(`  ${''.padEnd(40)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)}`);
    line("A's change → B holds it (one broadcast)", res.broadcast);
    line("A's change → B's score of it", res.score);
    line('score / broadcast (no message for the score)', res.ratio);
    return res;
  } finally {
    a.provider.destroy();
    b.provider.destroy();
    a.doc.destroy();
    b.doc.destroy();
  }
}
