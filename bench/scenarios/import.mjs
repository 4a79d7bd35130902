// CSV import of 10,000 keywords against a raw batched insert of the same rows (fresh sectors each
// round; the raw insert is the bench-only route in worker/bench/routes.ts).
import { api, fmt, freshAccount, importKeywords, keywordRows, median } from '../lib.mjs';

export async function importVsRawInsert(base, rounds = 3) {
  const acc = await freshAccount(base, 'import');
  const rows = keywordRows(10_000);
  const times = { import: [], raw: [] };
  let n = 0;
  const freshSector = async () =>
    (
      await api(base, 'POST', '/api/v1/auth/sectors/', {
        token: acc.token,
        body: { site_id: acc.siteId, name: `round ${++n}` },
      })
    ).id;
  const drop = (id) => api(base, 'DELETE', `/api/v1/auth/sectors/${id}/`, { token: acc.token });
  for (let i = 0; i < rounds + 1; i++) {
    const a = await freshSector();
    let t = performance.now();
    await importKeywords(base, acc.token, acc.siteId, a, rows);
    const tImport = performance.now() - t;
    await drop(a);
    const b = await freshSector();
    t = performance.now();
    await api(base, 'POST', '/api/v1/_bench/raw_keyword_insert/', {
      token: acc.token,
      body: { site_id: acc.siteId, sector_id: b, rows },
    });
    const tRaw = performance.now() - t;
    await drop(b);
    if (i > 0) {
      // the first round warms both paths and is discarded
      times.import.push(tImport);
      times.raw.push(tRaw);
    }
  }
  const mi = median(times.import);
  const mr = median(times.raw);
  const rate = (ms) => fmt(rows.length / (ms / 1000), 0);
  console.log(
    `\nCSV import of 10,000 keywords vs a raw batched insert of the same rows (median of ${rounds} alternating rounds)`,
  );
  console.log(
    `  CSV import (stream parse, validate, dedupe, upsert)   ${fmt(mi, 0).padStart(6)} ms   ${rate(mi)} rows/s`,
  );
  console.log(
    `  raw INSERT batch (9 rows per statement)               ${fmt(mr, 0).padStart(6)} ms   ${rate(mr)} rows/s`,
  );
  console.log(`  ratio (import / raw insert time): ${fmt(mi / mr, 2)}`);
  return { importMs: mi, rawMs: mr, ratio: mi / mr };
}
