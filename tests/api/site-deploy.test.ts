import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Context } from 'hono';
import { drizzle } from 'drizzle-orm/d1';
import { startSiteDeploy } from '../../worker/publisher/deploy-start';
import type { Tenant } from '../../worker/db/tenant';
import { call, ORIGIN, signup, type Session } from '../helpers/api';
import { envelopeProblems, expectError, populateAccount, shardBinding, type AccountFx } from '../helpers/fixtures';
import { waitForJob } from '../helpers/jobs';
import { deploy, directoryRow, liveArticle, manifestIn, seedBlueprint, setArticle, visit } from '../helpers/sites';

/**
 * Deploying a blueprint to the edge (issue 12): the deploy job renders the site into R2 blobs, writes
 * the version's manifest and flips the live pointer; the site is then served under /s/<slug>/.
 * What a user relies on: the site appears, a second deploy writes only what changed, the live
 * site never points at a half-written version, rollback is instant, a cancelled deploy changes
 * nothing, publishing one article re-renders only the pages that show it, and nobody reaches
 * another account's site or deploys it.
 */
let owner: Session;
let stranger: Session;
let fx: AccountFx;
let blueprint: { id: number; clusterId: number | null };
const HOUR = 3_600_000;
const t0 = Date.now() - 100 * HOUR;

/** A Deployment as the API returns it (the fields these tests read). */
type Deployment = { id: number; version: number; status: string; is_live: boolean; [field: string]: unknown };

const deploymentsOf = async (s: Session, query: string) => {
  const res = await call('GET', `/api/v1/publisher/deployments/?${query}`, { token: s.token });
  expect(envelopeProblems(res)).toEqual([]);
  return res.body.results as Deployment[];
};

async function blobExists(hash: string) {
  return !!(await env.MEDIA.head(`sites/${fx.accountId}/${fx.granted.id}/blobs/${hash}`));
}

/** The tenant H4's publish route hands startSiteDeploy, built by hand for the incremental deploys. */
function tenantOf(session: Session): Tenant {
  return {
    user: { id: session.userId, email: session.email, name: 'Owner', role: 'owner', account_id: fx.accountId },
    account: { id: fx.accountId, name: 'a', slug: 'a', status: 'active', plan_id: 1 },
    shard: fx.shard,
    db: drizzle(shardBinding(fx.shard)) as Tenant['db'],
    control: drizzle(env.DB_CONTROL) as Tenant['control'],
    can: () => true,
    accessibleSiteIds: async () => 'all',
  };
}
const contextOf = () => ({ env, req: { url: `${ORIGIN}/api/v1/publisher/content/1/publish/` } }) as unknown as Context;

let articles: { id: number; slug: string }[] = [];
let slug: string;

beforeAll(async () => {
  owner = await signup('deployowner');
  stranger = await signup('deploystranger');
  fx = await populateAccount(owner, 'deploy');
  blueprint = await seedBlueprint(fx, fx.granted);
  articles = [];
  for (let i = 0; i < 3; i++)
    articles.push(
      await liveArticle(fx, fx.granted, `Tomato guide ${i}`, `<p>Tomato text number ${i}.</p>`, t0 + i * HOUR),
    );
});

describe('a full deploy', () => {
  let first: Deployment;

  it('renders the site into R2 and serves it under /s/<slug>/ with its sitemap and 404 page', async () => {
    const { job, deployment } = await deploy(owner, blueprint.id);
    expect(job).toMatchObject({ status: 'succeeded', function: 'deploy_site', credits_charged: 0 });
    expect(deployment).toMatchObject({
      status: 'deployed',
      version: 1,
      kind: 'full',
      is_live: true,
      blueprint_id: blueprint.id,
    });
    expect(deployment.files).toBeGreaterThan(0);
    expect(deployment.files_changed).toBeGreaterThan(0);
    expect(deployment.files_changed).toBeLessThanOrEqual(deployment.files);
    first = deployment;
    const dir = await directoryRow(fx.accountId, fx.granted.id);
    slug = dir!.slug;
    expect(dir).toMatchObject({ live_version: 1, live_deployment_id: deployment.id });
    expect(deployment.preview_url).toBe(`/s/${slug}/_v/1/`);
    expect(deployment.url).toBe(`${ORIGIN}/s/${slug}/`);

    const home = await visit(`/s/${slug}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toMatch(/^text\/html/);
    expect(home.headers.get('x-site-version')).toBe('1');
    expect(await home.text()).toContain('Welcome to the garden');

    const article = await visit(`/s/${slug}/blog/${articles[1]!.slug}/`);
    expect(article.status).toBe(200);
    expect(await article.text()).toContain('Tomato text number 1.');

    const sitemap = await visit(`/s/${slug}/sitemap.xml`);
    expect(sitemap.status).toBe(200);
    const xml = await sitemap.text();
    for (const a of articles) expect(xml).toContain(`${ORIGIN}/s/${slug}/blog/${a.slug}/`);

    const missing = await visit(`/s/${slug}/no-such-page/`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^text\/html/);
    const manifest = await manifestIn(fx.accountId, fx.granted.id, 1);
    expect(manifest!.files['404.html']).toBeDefined();
    expect(missing.headers.get('etag')).toBe(`"${manifest!.files['404.html']!.hash}"`);

    // Every file the manifest lists has its blob.
    for (const entry of Object.values(manifest!.files)) expect(await blobExists(entry.hash)).toBe(true);
  });

  it('lists deployments with filters, and a stranger sees none of them', async () => {
    const mine = await deploymentsOf(owner, `site_id=${fx.granted.id}&status=deployed`);
    expect(mine.map((d) => d.id)).toContain(first.id);
    expect(await deploymentsOf(owner, `site_id=${fx.granted.id}&status=failed`)).toEqual([]);
    expect(await deploymentsOf(stranger, '')).toEqual([]);
    expectError(await call('GET', `/api/v1/publisher/deployments/${first.id}/`, { token: stranger.token }), 404);
  });

  it('a second deploy with one changed article writes only the blobs that changed', async () => {
    await setArticle(fx, articles[2]!.id, { html_content: '<p>Tomato text, revised.</p>', updated_at: new Date() });
    const { deployment } = await deploy(owner, blueprint.id);
    expect(deployment).toMatchObject({ status: 'deployed', version: 2, is_live: true });
    const v1 = (await manifestIn(fx.accountId, fx.granted.id, 1))!;
    const v2 = (await manifestIn(fx.accountId, fx.granted.id, 2))!;
    const oldHashes = new Set(Object.values(v1.files).map((f) => f.hash));
    const newBlobs = new Set(
      Object.values(v2.files)
        .map((f) => f.hash)
        .filter((h) => !oldHashes.has(h)),
    );
    expect(deployment.files_changed).toBe(newBlobs.size);
    expect(newBlobs.size).toBeGreaterThanOrEqual(1);
    expect(newBlobs.size).toBeLessThan(Object.keys(v2.files).length / 2);
    // The revised article changed; the about page did not.
    const articlePath = `blog/${articles[2]!.slug}/index.html`;
    expect(v2.files[articlePath]!.hash).not.toBe(v1.files[articlePath]!.hash);
    expect(v2.files['about/index.html']!.hash).toBe(v1.files['about/index.html']!.hash);
    expect(await (await visit(`/s/${slug}/blog/${articles[2]!.slug}/`)).text()).toContain('Tomato text, revised.');
    // The kept version 1 is still served at its preview URL.
    expect(await (await visit(`/s/${slug}/_v/1/blog/${articles[2]!.slug}/`)).text()).toContain('Tomato text number 2.');
  });

  it('never points the live site at a version whose manifest or blobs are missing while a deploy runs', async () => {
    for (let i = 3; i < 8; i++)
      await liveArticle(fx, fx.granted, `Tomato more ${i}`, `<p>More tomato text ${i}.</p>`, t0 + i * HOUR);
    const started = await call('POST', `/api/v1/publisher/blueprints/${blueprint.id}/deploy/`, {
      token: owner.token,
      body: {},
    });
    expect(started.status).toBe(202);
    const jobId = started.body.data.job.id;
    const seen = new Set<number>();
    const deadline = Date.now() + 30_000;
    let status = '';
    for (let done = false; !done; ) {
      if (Date.now() > deadline) throw new Error(`deploy job ${jobId} is still ${status}`);
      const dir = await directoryRow(fx.accountId, fx.granted.id);
      const live = dir!.live_version!;
      seen.add(live);
      const manifest = await manifestIn(fx.accountId, fx.granted.id, live);
      expect(manifest).not.toBeNull();
      for (const entry of Object.values(manifest!.files)) expect(await blobExists(entry.hash)).toBe(true);
      const page = await visit(`/s/${slug}/`);
      expect(['2', '3']).toContain(page.headers.get('x-site-version'));
      const job = await call('GET', `/api/v1/system/settings/task_progress/${jobId}/`, { token: owner.token });
      status = job.body.data?.job?.status;
      done = ['succeeded', 'failed', 'cancelled'].includes(status);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect([...seen].every((v) => v === 2 || v === 3)).toBe(true);
    expect((await directoryRow(fx.accountId, fx.granted.id))!.live_version).toBe(3);
    // One deploy at a time: the pointer moved once, from 2 to 3.
    const byVersion = await deploymentsOf(owner, `site_id=${fx.granted.id}&ordering=version`);
    expect(byVersion.map((d) => [d.version, d.status])).toEqual([
      [1, 'deployed'],
      [2, 'deployed'],
      [3, 'deployed'],
    ]);
  });

  it('rolls back instantly to a kept version and serves its bytes; the replaced record says rolled_back', async () => {
    const [v1] = await deploymentsOf(owner, `site_id=${fx.granted.id}&ordering=version`);
    expectError(
      await call('POST', `/api/v1/publisher/deployments/${v1!.id}/rollback/`, { token: fx.members.viewer.token }),
      403,
    );
    expectError(
      await call('POST', `/api/v1/publisher/deployments/${v1!.id}/rollback/`, { token: stranger.token }),
      404,
    );
    const res = await call('POST', `/api/v1/publisher/deployments/${v1!.id}/rollback/`, {
      token: fx.members.editor.token,
    });
    expect(res.status).toBe(200);
    expect(res.body.data.deployment).toMatchObject({ id: v1!.id, status: 'deployed', is_live: true, version: 1 });
    const page = await visit(`/s/${slug}/blog/${articles[2]!.slug}/`);
    expect(page.headers.get('x-site-version')).toBe('1');
    expect(await page.text()).toContain('Tomato text number 2.');
    const all = await deploymentsOf(owner, `site_id=${fx.granted.id}&ordering=version`);
    expect(all.map((d) => [d.version, d.status, d.is_live])).toEqual([
      [1, 'deployed', true],
      [2, 'deployed', false],
      [3, 'rolled_back', false],
    ]);
    // And forward again to the newest.
    const back = await call('POST', `/api/v1/publisher/deployments/${all[2]!.id}/rollback/`, { token: owner.token });
    expect(back.body.data.deployment).toMatchObject({ version: 3, status: 'deployed', is_live: true });
    expect((await visit(`/s/${slug}/`)).headers.get('x-site-version')).toBe('3');
  });
});

describe('who may deploy what', () => {
  it('404s a deploy of another account’s blueprint, 403s a viewer, 400s an incomplete blueprint', async () => {
    expectError(
      await call('POST', `/api/v1/publisher/blueprints/${blueprint.id}/deploy/`, { token: stranger.token, body: {} }),
      404,
    );
    expectError(
      await call('POST', `/api/v1/publisher/blueprints/${blueprint.id}/deploy/`, {
        token: fx.members.viewer.token,
        body: {},
      }),
      403,
    );
    const noCluster = await seedBlueprint(fx, fx.ungranted, { cluster: false });
    const res = await call('POST', `/api/v1/publisher/blueprints/${noCluster.id}/deploy/`, {
      token: owner.token,
      body: {},
    });
    expectError(res, 400, 'blueprint_incomplete');
    expect(res.body.error).toMatch(/cluster/i);
    const noPages = await seedBlueprint(fx, fx.ungranted, { pages: false });
    expectError(
      await call('POST', `/api/v1/publisher/blueprints/${noPages.id}/deploy/`, { token: owner.token, body: {} }),
      400,
      'blueprint_incomplete',
    );
  });

  it('refuses a second deploy while one runs (409 deploy_in_progress)', async () => {
    const first = await call('POST', `/api/v1/publisher/blueprints/${blueprint.id}/deploy/`, {
      token: owner.token,
      body: {},
    });
    expect(first.status).toBe(202);
    const second = await call('POST', `/api/v1/publisher/blueprints/${blueprint.id}/deploy/`, {
      token: owner.token,
      body: {},
    });
    const job = await waitForJob(owner, first.body.data.job.id);
    // The second either lost to the running deploy, or the first had already finished.
    if (second.status !== 202) expectError(second, 409, 'deploy_in_progress');
    else await waitForJob(owner, second.body.data.job.id);
    expect(job.status).toBe('succeeded');
  });

  it('a cancelled deploy leaves the live version untouched and its record says failed', async () => {
    // A site of its own, big enough (several batches of files) that the cancel lands mid-deploy.
    const big = await seedBlueprint(fx, fx.ungranted);
    await deploy(owner, big.id);
    for (let i = 0; i < 160; i++)
      await liveArticle(fx, fx.ungranted, `Bulk tomato ${i}`, `<p>Bulk ${i}.</p>`, t0 + i * 60_000);
    const before = await directoryRow(fx.accountId, fx.ungranted.id);
    const started = await call('POST', `/api/v1/publisher/blueprints/${big.id}/deploy/`, {
      token: owner.token,
      body: {},
    });
    expect(started.status).toBe(202);
    const jobId = started.body.data.job.id;
    const cancel = await call('POST', `/api/v1/system/jobs/${jobId}/cancel/`, { token: owner.token });
    expect(cancel.status).toBe(200);
    const job = await waitForJob(owner, jobId);
    expect(job.status).toBe('cancelled');
    // The job's settlement (which records the failure) may land a moment after the job says cancelled.
    let record: Deployment;
    for (let i = 0; ; i++) {
      const res = await call('GET', `/api/v1/publisher/deployments/${started.body.data.deployment.id}/`, {
        token: owner.token,
      });
      record = res.body.data;
      if (record.status !== 'deploying' || i > 100) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(record).toMatchObject({ status: 'failed', is_live: false });
    expect(record.error_message).toMatch(/Cancelled/);
    const after = await directoryRow(fx.accountId, fx.ungranted.id);
    expect(after).toMatchObject({ live_version: before!.live_version, live_deployment_id: before!.live_deployment_id });
    expect(await manifestIn(fx.accountId, fx.ungranted.id, record.version)).toBeNull();
    // The next deploy is not blocked by the cancelled one.
    const next = await deploy(owner, big.id);
    expect(next.deployment).toMatchObject({ status: 'deployed', is_live: true });
  });
});

describe('publishing one article to IGNY8 (incremental)', () => {
  it('re-renders only the files that show the article, and unpublishing removes its page', async () => {
    const base = (await directoryRow(fx.accountId, fx.granted.id))!.live_version!;
    const fresh = await liveArticle(fx, fx.granted, 'Fresh tomato news', '<p>Brand new tomato.</p>', Date.now());
    const started = await startSiteDeploy(contextOf(), tenantOf(owner), {
      siteId: fx.granted.id,
      kind: 'incremental',
      contentId: fresh.id,
      action: 'publish',
    });
    expect(started.deployment).toMatchObject({ kind: 'incremental', blueprint_id: blueprint.id });
    const job = await waitForJob(owner, started.job.id);
    expect(job.status).toBe('succeeded');
    const before = (await manifestIn(fx.accountId, fx.granted.id, base))!;
    const after = (await manifestIn(fx.accountId, fx.granted.id, started.deployment.version))!;
    const changed = Object.keys(after.files).filter((p) => before.files[p]?.hash !== after.files[p]!.hash);
    expect(changed).toContain(`blog/${fresh.slug}/index.html`);
    expect(changed).toContain('sitemap.xml');
    // Only what shows the new article was rendered: not the about page, not the other articles.
    expect(job.result.files_rendered).toBeLessThan(Object.keys(after.files).length);
    expect(changed).not.toContain('about/index.html');
    for (const a of articles) expect(changed).not.toContain(`blog/${a.slug}/index.html`);
    expect(changed.length).toBeLessThanOrEqual(job.result.files_rendered);
    expect(await (await visit(`/s/${slug}/blog/${fresh.slug}/`)).text()).toContain('Brand new tomato.');

    await setArticle(fx, fresh.id, { site_published_at: null });
    const removed = await startSiteDeploy(contextOf(), tenantOf(owner), {
      siteId: fx.granted.id,
      kind: 'incremental',
      contentId: fresh.id,
      action: 'unpublish',
    });
    expect((await waitForJob(owner, removed.job.id)).status).toBe('succeeded');
    const gone = (await manifestIn(fx.accountId, fx.granted.id, removed.deployment.version))!;
    expect(gone.files[`blog/${fresh.slug}/index.html`]).toBeUndefined();
    expect((await visit(`/s/${slug}/blog/${fresh.slug}/`)).status).toBe(404);
    expect(await (await visit(`/s/${slug}/sitemap.xml`)).text()).not.toContain(fresh.slug);
    expect(gone.files['about/index.html']!.hash).toBe(after.files['about/index.html']!.hash);
  });
});
