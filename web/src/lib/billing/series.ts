/**
 * The usage series (GET /billing/usage/series) as a chart wants it: one column per bucket of the
 * range (empty days included, so gaps show as gaps), stacked by key, keys ordered by their total.
 */
export interface SeriesRow {
  bucket: string;
  key: string | null;
  name: string | null;
  credits: number;
  cost_usd: number;
  calls: number;
}

export interface SeriesKey {
  key: string;
  label: string;
  credits: number;
}
export interface SeriesColumn {
  bucket: string;
  total: number;
  parts: { key: string; credits: number }[];
}

const NO_KEY = '∅';

/** Every bucket label from `since` to `until` (inclusive): `2026-12-01` days or `2026-12` months. */
export function bucketsBetween(period: 'day' | 'month', since: string, until: string): string[] {
  const out: string[] = [];
  if (period === 'day') {
    const end = Date.parse(`${until}T00:00:00Z`);
    for (let t = Date.parse(`${since}T00:00:00Z`); t <= end && out.length < 400; t += 86_400_000) {
      out.push(new Date(t).toISOString().slice(0, 10));
    }
  } else {
    let [y, m] = since.slice(0, 7).split('-').map(Number) as [number, number];
    const last = until.slice(0, 7);
    for (let n = 0; n < 400; n++) {
      const label = `${y}-${String(m).padStart(2, '0')}`;
      out.push(label);
      if (label >= last) break;
      if (m === 12) {
        y += 1;
        m = 1;
      } else m += 1;
    }
  }
  return out;
}

export function pivot(rows: SeriesRow[], buckets: string[], labelOf: (row: SeriesRow) => string) {
  const keys = new Map<string, SeriesKey>();
  for (const r of rows) {
    const key = r.key ?? NO_KEY;
    const k = keys.get(key) ?? { key, label: labelOf(r), credits: 0 };
    k.credits += r.credits;
    keys.set(key, k);
  }
  const ordered = [...keys.values()].sort((a, b) => b.credits - a.credits || a.label.localeCompare(b.label));
  const columns: SeriesColumn[] = buckets.map((bucket) => {
    const inBucket = rows.filter((r) => r.bucket === bucket);
    const parts = ordered
      .map(({ key }) => ({ key, credits: inBucket.find((r) => (r.key ?? NO_KEY) === key)?.credits ?? 0 }))
      .filter((p) => p.credits > 0);
    return { bucket, total: parts.reduce((n, p) => n + p.credits, 0), parts };
  });
  const totals = rows.reduce(
    (t, r) => ({ credits: t.credits + r.credits, cost_usd: t.cost_usd + r.cost_usd, calls: t.calls + r.calls }),
    { credits: 0, cost_usd: 0, calls: 0 },
  );
  return { keys: ordered, columns, totals };
}

/** The default range of a period, ending today (UTC): 30 days or 12 months. */
export function defaultRange(period: 'day' | 'month', now = Date.now()) {
  const today = new Date(now).toISOString().slice(0, 10);
  if (period === 'day') return { since: new Date(now - 29 * 86_400_000).toISOString().slice(0, 10), until: today };
  const d = new Date(now);
  const since = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 11, 1)).toISOString().slice(0, 7);
  return { since, until: today.slice(0, 7) };
}
