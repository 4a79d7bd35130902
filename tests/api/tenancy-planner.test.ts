import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, signup, type Res, type Session } from '../helpers/api';
import {
  MEMBER_ROLES,
  MISSING_ID,
  ownersOnOneShard,
  populateAccount,
  shardBinding,
  shardOf,
  type AccountFx,
} from '../helpers/fixtures';
import { scriptFaults, useOwnModelKey, waitForJob } from '../helpers/jobs';
import {
  Matrix,
  manages,
  sameIds,
  type Case,
  type Scope,
  type Who,
  notFoundsThatDiffer,
  siteTargets,
} from '../helpers/matrix';
import { csvLines, exportCsv, importCsv, seedKeywords } from '../helpers/planner';

/**
 * The tenancy proof, extended to the planner, the AI jobs, system settings and billing. Two
 * accounts on ONE shard (only account_id separates their rows), each with owner, admin, editor and
 * viewer; editor and viewer granted site 1 only. Every route × every identity × own granted / own
 * ungranted / other account's / missing ids, with the exact status each must get.
 */
const P = '/api/v1/planner';
const S = '/api/v1/system';
const matrix = new Matrix();

/** One site's planner rows: k[0..2] are clustered by jobs, k[3..5] sit in `clusterId`. */
interface PlannerSite {
  label: string;
  siteId: number;
  sectorId: number;
  k: number[];
  clusterId: number;
  ideaId: number;
  /** A succeeded auto_cluster job, and a failed one (retryable). */
  jobId: string;
  failedJobId: string;
}
interface PlannerFx {
  granted: PlannerSite;
  ungranted: PlannerSite;
}

let A: AccountFx;
let B: AccountFx;
let crossShard: { owner: Session; site: PlannerSite };
const planner = new Map<number, PlannerFx>();
const fx = (acct: AccountFx) => planner.get(acct.accountId)!;
let n = 0;
const unique = (what: string) => `${what} ${++n}`;

async function seedSite(owner: Session, label: string, site: { id: number; sectorId: number }): Promise<PlannerSite> {
  const place = { siteId: site.id, sectorId: site.sectorId };
  const k = await seedKeywords(
    owner,
    place,
    [
      'raised bed soil',
      'raised bed kit',
      'cedar raised bed',
      'compost bin',
      'compost tea',
      'worm compost',
      'tomato cage',
      'tomato feed',
    ].map((w) => `${label} ${w}`),
  );
  const cluster = await call('POST', `${P}/clusters/`, {
    token: owner.token,
    body: { site_id: site.id, sector_id: site.sectorId, name: `${label} compost` },
  });
  expect(cluster.status).toBe(201);
  expect(
    (
      await call('POST', `${P}/clusters/${cluster.body.data.id}/add_keywords/`, {
        token: owner.token,
        body: { keyword_ids: k.slice(3, 6) },
      })
    ).status,
  ).toBe(200);
  const idea = await call('POST', `${P}/ideas/`, {
    token: owner.token,
    body: {
      site_id: site.id,
      sector_id: site.sectorId,
      cluster_id: cluster.body.data.id,
      idea_title: `${label} composting guide`,
    },
  });
  expect(idea.status).toBe(201);
  return {
    label,
    siteId: site.id,
    sectorId: site.sectorId,
    k,
    clusterId: cluster.body.data.id,
    ideaId: idea.body.data.id,
    jobId: '',
    failedJobId: '',
  };
}

/** Runs auto_cluster on k[0..2] as the owner and waits: the job must end `status`. */
async function finishedJob(owner: Session, site: PlannerSite, status: 'succeeded' | 'failed') {
  const start = await call('POST', `${P}/keywords/auto_cluster/`, {
    token: owner.token,
    body: { ids: site.k.slice(0, 3) },
  });
  expect(start.status, JSON.stringify(start.body)).toBe(202);
  expect((await waitForJob(owner, start.body.data.task_id)).status).toBe(status);
  return start.body.data.task_id as string;
}

async function seedAccount(acct: AccountFx): Promise<PlannerFx> {
  const owner = acct.members.owner;
  const granted = await seedSite(owner, `${acct.label}1`, acct.granted);
  const ungranted = await seedSite(owner, `${acct.label}2`, acct.ungranted);
  // A failed job per site: the account's own key answers garbage twice, then back to the demo model.
  const key = `sk-tenancy-${acct.label}-${Date.now()}`;
  await useOwnModelKey(owner, key);
  await scriptFaults(key, { script: ['malformed', 'malformed'] });
  for (const site of [granted, ungranted]) site.failedJobId = await finishedJob(owner, site, 'failed');
  expect(
    (
      await call('PUT', `${S}/settings/integrations/openai/`, {
        token: owner.token,
        body: { api_key: null, base_url: null },
      })
    ).status,
  ).toBe(200);
  for (const site of [granted, ungranted]) site.jobId = await finishedJob(owner, site, 'succeeded');
  return { granted, ungranted };
}

beforeAll(async () => {
  const { pair, others } = await ownersOnOneShard('ptenancy');
  A = await populateAccount(pair[0], 'A');
  B = await populateAccount(pair[1], 'B');
  for (const acct of [A, B]) planner.set(acct.accountId, await seedAccount(acct));
  let owner = others[0] ?? (await signup('pcross'));
  while ((await shardOf(owner.accountId)) === A.shard) owner = await signup('pcross');
  const site = (await call('POST', '/api/v1/auth/sites/', { token: owner.token, body: { name: 'C site' } })).body.data;
  const sector = (
    await call('POST', '/api/v1/auth/sectors/', { token: owner.token, body: { site_id: site.id, name: 'C sector' } })
  ).body.data;
  crossShard = { owner, site: await seedSite(owner, 'C', { id: site.id, sectorId: sector.id }) };
}, 120_000);

afterAll(() => {
  console.log(`planner tenancy cases tried: ${matrix.tried}`);
});

const identities = (): Who[] =>
  [A, B].flatMap((acct) =>
    MEMBER_ROLES.map((role) => ({
      label: `${acct.label}.${role}`,
      role,
      s: acct.members[role],
      acct,
      other: acct === A ? B : A,
    })),
  );

const MISSING: PlannerSite = {
  label: 'missing',
  siteId: MISSING_ID,
  sectorId: MISSING_ID,
  k: Array(8).fill(MISSING_ID),
  clusterId: MISSING_ID,
  ideaId: MISSING_ID,
  jobId: 'missing-job-0000',
  failedJobId: 'missing-job-0001',
};
const asOwner = (w: Who) => w.acct.members.owner;
const post = (s: Session, path: string, body: unknown) => call('POST', path, { token: s.token, body });
const jobDone = (w: Who, status: 'succeeded') => async (r: Res) => {
  const job = await waitForJob(w.s, r.body.data.task_id);
  return job.status === status ? undefined : `job ended ${job.status}: ${job.error}`;
};
const allOfSite = (siteId: number) => (r: Res) =>
  r.body.results.length && r.body.results.every((x: { site_id: number }) => x.site_id === siteId)
    ? undefined
    : `rows of other sites (or none): ${JSON.stringify(r.body.results.map((x: { site_id: number }) => x.site_id))}`;

async function disposableKeyword(owner: Session, p: PlannerSite) {
  const res = await post(owner, `${P}/keywords/`, {
    site_id: p.siteId,
    sector_id: p.sectorId,
    keyword: unique('disposable keyword'),
  });
  return res.body.data.id as number;
}
async function disposableCluster(owner: Session, p: PlannerSite) {
  return (
    await post(owner, `${P}/clusters/`, {
      site_id: p.siteId,
      sector_id: p.sectorId,
      name: unique('disposable cluster'),
    })
  ).body.data.id as number;
}
async function disposableIdea(owner: Session, p: PlannerSite) {
  return (
    await post(owner, `${P}/ideas/`, {
      site_id: p.siteId,
      sector_id: p.sectorId,
      idea_title: unique('disposable idea'),
    })
  ).body.data.id as number;
}

/** Every site-scoped route, for one identity against one target site's rows. */
function siteCases(w: Who): Case[] {
  return siteTargets(w, fx(w.acct), fx(w.other), MISSING).flatMap(({ name, scope, p, read, write, writable }) => {
    const owner = asOwner(w);
    const c = (
      what: string,
      isWrite: boolean,
      expectStatus: number,
      rest: Pick<Case, 'request'> & Partial<Case>,
    ): Case => ({
      who: w,
      what: `${what} [${name}]`,
      scope,
      write: isWrite,
      expect: expectStatus,
      ...rest,
    });
    const del = (path: string) => async () =>
      void expect((await call('DELETE', path, { token: owner.token })).status).toBe(200);
    return [
      // keywords
      c('GET keywords?site_id', false, read, {
        request: () => call('GET', `${P}/keywords/?site_id=${p.siteId}`, { token: w.s.token }),
        verify: allOfSite(p.siteId),
      }),
      c('GET keywords?site_id&sector_id', false, read, {
        request: () => call('GET', `${P}/keywords/?site_id=${p.siteId}&sector_id=${p.sectorId}`, { token: w.s.token }),
        verify: allOfSite(p.siteId),
      }),
      c('GET keyword', false, read, {
        request: () => call('GET', `${P}/keywords/${p.k[0]}/`, { token: w.s.token }),
        verify: (r) => (r.body.data.id === p.k[0] ? undefined : 'wrong keyword'),
      }),
      c('POST keyword', true, write(201), {
        request: () =>
          post(w.s, `${P}/keywords/`, {
            site_id: p.siteId,
            sector_id: p.sectorId,
            keyword: unique(`added by ${w.label}`),
          }),
        verify: (r) => (r.body.data.site_id === p.siteId ? undefined : 'keyword on another site'),
        cleanup: (r) => del(`${P}/keywords/${r.body.data.id}/`)(),
      }),
      c('PATCH keyword', true, write(), {
        request: () =>
          call('PATCH', `${P}/keywords/${p.k[7]}/`, {
            token: w.s.token,
            body: { keyword: unique(`touched by ${w.label}`) },
          }),
      }),
      c('DELETE keyword', true, write(), {
        request: async () =>
          call('DELETE', `${P}/keywords/${writable ? await disposableKeyword(owner, p) : p.k[7]}/`, {
            token: w.s.token,
          }),
      }),
      c('POST keywords bulk_delete', true, write(), {
        request: async () =>
          post(w.s, `${P}/keywords/bulk_delete/`, {
            ids: writable ? [await disposableKeyword(owner, p), await disposableKeyword(owner, p)] : [p.k[6], p.k[7]],
          }),
        verify: (r) => (r.body.data.deleted === 2 ? undefined : `deleted ${r.body.data.deleted}`),
      }),
      c('POST keywords bulk_update_status', true, write(), {
        request: () => post(w.s, `${P}/keywords/bulk_update_status/`, { ids: [p.k[6], p.k[7]], status: 'active' }),
      }),
      c('POST keywords import', true, write(), {
        request: () => importCsv(w.s, p, `keyword,volume\n${unique(`imported by ${w.label}`)},5\n`),
        verify: (r) => (r.body.data.imported === 1 ? undefined : `imported ${r.body.data.imported}`),
      }),
      c('GET keywords export', false, read, {
        request: () => exportCsv(w.s, `site_id=${p.siteId}`),
        verify: (r) =>
          csvLines(r.body.data).some((l) => l.startsWith(`${p.label} raised bed soil,`))
            ? undefined
            : "export misses the site's keywords",
      }),
      c('POST keywords auto_cluster', true, write(202), {
        request: () => post(w.s, `${P}/keywords/auto_cluster/`, { ids: p.k.slice(0, 3) }),
        verify: jobDone(w, 'succeeded'),
      }),
      // clusters
      c('GET clusters?site_id', false, read, {
        request: () => call('GET', `${P}/clusters/?site_id=${p.siteId}`, { token: w.s.token }),
        verify: allOfSite(p.siteId),
      }),
      c('GET cluster', false, read, {
        request: () => call('GET', `${P}/clusters/${p.clusterId}/`, { token: w.s.token }),
        verify: (r) => (r.body.data.id === p.clusterId ? undefined : 'wrong cluster'),
      }),
      c('POST cluster', true, write(201), {
        request: () =>
          post(w.s, `${P}/clusters/`, {
            site_id: p.siteId,
            sector_id: p.sectorId,
            name: unique(`cluster by ${w.label}`),
          }),
        cleanup: (r) => del(`${P}/clusters/${r.body.data.id}/`)(),
      }),
      c('PATCH cluster', true, write(), {
        request: () =>
          call('PATCH', `${P}/clusters/${p.clusterId}/`, {
            token: w.s.token,
            body: { description: `touched by ${w.label}` },
          }),
      }),
      c('DELETE cluster', true, write(), {
        request: async () =>
          call('DELETE', `${P}/clusters/${writable ? await disposableCluster(owner, p) : p.clusterId}/`, {
            token: w.s.token,
          }),
      }),
      c('POST cluster add_keywords', true, write(), {
        request: () => post(w.s, `${P}/clusters/${p.clusterId}/add_keywords/`, { keyword_ids: [p.k[6]] }),
        verify: (r) => (r.body.data.id === p.clusterId ? undefined : 'wrong cluster'),
      }),
      c('POST cluster remove_keywords', true, write(), {
        request: () => post(w.s, `${P}/clusters/${p.clusterId}/remove_keywords/`, { keyword_ids: [p.k[6]] }),
      }),
      c('POST clusters auto_generate_ideas', true, write(202), {
        request: () => post(w.s, `${P}/clusters/auto_generate_ideas/`, { ids: [p.clusterId], ideas_per_cluster: 3 }),
        verify: jobDone(w, 'succeeded'),
      }),
      // ideas
      c('GET ideas?site_id', false, read, {
        request: () => call('GET', `${P}/ideas/?site_id=${p.siteId}`, { token: w.s.token }),
        verify: allOfSite(p.siteId),
      }),
      c('GET idea', false, read, {
        request: () => call('GET', `${P}/ideas/${p.ideaId}/`, { token: w.s.token }),
        verify: (r) => (r.body.data.id === p.ideaId ? undefined : 'wrong idea'),
      }),
      c('POST idea', true, write(201), {
        request: () =>
          post(w.s, `${P}/ideas/`, {
            site_id: p.siteId,
            sector_id: p.sectorId,
            idea_title: unique(`idea by ${w.label}`),
          }),
        cleanup: (r) => del(`${P}/ideas/${r.body.data.id}/`)(),
      }),
      c('PATCH idea', true, write(), {
        request: () =>
          call('PATCH', `${P}/ideas/${p.ideaId}/`, {
            token: w.s.token,
            body: { description: `touched by ${w.label}` },
          }),
      }),
      c('DELETE idea', true, write(), {
        request: async () =>
          call('DELETE', `${P}/ideas/${writable ? await disposableIdea(owner, p) : p.ideaId}/`, { token: w.s.token }),
      }),
      c('POST ideas create_tasks', true, write(201), {
        request: () => post(w.s, `${P}/ideas/create_tasks/`, { ids: [p.ideaId] }),
      }),
      c('POST ideas bulk_delete', true, write(), {
        request: async () =>
          post(w.s, `${P}/ideas/bulk_delete/`, { ids: writable ? [await disposableIdea(owner, p)] : [p.ideaId] }),
      }),
      // jobs
      c('GET jobs?site_id', false, read, {
        request: () => call('GET', `${S}/jobs/?site_id=${p.siteId}`, { token: w.s.token }),
        verify: (r) =>
          r.body.data.some((j: { id: string }) => j.id === p.jobId) &&
          r.body.data.every((j: { site_id: number }) => j.site_id === p.siteId)
            ? undefined
            : 'jobs of another site',
      }),
      c('GET task_progress', false, read, {
        request: () => call('GET', `${S}/settings/task_progress/${p.jobId}/`, { token: w.s.token }),
        verify: (r) => (r.body.data.job.id === p.jobId && r.body.data.state === 'SUCCESS' ? undefined : 'wrong job'),
      }),
      c('POST job cancel (finished)', true, write(), {
        request: () => post(w.s, `${S}/jobs/${p.jobId}/cancel/`, {}),
        verify: (r) => (r.body.data.status === 'succeeded' ? undefined : `a finished job became ${r.body.data.status}`),
      }),
      c('POST job retry (succeeded: not retryable)', true, write(400), {
        request: () => post(w.s, `${S}/jobs/${p.jobId}/retry/`, {}),
      }),
      c('POST job retry (failed)', true, write(202), {
        request: () => post(w.s, `${S}/jobs/${p.failedJobId}/retry/`, {}),
        verify: async (r) =>
          r.body.data.job.retry_of === p.failedJobId ? jobDone(w, 'succeeded')(r) : 'not a retry of the failed job',
      }),
    ];
  });
}

/** Bulk selections that smuggle one id of the other account among the caller's own. */
function smuggledCases(w: Who): Case[] {
  const own = fx(w.acct).granted;
  const foreign = fx(w.other).granted;
  const c = (what: string, request: () => Promise<Res>, expect = 404): Case => ({
    who: w,
    what: `${what} [own + one foreign id]`,
    scope: 'foreign',
    write: true,
    expect,
    request,
  });
  return [
    c('POST keywords bulk_delete', () => post(w.s, `${P}/keywords/bulk_delete/`, { ids: [own.k[6], foreign.k[6]] })),
    c('POST keywords bulk_update_status', () =>
      post(w.s, `${P}/keywords/bulk_update_status/`, { ids: [own.k[6], foreign.k[6]], status: 'archived' }),
    ),
    c('POST keywords auto_cluster', () =>
      post(w.s, `${P}/keywords/auto_cluster/`, { ids: [...own.k.slice(0, 3), foreign.k[0]] }),
    ),
    // A viewer is stopped at the (own, readable) cluster before the keywords are looked at.
    c(
      'POST cluster add_keywords',
      () => post(w.s, `${P}/clusters/${own.clusterId}/add_keywords/`, { keyword_ids: [own.k[6], foreign.k[6]] }),
      w.role === 'viewer' ? 403 : 404,
    ),
    c('POST clusters auto_generate_ideas', () =>
      post(w.s, `${P}/clusters/auto_generate_ideas/`, { ids: [own.clusterId, foreign.clusterId] }),
    ),
    c('POST ideas create_tasks', () => post(w.s, `${P}/ideas/create_tasks/`, { ids: [own.ideaId, foreign.ideaId] })),
    c('POST ideas bulk_delete', () => post(w.s, `${P}/ideas/bulk_delete/`, { ids: [own.ideaId, foreign.ideaId] })),
  ];
}

/** Account-wide routes: unfiltered lists, filters naming foreign ids, settings, prompts, billing. */
function accountCases(w: Who): Case[] {
  const m = manages(w.role);
  const owner = w.role === 'owner';
  const visible = m ? [fx(w.acct).granted.siteId, fx(w.acct).ungranted.siteId] : [fx(w.acct).granted.siteId];
  const c = (
    what: string,
    scope: Scope,
    write: boolean,
    expectStatus: number,
    rest: Pick<Case, 'request'> & Partial<Case>,
  ): Case => ({ who: w, what, scope, write, expect: expectStatus, ...rest });
  const get = (path: string, headers?: Record<string, string>) => () =>
    call('GET', path, { token: w.s.token, headers });
  const onlyVisible = (r: Res) =>
    sameIds([...new Set(r.body.results.map((x: { site_id: number }) => x.site_id))] as number[], visible);
  const none = (r: Res) => (r.body.count === 0 ? undefined : `${r.body.count} rows`);
  const foreign = fx(w.other).granted;
  const asOther = { 'x-account-id': String(w.other.accountId) };
  const prompt = `Prompt set by ${w.label}: write the article.`;
  return [
    c('GET keywords', 'own', false, 200, { request: get(`${P}/keywords/?page_size=200`), verify: onlyVisible }),
    c('GET clusters', 'own', false, 200, { request: get(`${P}/clusters/?page_size=200`), verify: onlyVisible }),
    c('GET ideas', 'own', false, 200, { request: get(`${P}/ideas/?page_size=200`), verify: onlyVisible }),
    // A filter value is not a lookup: another account's sector or cluster id simply matches nothing.
    c('GET keywords?sector_id=foreign', 'own', false, 200, {
      request: get(`${P}/keywords/?sector_id=${foreign.sectorId}`),
      verify: none,
    }),
    c('GET keywords?cluster_id=foreign', 'own', false, 200, {
      request: get(`${P}/keywords/?cluster_id=${foreign.clusterId}`),
      verify: none,
    }),
    c('GET clusters?sector_id=foreign', 'own', false, 200, {
      request: get(`${P}/clusters/?sector_id=${foreign.sectorId}`),
      verify: none,
    }),
    c('GET ideas?cluster_id=foreign', 'own', false, 200, {
      request: get(`${P}/ideas/?cluster_id=${foreign.clusterId}`),
      verify: none,
    }),
    c('GET keywords export?sector_id=foreign', 'own', false, 200, {
      request: () => exportCsv(w.s, `sector_id=${foreign.sectorId}`),
      verify: (r) => (csvLines(r.body.data).length === 1 ? undefined : 'foreign rows in the export'),
    }),
    c('GET keywords with X-Account-ID of other account', 'foreign', false, 403, {
      request: get(`${P}/keywords/?site_id=${foreign.siteId}`, asOther),
    }),
    c('POST auto_cluster with X-Account-ID of other account', 'foreign', true, 403, {
      request: () =>
        call('POST', `${P}/keywords/auto_cluster/`, {
          token: w.s.token,
          headers: asOther,
          body: { ids: foreign.k.slice(0, 3) },
        }),
    }),
    c('GET jobs?site_id=missing', 'missing', false, 404, { request: get(`${S}/jobs/?site_id=${MISSING_ID}`) }),
    c('GET task_progress of a malformed id', 'missing', false, 404, {
      request: get(`${S}/settings/task_progress/not%20a%20job/`),
    }),
    // settings:manage — owner and admin
    c('GET integrations openai', 'own', false, m ? 200 : 403, {
      request: get(`${S}/settings/integrations/openai/`),
      verify: (r) =>
        'api_key_enc' in r.body.data || JSON.stringify(r.body).includes('sk-') ? 'key leaked' : undefined,
    }),
    c('PUT integrations openai', 'own', true, m ? 200 : 403, {
      request: () =>
        call('PUT', `${S}/settings/integrations/openai/`, { token: w.s.token, body: { max_concurrency: 4 } }),
    }),
    c('POST integrations openai test', 'own', true, m ? 200 : 403, {
      request: () => post(w.s, `${S}/settings/integrations/openai/test/`, {}),
      verify: (r) => (r.body.data.ok ? undefined : r.body.data.error),
    }),
    c('GET integrations runware', 'own', false, m ? 200 : 403, { request: get(`${S}/settings/integrations/runware/`) }),
    c('PUT integrations runware', 'own', true, m ? 200 : 403, {
      request: () =>
        call('PUT', `${S}/settings/integrations/runware/`, { token: w.s.token, body: { image_type: 'realistic' } }),
    }),
    c('POST integrations runware test', 'own', true, m ? 200 : 403, {
      request: () => post(w.s, `${S}/settings/integrations/runware/test/`, {}),
    }),
    c('GET integrations of an unknown type', 'own', false, m ? 404 : 403, {
      request: get(`${S}/settings/integrations/wordpress/`),
    }),
    c('GET prompts', 'own', false, 200, {
      request: get(`${S}/prompts/`),
      verify: (r) => {
        const own = r.body.data.find((p: { prompt_type: string }) => p.prompt_type === 'content_generation');
        return own.is_default || own.prompt_value.startsWith(`Prompt set by ${w.acct.label}.`)
          ? undefined
          : `another account's prompt: ${own.prompt_value}`;
      },
    }),
    c('PUT prompt', 'own', true, m ? 200 : 403, {
      request: () =>
        call('PUT', `${S}/prompts/content_generation/`, { token: w.s.token, body: { prompt_value: prompt } }),
      verify: (r) => (r.body.data.prompt_value === prompt ? undefined : 'not saved'),
    }),
    c('POST prompt reset', 'own', true, m ? 200 : 403, { request: () => post(w.s, `${S}/prompts/ideas/reset/`, {}) }),
    c('PUT prompt of an unknown type', 'own', true, m ? 404 : 403, {
      request: () => call('PUT', `${S}/prompts/bogus/`, { token: w.s.token, body: { prompt_value: prompt } }),
    }),
    // billing — owners only; adjustments developers only
    c('GET billing balance', 'own', false, owner ? 200 : 403, { request: get('/api/v1/billing/balance/') }),
    c('GET billing transactions', 'own', false, owner ? 200 : 403, {
      request: get('/api/v1/billing/transactions/?page_size=200'),
      verify: (r) => (r.body.count > 0 ? undefined : 'empty ledger'),
    }),
    c('GET billing usage', 'own', false, owner ? 200 : 403, {
      request: get('/api/v1/billing/usage/?page_size=200'),
      verify: (r) =>
        r.body.results.every((u: { site_id: number }) =>
          [fx(w.acct).granted.siteId, fx(w.acct).ungranted.siteId].includes(u.site_id),
        )
          ? undefined
          : 'usage of other sites',
    }),
    c('GET billing usage/summary', 'own', false, owner ? 200 : 403, { request: get('/api/v1/billing/usage/summary/') }),
    c('POST billing adjust', 'own', true, 403, {
      request: () =>
        post(w.s, '/api/v1/billing/adjust/', {
          amount: 1000,
          reason: 'free credits',
          idempotency_key: unique('adjust-key'),
        }),
    }),
  ];
}

describe('planner, jobs, settings and billing × every identity × own, foreign and missing ids', () => {
  it('site-scoped planner and job routes', async () => {
    await matrix.run(identities().flatMap(siteCases));
  }, 180_000);

  it('bulk selections with a foreign id smuggled in', async () => {
    await matrix.run(identities().flatMap(smuggledCases));
  });

  it('lists, filters, settings, prompts and billing', async () => {
    await matrix.run(identities().flatMap(accountCases));
  }, 60_000);

  it('an account on another shard, whose own row ids coincide with theirs, only ever gets its own rows', async () => {
    const o = crossShard.owner;
    const own = crossShard.site;
    const caller = { label: 'C.owner', role: 'owner' as const, acct: { accountId: o.accountId } };
    const sameId = (mine: number[], id: number) => mine.includes(id);
    const c = (what: string, isOwn: boolean, request: () => Promise<Res>, verify?: Case['verify']): Case => ({
      who: caller,
      what,
      scope: isOwn ? 'own' : 'foreign',
      write: false,
      expect: isOwn ? 200 : 404,
      request,
      verify,
    });
    const ownRow = (siteId: number) => (r: Res) => (r.body.data.site_id === siteId ? undefined : "not C's row");
    const cases = [A, B]
      .flatMap((acct) => [fx(acct).granted, fx(acct).ungranted])
      .flatMap((p) => [
        c(
          `GET keyword ${p.k[0]}`,
          sameId(own.k, p.k[0]!),
          () => call('GET', `${P}/keywords/${p.k[0]}/`, { token: o.token }),
          ownRow(own.siteId),
        ),
        c(
          `GET keywords?site_id=${p.siteId}`,
          p.siteId === own.siteId,
          () => call('GET', `${P}/keywords/?site_id=${p.siteId}`, { token: o.token }),
          allOfSite(own.siteId),
        ),
        c(
          `GET cluster ${p.clusterId}`,
          p.clusterId === own.clusterId,
          () => call('GET', `${P}/clusters/${p.clusterId}/`, { token: o.token }),
          ownRow(own.siteId),
        ),
        c(
          `GET idea ${p.ideaId}`,
          p.ideaId === own.ideaId,
          () => call('GET', `${P}/ideas/${p.ideaId}/`, { token: o.token }),
          ownRow(own.siteId),
        ),
        c(`GET task_progress ${p.jobId}`, false, () =>
          call('GET', `${S}/settings/task_progress/${p.jobId}/`, { token: o.token }),
        ),
        c(`GET jobs?site_id=${p.siteId}`, p.siteId === own.siteId, () =>
          call('GET', `${S}/jobs/?site_id=${p.siteId}`, { token: o.token }),
        ),
        {
          ...c(
            `PATCH idea ${p.ideaId}`,
            p.ideaId === own.ideaId,
            () =>
              call('PATCH', `${P}/ideas/${p.ideaId}/`, { token: o.token, body: { description: 'touched by C.owner' } }),
            ownRow(own.siteId),
          ),
          write: true,
        },
      ]);
    // The point of the case: the ids really do coincide, so only the account filter tells them apart.
    expect(cases.filter((x) => x.scope === 'own').length).toBeGreaterThan(0);
    await matrix.run(cases);
  });

  it('a 404 reads the same for an id in an unseen site, in another account, or nowhere', async () => {
    const e = A.members.editor;
    const probes: [string, (p: PlannerSite) => Promise<Res>][] = [
      ['GET keyword', (p) => call('GET', `${P}/keywords/${p.k[0]}/`, { token: e.token })],
      ['PATCH keyword', (p) => call('PATCH', `${P}/keywords/${p.k[0]}/`, { token: e.token, body: { volume: 1 } })],
      ['keywords bulk_delete', (p) => post(e, `${P}/keywords/bulk_delete/`, { ids: [p.k[0]] })],
      ['keywords auto_cluster', (p) => post(e, `${P}/keywords/auto_cluster/`, { ids: [p.k[0]] })],
      ['GET cluster', (p) => call('GET', `${P}/clusters/${p.clusterId}/`, { token: e.token })],
      ['cluster add_keywords', (p) => post(e, `${P}/clusters/${p.clusterId}/add_keywords/`, { keyword_ids: [p.k[0]] })],
      ['auto_generate_ideas', (p) => post(e, `${P}/clusters/auto_generate_ideas/`, { ids: [p.clusterId] })],
      ['GET idea', (p) => call('GET', `${P}/ideas/${p.ideaId}/`, { token: e.token })],
      ['ideas create_tasks', (p) => post(e, `${P}/ideas/create_tasks/`, { ids: [p.ideaId] })],
      ['ideas bulk_delete', (p) => post(e, `${P}/ideas/bulk_delete/`, { ids: [p.ideaId] })],
      ['task_progress', (p) => call('GET', `${S}/settings/task_progress/${p.jobId}/`, { token: e.token })],
      ['job retry', (p) => post(e, `${S}/jobs/${p.failedJobId}/retry/`, {})],
    ];
    expect(await notFoundsThatDiffer(probes, [fx(A).ungranted, fx(B).granted, MISSING])).toEqual([]);
  });

  it('tried enough cases', () => {
    expect(matrix.tried).toBeGreaterThan(1400);
  });
});

describe('underneath the API', () => {
  it('no write of the matrix landed in the other account, even behind a 404', async () => {
    const db = shardBinding(A.shard);
    const problems: string[] = [];
    for (const acct of [A, B]) {
      const mine = (text: string) =>
        !/(touched|imported|added) by /.test(text) ||
        new RegExp(`(touched|imported|added) by ${acct.label}\\.\\w+( \\d+)?$`).test(text);
      const rows: { row: string; text: string }[] = [];
      for (const q of [
        "SELECT 'keyword ' || id AS row, keyword AS text FROM keywords WHERE account_id = ?",
        "SELECT 'cluster ' || id AS row, description AS text FROM clusters WHERE account_id = ?",
        "SELECT 'idea ' || id AS row, description AS text FROM content_ideas WHERE account_id = ?",
        "SELECT 'prompt ' || prompt_type AS row, prompt_value AS text FROM ai_prompts WHERE account_id = ?",
      ])
        rows.push(...(await db.prepare(q).bind(acct.accountId).all<{ row: string; text: string }>()).results);
      const touched = rows.filter((r) => /(touched|imported|added) by |Prompt set by/.test(r.text));
      for (const r of touched)
        if (!mine(r.text) && !r.text.startsWith(`Prompt set by ${acct.label}.`))
          problems.push(`${acct.label} ${r.row}: "${r.text}"`);
      if (touched.length < 4) problems.push(`${acct.label}: the matrix changed almost nothing (vacuous check)`);
      const bal = await db
        .prepare('SELECT balance, reserved FROM credit_balances WHERE account_id = ?')
        .bind(acct.accountId)
        .first<{ balance: number; reserved: number }>();
      const sum = await db
        .prepare('SELECT sum(amount) AS s FROM credit_transactions WHERE account_id = ?')
        .bind(acct.accountId)
        .first<{ s: number }>();
      if (bal!.reserved !== 0 || bal!.balance !== sum!.s)
        problems.push(`${acct.label}: balance ${JSON.stringify(bal)} vs ledger ${sum!.s}`);
      if (
        await db
          .prepare("SELECT 1 FROM credit_transactions WHERE account_id = ? AND transaction_type = 'adjustment'")
          .bind(acct.accountId)
          .first()
      )
        problems.push(`${acct.label}: an adjustment went through`);
    }
    // Planner children always sit in the account, site and sector of their parents.
    const mismatched: { row: string }[] = [];
    for (const q of [
      "SELECT 'keyword ' || k.id AS row FROM keywords k JOIN sectors s ON " +
        's.id = k.sector_id WHERE s.account_id != k.account_id OR s.site_id != ' +
        'k.site_id',
      "SELECT 'cluster ' || c.id AS row FROM clusters c JOIN sectors s ON " +
        's.id = c.sector_id WHERE s.account_id != c.account_id OR s.site_id != ' +
        'c.site_id',
      "SELECT 'idea ' || i.id AS row FROM content_ideas i JOIN sectors s ON " +
        's.id = i.sector_id WHERE s.account_id != i.account_id OR s.site_id != ' +
        'i.site_id',
      `SELECT 'link ' || kc.keyword_id AS row FROM keyword_clusters kc JOIN keywords k ON k.id = kc.keyword_id
         JOIN clusters c ON c.id = kc.cluster_id
         WHERE k.account_id != kc.account_id OR c.account_id != kc.account_id OR c.sector_id != k.sector_id`,
      "SELECT 'task ' || t.id AS row FROM tasks t JOIN content_ideas i ON " +
        'i.id = t.idea_id WHERE i.account_id != t.account_id OR i.site_id != ' +
        't.site_id',
      "SELECT 'task log ' || l.id AS row FROM ai_task_logs l JOIN sites s ON " +
        's.id = l.site_id WHERE s.account_id != l.account_id',
    ])
      mismatched.push(...(await db.prepare(q).all<{ row: string }>()).results);
    expect(problems).toEqual([]);
    expect(mismatched).toEqual([]);
  });

  it("the smuggled selections changed nothing of the caller's own rows", async () => {
    for (const acct of [A, B]) {
      const p = fx(acct).granted;
      const idea = await call('GET', `${P}/ideas/${p.ideaId}/`, { token: acct.members.owner.token });
      expect(idea.status).toBe(200);
      const kw = await call('GET', `${P}/keywords/${p.k[6]}/`, { token: acct.members.owner.token });
      expect(kw.status).toBe(200);
      expect(kw.body.data.status).not.toBe('archived');
    }
  });
});
