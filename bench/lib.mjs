// Shared helpers of the benchmark scenarios.
export async function api(base, method, path, { token, body, raw, headers = {} } = {}) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { ...(raw ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: raw ?? (body ? JSON.stringify(body) : undefined),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${JSON.stringify(json).slice(0, 300)}`);
  return json.data ?? json;
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A new account (trial plan, 500 credits) with one site and one sector. */
export async function freshAccount(base, label) {
  const reg = await api(base, 'POST', '/api/v1/auth/register/', {
    body: { email: `${label}-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@bench.test`, password: 'bench-password-1', name: label, account_name: `${label} Co`, delivery: 'body' },
  });
  const token = reg.access;
  const site = await api(base, 'POST', '/api/v1/auth/sites/', { token, body: { name: `${label} site` } });
  const sector = await api(base, 'POST', '/api/v1/auth/sectors/', { token, body: { site_id: site.id, name: `${label} sector` } });
  return { token, accountId: reg.account.id, siteId: site.id, sectorId: sector.id };
}

/** Distinct, realistic-looking keywords. */
export function keywordRows(n, seed = 1) {
  const heads = ['garden', 'compost', 'tomato', 'raised bed', 'mulch', 'seed starting', 'herb', 'lawn', 'orchard', 'greenhouse', 'irrigation', 'pruning'];
  const mods = ['best', 'how to', 'cheap', 'diy', 'organic', 'small', 'winter', 'indoor', 'beginner', 'fast'];
  const rows = [];
  for (let i = 0; i < n; i++) {
    const k = `${mods[(i * 7 + seed) % mods.length]} ${heads[(i * 3 + seed) % heads.length]} ${i}`;
    rows.push({ k, n: k, v: (i * 37) % 20000, d: (i * 13) % 100, i: ['informational', 'commercial', 'transactional', 'navigational'][i % 4] });
  }
  return rows;
}
