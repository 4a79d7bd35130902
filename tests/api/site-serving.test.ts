import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Env } from '../../worker/env';
import { serveByHostname } from '../../worker/site-serving/serve';
import { call, signup, type Session } from '../helpers/api';
import { expectError, populateAccount, type AccountFx } from '../helpers/fixtures';
import { deploy, directoryRow, liveArticle, manifestIn, seedBlueprint, visit } from '../helpers/sites';

/**
 * Serving deployed sites (issue 12) as a visitor's browser and a CDN see them: ETags and 304s,
 * byte ranges, HEAD, cache headers by what the URL names, the security headers (no script may
 * run), slash redirects, the site's 404 page, hostile paths, custom hostnames — and a slug that
 * only ever reaches its own account's files.
 */
let a: AccountFx;
let b: AccountFx;
let slugA: string;
let slugB: string;
let articleA: { slug: string };
let owner: Session;

beforeAll(async () => {
  owner = await signup('serveowner');
  a = await populateAccount(owner, 'servea');
  b = await populateAccount(await signup('serveother'), 'serveb');
  const bpA = await seedBlueprint(a, a.granted);
  const bpB = await seedBlueprint(b, b.granted);
  articleA = await liveArticle(a, a.granted, 'Site A secret', '<p>Only on site A.</p>', Date.now() - 3_600_000);
  await liveArticle(b, b.granted, 'Site B secret', '<p>Only on site B.</p>', Date.now() - 3_600_000);
  await deploy(a.members.owner, bpA.id);
  // Site B gets three versions, so "_v/3" exists there and not on site A.
  for (let i = 0; i < 3; i++) await deploy(b.members.owner, bpB.id);
  slugA = (await directoryRow(a.accountId, a.granted.id))!.slug;
  slugB = (await directoryRow(b.accountId, b.granted.id))!.slug;
});

describe('HTTP semantics', () => {
  it('answers If-None-Match with 304, and HEAD with the headers only', async () => {
    const page = await visit(`/s/${slugA}/`);
    expect(page.status).toBe(200);
    const etag = page.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(page.headers.get('cache-control')).toBe('public, max-age=0, must-revalidate');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('script-src');
    const body = await page.text();

    const again = await visit(`/s/${slugA}/`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect((await visit(`/s/${slugA}/`, { headers: { 'if-none-match': '"stale"' } })).status).toBe(200);

    const head = await visit(`/s/${slugA}/`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(etag);
    expect(Number(head.headers.get('content-length'))).toBe(new TextEncoder().encode(body).byteLength);
    expect(await head.text()).toBe('');
  });

  it('serves byte ranges (206) and refuses one past the end (416)', async () => {
    const full = new Uint8Array(await (await visit(`/s/${slugA}/`)).arrayBuffer());
    const part = await visit(`/s/${slugA}/`, { headers: { range: 'bytes=5-14' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 5-14/${full.byteLength}`);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(full.slice(5, 15));
    const tail = await visit(`/s/${slugA}/`, { headers: { range: 'bytes=-4' } });
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(full.slice(-4));
    const past = await visit(`/s/${slugA}/`, { headers: { range: `bytes=${full.byteLength + 10}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${full.byteLength}`);
  });

  it('redirects a directory without its slash, and answers unknown paths with the site’s 404 page', async () => {
    const bare = await visit(`/s/${slugA}/blog/${articleA.slug}`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe(`/s/${slugA}/blog/${articleA.slug}/`);
    const root = await visit(`/s/${slugA}`, { redirect: 'manual' });
    expect(root.status).toBe(301);
    expect(root.headers.get('location')).toBe(`/s/${slugA}/`);
    const missing = await visit(`/s/${slugA}/nothing/here/`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^text\/html/);
    const unknownSlug = await visit('/s/no-such-site-anywhere/');
    expect(unknownSlug.status).toBe(404);
    expect(unknownSlug.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await visit(`/s/${slugA}/`, { method: 'POST' })).status).toBe(405);
  });

  it('caches hashed assets and pinned versions for a year, and says which version it served', async () => {
    const manifest = (await manifestIn(a.accountId, a.granted.id, 1))!;
    const pinned = await visit(`/s/${slugA}/_v/1/`);
    expect(pinned.status).toBe(200);
    expect(pinned.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(pinned.headers.get('x-site-version')).toBe('1');
    const css = Object.keys(manifest.files).find((p) => p.startsWith('assets/') && p.endsWith('.css'));
    if (css) {
      const res = await visit(`/s/${slugA}/${css}`);
      expect(res.headers.get('content-type')).toMatch(/^text\/css/);
      const hashed = css.includes(manifest.files[css]!.hash.slice(0, 8));
      expect(res.headers.get('cache-control')).toBe(
        hashed ? 'public, max-age=31536000, immutable' : 'public, max-age=0, must-revalidate',
      );
    }
  });
});

describe('hostile paths and tenancy', () => {
  it('refuses dot segments, encoded slashes and backslashes without leaving the site', async () => {
    for (const path of [
      `/s/${slugA}/%2e%2e/%2e%2e/${slugB}/`,
      `/s/${slugA}/blog%2F${articleA.slug}%2Findex.html`,
      `/s/${slugA}/blog/..%2F..%2Fversions/1.json`,
      `/s/${slugA}/%5c..%5cindex.html`,
      `/s/${slugA}/blog//index.html`,
      `/s/${slugA}/%00`,
      `/s/${slugA}/%E0%A4%A`,
    ]) {
      const res = await visit(path, { redirect: 'manual' });
      expect([404, 301]).toContain(res.status);
      if (res.status === 404) expect(await res.text()).not.toContain('Only on site B');
    }
  });

  it('serves a slug only from its own site: another site’s version number is not found', async () => {
    expect(await (await visit(`/s/${slugA}/sitemap.xml`)).text()).not.toContain('site-b-secret');
    expect(await (await visit(`/s/${slugB}/`)).text()).not.toContain('Only on site A');
    expect((await visit(`/s/${slugB}/_v/3/`)).status).toBe(200);
    expect((await visit(`/s/${slugA}/_v/3/`)).status).toBe(404);
    expect((await visit(`/s/${slugA}/_v/2/`)).status).toBe(404);
    // B's article page is not under A's slug.
    const bArticle = Object.keys((await manifestIn(b.accountId, b.granted.id, 3))!.files).find((p) =>
      p.startsWith('blog/site-b-secret'),
    );
    if (bArticle) expect((await visit(`/s/${slugA}/${bArticle}`)).status).toBe(404);
  });
});

describe('custom hostnames', () => {
  it('owners set a unique hostname; the site answers on it, the app host is never a site', async () => {
    const path = `/api/v1/publisher/sites/${a.granted.id}/hostname/`;
    expectError(await call('PUT', path, { token: a.members.editor.token, body: { hostname: 'blog.a.test' } }), 403);
    expectError(await call('PUT', path, { token: a.members.owner.token, body: { hostname: 'https://x/' } }), 400);
    const set = await call('PUT', path, { token: a.members.owner.token, body: { hostname: 'Blog.A-Site.test' } });
    expect(set.status).toBe(200);
    expect(set.body.data).toMatchObject({ hostname: 'blog.a-site.test', slug: slugA });
    const taken = await call('PUT', `/api/v1/publisher/sites/${b.granted.id}/hostname/`, {
      token: b.members.owner.token,
      body: { hostname: 'blog.a-site.test' },
    });
    expectError(taken, 409, 'hostname_taken');

    const withApp = { ...(env as unknown as Env), APP_HOSTNAME: 'app.igny8.test' };
    const site = await serveByHostname(new Request('https://blog.a-site.test/'), withApp);
    expect(site?.status).toBe(200);
    expect(site?.headers.get('x-site-version')).toBe('1');
    expect(await serveByHostname(new Request('https://app.igny8.test/'), withApp)).toBeNull();
    expect(await serveByHostname(new Request('https://unknown.test/'), withApp)).toBeNull();
    // APP_HOSTNAME empty: no custom hostnames at all.
    expect(await serveByHostname(new Request('https://blog.a-site.test/'), env as unknown as Env)).toBeNull();

    const cleared = await call('PUT', path, { token: a.members.owner.token, body: { hostname: null } });
    expect(cleared.body.data.hostname).toBeNull();
    expect(await serveByHostname(new Request('https://blog.a-site.test/'), withApp)).toBeNull();
  });
});
