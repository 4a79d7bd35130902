// Shared helpers of the benchmark scenarios.
//
// Every setup request goes over a connection of its own, closed after the answer (agent: false).
// The bench used to share Node's global fetch pool: a connection left idle while autocannon ran
// was closed by the server, and the next scenario's first request died on it with "fetch failed:
// other side closed". A fresh connection per setup call costs a TCP handshake on loopback and
// leaves no socket behind that could keep the process alive. Idempotent requests are still retried
// once on a connection reset, as an HTTP client may (RFC 9110 §9.2.2).
import http from 'node:http';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const RETRYABLE_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'UND_ERR_SOCKET']);

function once(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(body);
    const req = http.request(url, {
      method,
      agent: false,
      headers: { connection: 'close', ...(payload ? { 'content-length': payload.length } : {}), ...headers },
    });
    req.setTimeout(120_000, () => req.destroy(new Error(`${method} ${url}: no answer in 120 s`)));
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.end(payload);
  });
}

/** One HTTP request on a fresh connection; idempotent methods are retried once on a reset. */
export async function request(url, options = {}) {
  const method = options.method ?? 'GET';
  try {
    return await once(url, options);
  } catch (err) {
    if (!IDEMPOTENT.has(method) || !RETRYABLE_CODES.has(err?.code)) throw err;
    await sleep(100);
    return once(url, options);
  }
}

/** GET that expects JSON. */
export async function getJson(url, headers = {}) {
  const res = await request(url, { headers });
  if (res.status >= 400) throw new Error(`GET ${url} → ${res.status}: ${res.text.slice(0, 300)}`);
  return JSON.parse(res.text);
}

/** A call to the API; returns the `data` envelope's content (or the body) and throws on non-2xx. */
export async function api(base, method, path, { token, body, raw, headers = {} } = {}) {
  const res = await request(`${base}${path}`, {
    method,
    headers: {
      ...(raw ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: raw ?? (body ? JSON.stringify(body) : undefined),
  });
  let json;
  try {
    json = JSON.parse(res.text);
  } catch {
    json = { text: res.text.slice(0, 300) };
  }
  if (res.status < 200 || res.status >= 300) {
    throw new Error(`${method} ${path} → ${res.status}: ${JSON.stringify(json).slice(0, 300)}`);
  }
  return json.data ?? json;
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const ratio = (subject, baseline) => (baseline > 0 ? subject / baseline : Number.NaN);
export const fmt = (x, digits = 1) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

/** A new account (trial plan, 500 credits) with one site and one sector. */
export async function freshAccount(base, label) {
  const reg = await api(base, 'POST', '/api/v1/auth/register/', {
    body: {
      email: `${label}-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@bench.test`,
      password: 'bench-password-1',
      name: label,
      account_name: `${label} Co`,
      delivery: 'body',
    },
  });
  const token = reg.access;
  const { siteId, sectorId } = await addSite(base, token, label);
  return { token, accountId: reg.account.id, siteId, sectorId };
}

/** Another site (with one sector) in the account of `token`. */
export async function addSite(base, token, label) {
  const site = await api(base, 'POST', '/api/v1/auth/sites/', { token, body: { name: `${label} site` } });
  const sector = await api(base, 'POST', '/api/v1/auth/sectors/', {
    token,
    body: { site_id: site.id, name: `${label} sector` },
  });
  return { siteId: site.id, sectorId: sector.id };
}

/** Imports `rows` (from keywordRows) through the CSV import route, as a user would. */
export async function importKeywords(base, token, siteId, sectorId, rows) {
  const csv = 'keyword,volume,difficulty,intent\n' + rows.map((r) => `${r.k},${r.v},${r.d},${r.i}`).join('\n');
  const res = await api(base, 'POST', `/api/v1/planner/keywords/import/?site_id=${siteId}&sector_id=${sectorId}`, {
    token,
    raw: csv,
    headers: { 'content-type': 'text/csv' },
  });
  if (res.imported !== rows.length) throw new Error(`the import took ${res.imported} of ${rows.length} keywords`);
  return res;
}

/** Ids of every keyword of a site, oldest first. */
export async function keywordIds(base, token, siteId) {
  const ids = [];
  for (let page = 1; ; page++) {
    const res = await getJson(
      `${base}/api/v1/planner/keywords/?site_id=${siteId}&page_size=200&page=${page}&ordering=id`,
      {
        authorization: `Bearer ${token}`,
      },
    );
    ids.push(...res.results.map((k) => k.id));
    if (!res.next) return ids;
  }
}

/** Distinct, realistic-looking keywords. */
export function keywordRows(n, seed = 1) {
  const heads = [
    'garden',
    'compost',
    'tomato',
    'raised bed',
    'mulch',
    'seed starting',
    'herb',
    'lawn',
    'orchard',
    'greenhouse',
    'irrigation',
    'pruning',
  ];
  const mods = ['best', 'how to', 'cheap', 'diy', 'organic', 'small', 'winter', 'indoor', 'beginner', 'fast'];
  const intents = ['informational', 'commercial', 'transactional', 'navigational'];
  const rows = [];
  for (let i = 0; i < n; i++) {
    const k = `${mods[(i * 7 + seed) % mods.length]} ${heads[(i * 3 + seed) % heads.length]} ${i}`;
    rows.push({ k, n: k, v: (i * 37) % 20000, d: (i * 13) % 100, i: intents[i % 4] });
  }
  return rows;
}
