import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, createSite, signup } from '../helpers/api';

/** Plan keyword limits, European number formats and export → import round trips. */
async function setup(label: string) {
  const owner = await signup(label);
  const site = await createSite(owner, `${label} site`);
  const sector = (
    await call('POST', '/api/v1/auth/sectors/', { token: owner.token, body: { site_id: site.id, name: 'Main' } })
  ).body.data.id as number;
  const importCsv = (csv: string) =>
    call('POST', `/api/v1/planner/keywords/import/?site_id=${site.id}&sector_id=${sector}`, {
      token: owner.token,
      rawBody: csv,
      headers: { 'content-type': 'text/csv' },
    });
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
      expect(
        (await call('GET', `/api/v1/planner/keywords/?site_id=${site.id}`, { token: owner.token })).body.count,
      ).toBe(0);
      expect((await importCsv('keyword\na\nb\nc\nd\ne\n')).status).toBe(200);
      const one = await call('POST', '/api/v1/planner/keywords/', {
        token: owner.token,
        body: { site_id: site.id, sector_id: sector, keyword: 'one more' },
      });
      expect(one.status).toBe(400);
      expect(one.body.code).toBe('limit_reached');
    } finally {
      await env.DB_CONTROL.prepare("UPDATE plans SET max_keywords = 10000 WHERE slug = 'trial'").run();
    }
  });

  it('reads decimal-comma numbers in semicolon files', async () => {
    const { owner, site, importCsv } = await setup('eu');
    expect((await importCsv('Keyword;Volume;KD\ngartenbau;1.200;35\nhochbeet;1,5k;20\n')).status).toBe(200);
    const rows = (
      await call('GET', `/api/v1/planner/keywords/?site_id=${site.id}&ordering=keyword`, { token: owner.token })
    ).body.results;
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

  it('reads a browser multipart upload whose boundary has upper-case letters', async () => {
    const { owner, site, sector } = await setup('multipart');
    const boundary = '----WebKitFormBoundaryAbCdEfGh12';
    const body = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="file"; filename="kw.csv"',
      'Content-Type: text/csv',
      '',
      'keyword,volume',
      'mixed case boundary,10',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const res = await call('POST', `/api/v1/planner/keywords/import/?site_id=${site.id}&sector_id=${sector}`, {
      token: owner.token,
      rawBody: body,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.imported).toBe(1);
  });

  it('names the cluster of each keyword in the list, and filters ideas without a cluster', async () => {
    const { owner, site, sector, importCsv } = await setup('names');
    await importCsv('keyword\nraised bed soil\nloose one\n');
    const [loose, soil] = (
      await call('GET', `/api/v1/planner/keywords/?site_id=${site.id}&ordering=keyword`, { token: owner.token })
    ).body.results;
    const cluster = (
      await call('POST', '/api/v1/planner/clusters/', {
        token: owner.token,
        body: { site_id: site.id, sector_id: sector, name: 'Raised Beds' },
      })
    ).body.data;
    await call('POST', `/api/v1/planner/clusters/${cluster.id}/add_keywords/`, {
      token: owner.token,
      body: { keyword_ids: [soil.id] },
    });
    const rows = (
      await call('GET', `/api/v1/planner/keywords/?site_id=${site.id}&ordering=keyword`, { token: owner.token })
    ).body.results;
    expect(rows.map((r: { keyword: string; cluster_name: string | null }) => [r.keyword, r.cluster_name])).toEqual([
      ['loose one', null],
      ['raised bed soil', 'Raised Beds'],
    ]);
    await call('POST', '/api/v1/planner/ideas/', {
      token: owner.token,
      body: { site_id: site.id, sector_id: sector, idea_title: 'Orphan idea' },
    });
    await call('POST', '/api/v1/planner/ideas/', {
      token: owner.token,
      body: { site_id: site.id, sector_id: sector, idea_title: 'Clustered idea', cluster_id: cluster.id },
    });
    const orphans = (
      await call('GET', `/api/v1/planner/ideas/?site_id=${site.id}&cluster_id=none`, { token: owner.token })
    ).body.results;
    expect(orphans.map((i: { idea_title: string }) => i.idea_title)).toEqual(['Orphan idea']);
  });
});
