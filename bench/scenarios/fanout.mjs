// Progress fan-out (issue 10, item 9): the latency from the coordinator's job update to each of 50
// members connected to the site, next to ping → pong on the same sockets over the same minutes.
import WebSocket from 'ws';
import { api, fmt, freshAccount, importKeywords, keywordIds, keywordRows, percentile, ratio, sleep } from '../lib.mjs';

// The keep-alive ping of the site socket, read from the code the server and the web client share.
// The coordinator answers it with setWebSocketAutoResponse, which matches the frame exactly, so the
// bench must send the very same string. A server from before the auto-response answers only the
// older `{"type":"ping","t":<ms>}`: the bench falls back to it when the fixed string gets no pong.
const PING =
  process.env.BENCH_PING ??
  (await import('../../core/realtime/keepalive.ts').then(
    (m) => m.KEEPALIVE_PING,
    () => '{"type":"ping"}',
  ));
const legacyPing = () => JSON.stringify({ type: 'ping', t: Date.now() });
const PING_EVERY_MS = 1000;

const isPong = (text) => {
  try {
    return JSON.parse(text)?.type === 'pong';
  } catch {
    return text === 'pong';
  }
};

function connect(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Sends `ping` on each socket (one in flight per socket) and records the round trips. */
function pinger(members, ping) {
  const rtts = [];
  let lost = 0;
  for (const m of members) {
    m.sentAt = null;
    m.onPong = () => {
      if (m.sentAt !== null) rtts.push(performance.now() - m.sentAt);
      m.sentAt = null;
    };
  }
  const send = (m) => {
    if (m.sentAt !== null) {
      if (performance.now() - m.sentAt < 5000) return;
      lost++;
    }
    m.sentAt = performance.now();
    m.ws.send(ping());
  };
  return { rtts, lostCount: () => lost, send };
}

/** Which ping the server answers: the fixed auto-response string, else the older ping with a time. */
async function pingFlavour(member) {
  let answered = false;
  member.onPong = () => (answered = true);
  member.ws.send(PING);
  for (let i = 0; i < 20 && !answered; i++) await sleep(100);
  return answered
    ? { label: PING, ping: () => PING }
    : { label: '{"type":"ping","t":<ms>} (older server)', ping: legacyPing };
}

export async function progressFanOut(base, memberCount = 50) {
  const acc = await freshAccount(base, 'fanout');
  await importKeywords(base, acc.token, acc.siteId, acc.sectorId, keywordRows(200, 5));
  const ids = await keywordIds(base, acc.token, acc.siteId);
  const { ticket } = await api(base, 'POST', '/api/v1/auth/tickets/', {
    token: acc.token,
    body: { purpose: 'site_socket', site_id: acc.siteId },
  });
  const url = `${base.replace(/^http/, 'ws')}/ws/sites/${acc.siteId}?ticket=${encodeURIComponent(ticket)}`;
  const progress = [];
  let finished = 0;
  const members = [];
  try {
    for (let i = 0; i < memberCount; i++) {
      const member = { ws: await connect(url), onPong: () => {} };
      member.ws.on('message', (data) => {
        const now = Date.now();
        const text = String(data);
        if (isPong(text)) return member.onPong();
        const e = JSON.parse(text);
        if (e.type !== 'job') return;
        progress.push(now - e.job.updated_at);
        if (e.job.status === 'succeeded' || e.job.status === 'failed') finished++;
      });
      members.push(member);
    }
    await sleep(300);
    const flavour = await pingFlavour(members[0]);
    const pings = pinger(members, flavour.ping);
    // One ping per socket per second, spread over the second: while the site is idle, then
    // throughout the job.
    let ticking = true;
    const loop = (async () => {
      while (ticking) {
        for (const m of members) {
          pings.send(m);
          await sleep(PING_EVERY_MS / members.length);
        }
      }
    })();
    await sleep(3 * PING_EVERY_MS);
    await api(base, 'POST', '/api/v1/planner/keywords/auto_cluster/', { token: acc.token, body: { ids } });
    const deadline = Date.now() + 120_000;
    while (finished < memberCount && Date.now() < deadline) await sleep(100);
    await sleep(PING_EVERY_MS);
    ticking = false;
    await loop;
    if (finished < memberCount) throw new Error(`only ${finished} of ${memberCount} members saw the job end`);

    const fan = { p50: percentile(progress, 50), p99: percentile(progress, 99), frames: progress.length };
    const pp = { p50: percentile(pings.rtts, 50), p99: percentile(pings.rtts, 99), samples: pings.rtts.length };
    console.log(`\nProgress fan-out to ${memberCount} members of one site (${fan.frames} frames received)`);
    console.log(`  ping sent: ${flavour.label}`);
    console.log(
      `  coordinator job update → member    p50 ${fmt(fan.p50).padStart(7)} ms   p99 ${fmt(fan.p99).padStart(7)} ms`,
    );
    console.log(
      `  baseline ping → pong, same sockets p50 ${fmt(pp.p50).padStart(7)} ms   p99 ${fmt(pp.p99).padStart(7)} ms` +
        `   (${pp.samples} round trips, ${pings.lostCount()} unanswered)`,
    );
    console.log(`  ratio fan-out p99 / ping-pong p99: ${fmt(ratio(fan.p99, pp.p99), 2)} (target <= 1)`);
    return { fanOut: fan, pingPong: pp, ping: flavour.label, p99: ratio(fan.p99, pp.p99) };
  } finally {
    await Promise.all(members.map(({ ws }) => closeSocket(ws)));
  }
}

/** Closes a socket and waits for the close to complete (or drops it after a second). */
function closeSocket(ws) {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      ws.terminate();
      resolve();
    }, 1000);
    ws.once('close', () => {
      clearTimeout(t);
      resolve();
    });
    ws.close();
  });
}
