import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, createSite, signup, type Session } from '../helpers/api';
import { waitForJob } from '../helpers/jobs';

/**
 * Issue 8, scope 9 and 10: the plan's keyword and cluster limits hold under parallel requests
 * (the count is part of the INSERT), and list ordering can't reach Object.prototype.
 */
let planSeq = 0;

/** Moves the account onto a plan of its own with these limits (other tests keep the seeded plans). */
async function usePlan(owner: Session, limits: { max_keywords?: number | null; max_clusters?: number | null }) {
  const slug = `limits-${Date.now().toString(36)}-${++planSeq}`;
  const plan = await env.DB_CONTROL.prepare(
    `INSERT INTO plans (slug, name, price_cents, max_sites, max_users, max_keywords, max_clusters,
                        included_credits, is_default, is_active, created_at)
     VALUES (?, ?, 0, 10, 10, ?, ?, 0, 0, 1, ?) RETURNING id`,
  )
    .bind(slug, `Tight ${planSeq}`, limits.max_keywords ?? null, limits.max_clusters ?? null, Date.now())
    .first<{ id: number }>();
  await env.DB_CONTROL.prepare('UPDATE accounts SET plan_id = ? WHERE id = ?').bind(plan!.id, owner.accountId).run();
}

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
  const count = async (what: 'keywords' | 'clusters') =>
    (await call('GET', `/api/v1/planner/${what}/?site_id=${site.id}`, { token: owner.token })).body.count as number;
  return { owner, site, sector, importCsv, count };
}

describe('keyword limit inside the write', () => {
  it('20 parallel single creates never pass the limit', async () => {
    const { owner, site, sector, count } = await setup('kw-burst');
    await usePlan(owner, { max_keywords: 5 });
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call('POST', '/api/v1/planner/keywords/', {
          token: owner.token,
          body: { site_id: site.id, sector_id: sector, keyword: `burst ${i}` },
        }),
      ),
    );
    expect(replies.filter((r) => r.status === 201)).toHaveLength(5);
    const refused = replies.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(15);
    for (const r of refused) {
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({
        code: 'limit_reached',
        errors: { keyword: [expect.stringMatching(/allows 5 keywords/)] },
      });
    }
    expect(await count('keywords')).toBe(5);
  });

  it('a duplicate at the limit is still a 409, not a limit error', async () => {
    const { owner, site, sector } = await setup('kw-dup');
    await usePlan(owner, { max_keywords: 1 });
    const add = () =>
      call('POST', '/api/v1/planner/keywords/', {
        token: owner.token,
        body: { site_id: site.id, sector_id: sector, keyword: 'only one' },
      });
    expect((await add()).status).toBe(201);
    expect((await add()).body.code).toBe('duplicate');
  });

  it('two parallel imports can not pass the limit together', async () => {
    const { owner, importCsv, count } = await setup('kw-imports');
    await usePlan(owner, { max_keywords: 6 });
    const [a, b] = await Promise.all([importCsv('keyword\na1\na2\na3\na4\n'), importCsv('keyword\nb1\nb2\nb3\nb4\n')]);
    expect([a.status, b.status].sort()).toEqual([200, 400]);
    const refused = a.status === 400 ? a : b;
    expect(refused.body).toMatchObject({ code: 'limit_reached' });
    expect(refused.body.error).toMatch(/allows 6 keywords.*Nothing was imported/);
    expect(refused.body.errors.file[0]).toMatch(/allows 6 keywords/);
    expect(await count('keywords')).toBe(4);
  });

  it('a file of several INSERT chunks that would pass the limit imports nothing; merged rows add nothing', async () => {
    const { owner, importCsv, count } = await setup('kw-chunks');
    await usePlan(owner, { max_keywords: 3000 });
    const file = (from: number, to: number) =>
      'keyword\n' + Array.from({ length: to - from }, (_, i) => `kw ${from + i}`).join('\n');
    const tooMany = await importCsv(file(0, 3001));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.code).toBe('limit_reached');
    expect(await count('keywords')).toBe(0);
    expect((await importCsv(file(0, 2500))).status).toBe(200);
    // 2500 already there + 500 new = exactly the limit: the merged rows don't count twice.
    const upTo = await importCsv(file(0, 3000));
    expect(upTo.status, JSON.stringify(upTo.body)).toBe(200);
    expect(upTo.body.data).toMatchObject({ created: 500, merged_existing: 2500 });
    expect(await count('keywords')).toBe(3000);
    expect((await importCsv(file(3000, 3001))).status).toBe(400);
    expect(await count('keywords')).toBe(3000);
  });
});

describe('cluster limit inside the write', () => {
  it('20 parallel manual creates never pass max_clusters', async () => {
    const { owner, site, sector, count } = await setup('cl-burst');
    await usePlan(owner, { max_clusters: 3 });
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call('POST', '/api/v1/planner/clusters/', {
          token: owner.token,
          body: { site_id: site.id, sector_id: sector, name: `Cluster ${i}` },
        }),
      ),
    );
    expect(replies.filter((r) => r.status === 201)).toHaveLength(3);
    for (const r of replies.filter((r) => r.status !== 201)) {
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({
        code: 'limit_reached',
        errors: { name: [expect.stringMatching(/allows 3 clusters/)] },
      });
    }
    expect(await count('clusters')).toBe(3);
  });

  it('refuses auto_cluster up front when the account is at its cluster limit: nothing reserved', async () => {
    const { owner, site, sector, importCsv } = await setup('cl-full');
    await usePlan(owner, { max_clusters: 1 });
    await importCsv('keyword\nraised bed soil\ncompost tea\n');
    expect(
      (
        await call('POST', '/api/v1/planner/clusters/', {
          token: owner.token,
          body: { site_id: site.id, sector_id: sector, name: 'Only' },
        })
      ).status,
    ).toBe(201);
    const ids = (
      await call('GET', `/api/v1/planner/keywords/?site_id=${site.id}`, { token: owner.token })
    ).body.results.map((k: { id: number }) => k.id);
    const before = (await call('GET', '/api/v1/billing/balance/', { token: owner.token })).body.data;
    const res = await call('POST', '/api/v1/planner/keywords/auto_cluster/', { token: owner.token, body: { ids } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'limit_reached' });
    expect(res.body.error).toMatch(/allows 1 cluster/);
    expect((await call('GET', '/api/v1/billing/balance/', { token: owner.token })).body.data).toEqual(before);
    expect((await call('GET', `/api/v1/system/jobs/?site_id=${site.id}`, { token: owner.token })).body.data).toEqual(
      [],
    );
  });

  it('an auto_cluster job creates clusters only up to the limit; the other keywords stay unclustered', async () => {
    const { owner, site, importCsv, count } = await setup('cl-job');
    await usePlan(owner, { max_clusters: 2 });
    const words = [
      'raised bed garden',
      'raised bed soil',
      'how to build a raised bed',
      'raised bed kit',
      'cedar raised bed',
      'compost bin diy',
      'how to compost at home',
      'compost tea',
      'worm composting',
      'compost ratio',
      'tomato cages',
      'growing tomatoes in pots',
      'best tomato varieties',
      'tomato fertilizer',
      'pruning tomato plants',
    ];
    await importCsv('keyword\n' + words.join('\n'));
    const ids = (
      await call('GET', `/api/v1/planner/keywords/?site_id=${site.id}`, { token: owner.token })
    ).body.results.map((k: { id: number }) => k.id);
    const start = await call('POST', '/api/v1/planner/keywords/auto_cluster/', { token: owner.token, body: { ids } });
    expect(start.status, JSON.stringify(start.body)).toBe(202);
    const job = await waitForJob(owner, start.body.data.task_id);
    expect(job.status, JSON.stringify(job)).toBe('succeeded');
    expect(await count('clusters')).toBe(2);
    const keywords = (
      await call('GET', `/api/v1/planner/keywords/?site_id=${site.id}&page_size=50`, { token: owner.token })
    ).body.results as { cluster_id: number | null; status: string }[];
    const clustered = keywords.filter((k) => k.cluster_id !== null);
    expect(clustered.length).toBeGreaterThan(0);
    expect(clustered.length).toBeLessThan(words.length);
    // A keyword whose cluster could not be created keeps its old state (pending, no cluster).
    for (const k of keywords.filter((k) => k.cluster_id === null)) expect(k.status).toBe('pending');
    const clusters = (await call('GET', `/api/v1/planner/clusters/?site_id=${site.id}`, { token: owner.token })).body
      .results as { keywords_count: number }[];
    expect(clusters.reduce((n, c) => n + c.keywords_count, 0)).toBe(clustered.length);
  });
});

describe('ordering names only own columns', () => {
  const LISTS = [
    '/api/v1/planner/keywords/',
    '/api/v1/planner/clusters/',
    '/api/v1/planner/ideas/',
    '/api/v1/auth/sites/',
    '/api/v1/auth/sectors/',
    '/api/v1/auth/users/',
    '/api/v1/writer/tasks/',
    '/api/v1/writer/content/',
  ];
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '-constructor', '-__proto__'])(
    '?ordering=%s is a 400 naming the parameter on every list',
    async (ordering) => {
      const owner = await signup('ordering');
      for (const path of LISTS) {
        const res = await call('GET', `${path}?ordering=${encodeURIComponent(ordering)}`, { token: owner.token });
        expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(400);
        expect(res.body).toMatchObject({
          code: 'validation_error',
          errors: { ordering: [expect.stringMatching(/Order by one of/)] },
        });
      }
    },
  );
});
