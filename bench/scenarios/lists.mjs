// List routes against the bare route /api/health on the same worker (issue 10, item 8).
import { api, freshAccount, getJson, importKeywords, keywordRows } from '../lib.mjs';
import { compare } from '../load.mjs';

const BARE = (base) => ({ label: 'GET /api/health (bare route)', url: `${base}/api/health` });

/**
 * The figure: an authenticated keyword list of a site holding 10,000 keywords (imported
 * through the CSV route), a page of 50 ordered by volume, 50 connections.
 */
export async function keywordList(base, { keywords = 10_000, connections = 50 } = {}) {
  const acc = await freshAccount(base, 'keywords');
  await importKeywords(base, acc.token, acc.siteId, acc.sectorId, keywordRows(keywords, 11));
  const path = `/api/v1/planner/keywords/?site_id=${acc.siteId}&page_size=50&ordering=-volume`;
  const headers = { authorization: `Bearer ${acc.token}` };
  const first = await getJson(`${base}${path}`, headers);
  if (first.count !== keywords || first.results.length !== 50) {
    throw new Error(`the keyword list answered count ${first.count} with ${first.results.length} rows`);
  }
  return compare(
    `Keyword list (${keywords} keywords, page of 50, ordered by volume) vs a bare route`,
    BARE(base),
    { label: 'GET keywords ?page_size=50&ordering=-volume (auth)', url: `${base}${path}`, headers },
    { connections },
  );
}

/** The earlier list figure: sectors of an account with three sites, 15 sectors. Opt-in. */
export async function sectorList(base, { connections = 16 } = {}) {
  const reg = await api(base, 'POST', '/api/v1/auth/register/', {
    body: {
      email: `sectors-${Date.now()}@bench.test`,
      password: 'bench-password-1',
      name: 'Bench',
      account_name: 'Bench Co',
      delivery: 'body',
    },
  });
  const token = reg.access;
  const industries = await api(base, 'GET', '/api/v1/auth/industries/');
  let sectorCount = 0;
  for (let i = 0; i < 3; i++) {
    const site = await api(base, 'POST', '/api/v1/auth/sites/', { token, body: { name: `Bench site ${i + 1}` } });
    const ids = industries[i].sectors.slice(0, 5).map((s) => s.id);
    const made = await api(base, 'POST', '/api/v1/auth/sectors/from_templates/', {
      token,
      body: { site_id: site.id, industry_sector_ids: ids },
    });
    sectorCount += made.length;
  }
  return compare(
    `Sector list (${sectorCount} sectors over 3 sites, page of 10) vs a bare route`,
    BARE(base),
    {
      label: 'GET /api/v1/auth/sectors/?page_size=10 (auth)',
      url: `${base}/api/v1/auth/sectors/?page_size=10&ordering=-created_at`,
      headers: { authorization: `Bearer ${token}` },
    },
    { connections },
  );
}
