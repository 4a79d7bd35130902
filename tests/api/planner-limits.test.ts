import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, createSite, signup } from '../helpers/api';

/** Plan keyword limits, European number formats and export → import round trips. */
async function setup(label: string) {
  const owner = await signup(label);
  const site = await createSite(owner, `${label} site`);
  const sector = (await call('POST', '/api/v1/auth/sectors/', { token: owner.token, body: { site_id: site.id, name: 'Main' } })).body.data.id as number;
  const importCsv = (csv: string) =>
    call('POST', `/api/v1/planner/keywords/import/?site_id=${site.id}&sector_id=${sector}`, { token: owner.token, rawBody: csv, headers: { 'content-type': 'text/csv' } });
  return { owner, site, sector, importCsv };
}

describe('planner limits and formats', () => {
  it('refuses an import that would pass the plan keyword limit, importing nothing', async () => {
    const { owner, site, sector, importCsv } = await setup('limit');
    await env.DB_CONTROL.prepare("UPDATE plans SET max_keywords = 5 WHERE slug = 'trial'").run();
    try {
      const res = await importCsv('keyword\na\nb\nc\nd\ne\nf\n');
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'limit_reached' });
      expect(res.body.error).toMatch(/allows 5 keywords/);
      expect((await call('GET', `/api/v1/planner/keywords/?site_id=${site.id}`, { token: owner.token })).body.count).toBe(0);
      expect((await importCsv('keyword\na\nb\nc\nd\ne\n')).status).toBe(200);
      const one = await call('POST', '/api/v1/planner/keywords/', { token: owner.token, body: { site_id: site.id, sector_id: sector, keyword: 'one more' } });
      expect(one.status).toBe(400);
      expect(one.body.code).toBe('limit_reached');
    } finally {
      await env.DB_CONTROL.prepare("UPDATE plans SET max_keywords = 10000 WHERE slug = 'trial'").run();
    }
  });

  it('reads decimal-comma numbers in semicolon files', async () => {
    const { owner, site, importCsv } = await setup('eu');
    expect((await importCsv('Keyword;Volume;KD\ngartenbau;1.200;35\nhochbeet;1,5k;20\n')).status).toBe(200);
    const rows = (await call('GET', `/api/v1/planner/keywords/?site_id=${site.id}&ordering=keyword`, { token: owner.token })).body.results;
    expect(rows.map((r: { keyword: string; volume: number }) => [r.keyword, r.volume])).toEqual([
      ['gartenbau', 1200],
      ['hochbeet', 1500],
    ]);
  });

  it('merges an exported file back into the same keywords, formula cells included', async () => {
    const { owner, site, importCsv } = await setup('roundtrip');
    expect((await importCsv('keyword,volume\n"=HYPERLINK(""x"")",10\nplain,20\n')).status).toBe(200);
    const exported = await call('GET', `/api/v1/planner/keywords/export/?site_id=${site.id}`, { token: owner.token });
    const again = await importCsv(String(exported.body).replace(/^\uFEFF/, ''));
    expect(again.status).toBe(200);
    expect(again.body.data).toMatchObject({ created: 0, merged_existing: 2 });
  });
});
