import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, signup, type Session } from '../helpers/api';
import { expectError, MISSING_ID, populateAccount, shardBinding, type AccountFx } from '../helpers/fixtures';
import { connectSite, wordpress } from '../helpers/wordpress';
import { Hono } from 'hono';
import { buildOpenApiDocument } from '../../worker/http/openapi';
import type { AppEnv } from '../../worker/env';
import { publisherRoutes } from '../../worker/publisher/routes';
import { postMismatches, WordPressClient, WordPressError } from '../../worker/publisher/wordpress-client';

/**
 * A site's WordPress connection against the REAL WordPress (tests/setup/wordpress.ts): the
 * password is stored encrypted and never shown, Test Connection reports the user and what they
 * may do, and every way a connection fails has its own clear error.
 */
const settingsPath = (siteId: number) => `/api/v1/publisher/sites/${siteId}/wordpress/`;
const testPath = (siteId: number) => `/api/v1/publisher/sites/${siteId}/wordpress/test/`;

let fx: AccountFx;
let owner: Session;
let stranger: Session;

beforeAll(async () => {
  wordpress(); // fail fast, with the reason, when WordPress is not up
  owner = await signup('wpowner');
  fx = await populateAccount(owner, 'wp');
  stranger = await signup('wpstranger');
});

describe('WordPress settings', () => {
  it('starts empty, saves, and never returns the application password', async () => {
    const site = fx.granted.id;
    const empty = await call('GET', settingsPath(site), { token: owner.token });
    expect(empty.status).toBe(200);
    expect(empty.body.data).toEqual({
      site_id: site,
      wp_url: null,
      wp_username: null,
      password_set: false,
      configured: false,
    });

    const wp = wordpress();
    const saved = await call('PUT', settingsPath(site), {
      token: owner.token,
      body: { wp_url: `${wp.url}/wp-json/`, wp_username: wp.user, wp_app_password: wp.appPassword },
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    // A pasted /wp-json/ is trimmed to the site root.
    expect(saved.body.data).toEqual({
      site_id: site,
      wp_url: wp.url,
      wp_username: wp.user,
      password_set: true,
      configured: true,
    });
    expect(JSON.stringify(saved.body)).not.toContain(wp.appPassword);

    for (const who of [owner, fx.members.admin, fx.members.editor, fx.members.viewer]) {
      const read = await call('GET', settingsPath(site), { token: who.token });
      expect(read.status).toBe(200);
      expect(read.body.data.password_set).toBe(true);
      expect(JSON.stringify(read.body)).not.toContain(wp.appPassword);
      expect(read.body.data).not.toHaveProperty('wp_app_password');
      expect(read.body.data).not.toHaveProperty('wp_app_password_enc');
    }
    // The site itself doesn't leak it either.
    const siteRes = await call('GET', `/api/v1/auth/sites/${site}/`, { token: owner.token });
    expect(JSON.stringify(siteRes.body)).not.toContain(wp.appPassword);

    // At rest (in the site's WordPress integration): AES-GCM ciphertext, not the password.
    const row = await shardBinding(fx.shard)
      .prepare("SELECT credentials_enc AS enc FROM site_integrations WHERE site_id = ? AND platform = 'wordpress'")
      .bind(site)
      .first<{ enc: string }>();
    expect(row!.enc).toMatch(/^v2\.k1\./);
    expect(row!.enc).not.toContain(wp.appPassword);

    // Leaving the password out keeps it; null clears it.
    const rename = await call('PUT', settingsPath(site), {
      token: fx.members.admin.token,
      body: { wp_username: wp.user },
    });
    expect(rename.body.data.password_set).toBe(true);
  });

  it('validates the body', async () => {
    const site = fx.ungranted.id;
    expectError(
      await call('PUT', settingsPath(site), { token: owner.token, body: { wp_url: 'not a url' } }),
      400,
      'validation_error',
    );
    expectError(await call('PUT', settingsPath(site), { token: owner.token, body: {} }), 400, 'validation_error');
    expectError(
      await call('PUT', settingsPath(site), { token: owner.token, body: { wp_password: 'x' } }),
      400,
      'validation_error',
    );
    expectError(
      await call('PUT', settingsPath(site), { token: owner.token, body: { wp_url: 'ftp://example.com' } }),
      400,
      'validation_error',
    );
  });

  it('refuses plain http and private addresses; loopback only when ALLOW_LOOPBACK_URLS is on', async () => {
    const site = fx.ungranted.id;
    const http = await call('PUT', settingsPath(site), {
      token: owner.token,
      body: { wp_url: 'http://blog.example.com' },
    });
    expectError(http, 400, 'url_not_allowed');
    expect(http.body.error).toMatch(/https/);
    expect(http.body.errors.wp_url).toBeDefined();
    expectError(
      await call('PUT', settingsPath(site), { token: owner.token, body: { wp_url: 'https://10.1.2.3' } }),
      400,
      'url_not_allowed',
    );
    expectError(
      await call('PUT', settingsPath(site), { token: owner.token, body: { wp_url: 'https://192.168.0.10/blog' } }),
      400,
      'url_not_allowed',
    );

    const wp = wordpress();
    await connectSite(owner, site);
    const vars = env as unknown as { ALLOW_LOOPBACK_URLS: string };
    const before = vars.ALLOW_LOOPBACK_URLS;
    vars.ALLOW_LOOPBACK_URLS = 'false';
    try {
      const save = await call('PUT', settingsPath(site), { token: owner.token, body: { wp_url: wp.url } });
      expectError(save, 400, 'url_not_allowed');
      expect(save.body.error).toMatch(/Loopback/i);
      // A loopback address saved earlier is refused at call time too, before any request is made.
      const test = await call('POST', testPath(site), { token: owner.token });
      expectError(test, 400, 'url_not_allowed');
      expect(test.body.error).toContain(wp.url);
    } finally {
      vars.ALLOW_LOOPBACK_URLS = before;
    }
  });

  it('is managed by owners and admins; editors and viewers get 403, other accounts 404', async () => {
    const site = fx.granted.id;
    for (const who of [fx.members.editor, fx.members.viewer]) {
      expectError(
        await call('PUT', settingsPath(site), { token: who.token, body: { wp_username: 'x' } }),
        403,
        'permission_denied',
      );
      expectError(await call('POST', testPath(site), { token: who.token }), 403, 'permission_denied');
    }
    // The editor and viewer don't see the second site at all.
    expectError(await call('GET', settingsPath(fx.ungranted.id), { token: fx.members.editor.token }), 404, 'not_found');
    for (const method of ['GET', 'PUT', 'POST'] as const) {
      const path = method === 'POST' ? testPath(site) : settingsPath(site);
      const body = method === 'PUT' ? { wp_username: 'x' } : undefined;
      expectError(await call(method, path, { token: stranger.token, body }), 404, 'not_found');
      expectError(
        await call(method, method === 'POST' ? testPath(MISSING_ID) : settingsPath(MISSING_ID), {
          token: owner.token,
          body,
        }),
        404,
        'not_found',
      );
    }
    expectError(await call('GET', settingsPath(site)), 401);
  });
});

describe('Test Connection (real WordPress)', () => {
  it('reports the WordPress user, what they may do, and that SEO meta will arrive', async () => {
    const site = fx.granted.id;
    await connectSite(owner, site);
    const res = await call('POST', testPath(site), { token: owner.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const d = res.body.data;
    expect(d.ok).toBe(true);
    expect(d.user).toMatchObject({ slug: wordpress().user, roles: ['administrator'] });
    expect(d.user.id).toBeGreaterThan(0);
    expect(d.can_publish).toBe(true);
    expect(d.can_upload).toBe(true);
    expect(d.seo_meta.companion_plugin).toBe(true);
    expect(d.seo_meta.keys).toEqual(
      expect.arrayContaining(['_igny8_meta_title', '_igny8_meta_description', '_igny8_primary_keyword']),
    );
    expect(d.warnings).toEqual([]);
    expect(JSON.stringify(res.body)).not.toContain(wordpress().appPassword);
  });

  it('bad application password: wp_auth_failed', async () => {
    const res = await call('POST', testPath(fx.granted.id), {
      token: owner.token,
      body: { wp_app_password: 'abcd efgh ijkl mnop qrst uvwx' },
    });
    expectError(res, 422, 'wp_auth_failed');
    expect(res.body.error).toMatch(/rejected the username or application password/);
    expect(res.body.errors.wp_app_password).toBeDefined();
    // An unknown user fails the same way.
    expectError(
      await call('POST', testPath(fx.granted.id), { token: owner.token, body: { wp_username: 'nobody-here' } }),
      422,
      'wp_auth_failed',
    );
  });

  it('wrong base path (an HTML 404 page, not JSON): wp_not_wordpress', async () => {
    const res = await call('POST', testPath(fx.granted.id), {
      token: owner.token,
      body: { wp_url: `${wordpress().url}/blog`, wp_app_password: wordpress().appPassword },
    });
    expectError(res, 422, 'wp_not_wordpress');
    expect(res.body.error).toMatch(/HTTP 404 with text\/html, not the WordPress REST API/);
    expect(res.body.errors.wp_url).toBeDefined();
  });

  it('nothing listening (connection refused): wp_unreachable', async () => {
    const res = await call('POST', testPath(fx.granted.id), {
      token: owner.token,
      body: { wp_url: 'http://127.0.0.1:1', wp_app_password: 'x' },
    });
    expectError(res, 422, 'wp_unreachable');
    expect(res.body.error).toMatch(/Could not connect to http:\/\/127\.0\.0\.1:1/);
  });

  it('the saved password is only ever sent to the saved address', async () => {
    const res = await call('POST', testPath(fx.granted.id), {
      token: owner.token,
      body: { wp_url: 'https://wordpress.example.com' },
    });
    expectError(res, 422, 'wp_not_configured');
    expect(res.body.errors.wp_app_password[0]).toMatch(/only sent to the saved address/);
  });

  it('a site without settings: wp_not_configured, naming what is missing', async () => {
    const fresh = await signup('wpfresh');
    const other = await populateAccount(fresh, 'wpfresh');
    const res = await call('POST', testPath(other.granted.id), { token: fresh.token });
    expectError(res, 422, 'wp_not_configured');
    expect(Object.keys(res.body.errors).sort()).toEqual(['wp_app_password', 'wp_url', 'wp_username']);
    // Unsaved values in the body are enough to test before saving.
    const wp = wordpress();
    const before = await call('POST', testPath(other.granted.id), {
      token: fresh.token,
      body: { wp_url: wp.url, wp_username: wp.user, wp_app_password: wp.appPassword },
    });
    expect(before.status, JSON.stringify(before.body)).toBe(200);
    expect((await call('GET', settingsPath(other.granted.id), { token: fresh.token })).body.data.configured).toBe(
      false,
    );
  });
});

describe('WordPressClient (real WordPress)', () => {
  const client = (
    overrides: Partial<{ url: string; appPassword: string }> = {},
    opts: { allowLoopback?: boolean; maxResponseBytes?: number } = {},
  ) => {
    const wp = wordpress();
    return new WordPressClient(
      { url: overrides.url ?? wp.url, username: wp.user, appPassword: overrides.appPassword ?? wp.appPassword },
      { allowLoopback: opts.allowLoopback ?? true, maxResponseBytes: opts.maxResponseBytes },
    );
  };

  it('follows a redirect only after checking the new address, and only for safe cases', async () => {
    // /wp-admin → 301 /wp-admin/ (same host): a GET follows it (and gets HTML: not the REST API).
    const wp = client();
    await expect(wp.request('GET', '/../wp-admin')).rejects.toMatchObject({ code: 'wp_not_wordpress' });
    // A POST is never replayed across a 301.
    await expect(wp.request('POST', '/../wp-admin', { json: {} })).rejects.toMatchObject({
      code: 'wp_redirect_refused',
    });
  });

  it('gives up after its deadline (AbortSignal.timeout): wp_timeout', async () => {
    const wp = wordpress();
    const slow = new WordPressClient(
      { url: wp.url, username: wp.user, appPassword: wp.appPassword },
      { allowLoopback: true, timeoutMs: 1 },
    );
    const err = await slow.me().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'wp_timeout' });
    expect((err as Error).message).toMatch(/did not (answer|finish answering)/);
  });

  it('caps the size of what it reads', async () => {
    await expect(client({}, { maxResponseBytes: 1000 }).request('OPTIONS', '/wp/v2/posts')).rejects.toMatchObject({
      code: 'wp_response_too_large',
    });
  });

  it('refuses loopback unless allowed, before any request', () => {
    expect(() => client({}, { allowLoopback: false })).toThrow(WordPressError);
    try {
      client({}, { allowLoopback: false });
    } catch (err) {
      expect((err as WordPressError).code).toBe('url_not_allowed');
      expect((err as WordPressError).toApiError().status).toBe(400);
    }
  });

  it('maps WordPress refusing a file type to wp_rejected with its code', async () => {
    const err = await client()
      .uploadMedia(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'x.svg', 'image/svg+xml', '')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WordPressError);
    expect((err as WordPressError).code).toBe('wp_rejected');
    expect((err as WordPressError).detail.wpCode).toBe('rest_upload_sideload_error');
    expect((err as WordPressError).message).toMatch(/not allowed to upload this file type/);
  });

  it('WordPress silently drops unknown featured_media and term ids: postMismatches catches it', async () => {
    const wp = client();
    const sent = {
      title: 'Dropped ids',
      content: '<p>x</p>',
      status: 'draft' as const,
      featured_media: 987654,
      tags: [987655],
      categories: [1],
      meta: { _igny8_meta_title: 'T', _not_registered: 'x' },
    };
    const post = await wp.createPost(sent);
    try {
      expect(post.featured_media).toBe(0); // 201 all the same
      expect(postMismatches(post, sent)).toEqual([
        'featured image: sent media 987654, WordPress kept none',
        'tags: WordPress dropped term id(s) 987655',
        'meta _not_registered: not stored (not registered for the REST API)',
      ]);
    } finally {
      await wp.request('DELETE', `/wp/v2/posts/${post.id}`, { query: { force: 'true' } });
    }
    expect(await wp.getPost(post.id)).toBeNull();
  });

  it('ensureTerm finds, creates and reuses terms (term_exists) by name', async () => {
    const wp = client();
    const name = `Tag & Co ${Date.now().toString(36)}`;
    const created = await wp.ensureTerm('tags', name);
    expect(created.created).toBe(true);
    const again = await wp.ensureTerm('tags', name.toUpperCase());
    expect(again).toMatchObject({ id: created.id, created: false });
    const uncategorized = await wp.ensureTerm('categories', 'Uncategorized');
    expect(uncategorized).toMatchObject({ id: 1, created: false });
  });
});

describe('OpenAPI', () => {
  it('documents every publisher route with its body and query schemas', async () => {
    const api = new Hono<AppEnv>({ strict: false }).basePath('/api');
    api.route('/v1/publisher', publisherRoutes);
    const doc = (await buildOpenApiDocument(api, 'http://localhost')) as { paths: Record<string, Record<string, any>> };
    const P = '/api/v1/publisher';
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        `${P}/calendar/`,
        `${P}/content/{contentId}/publish/`,
        `${P}/content/{contentId}/unpublish/`,
        `${P}/content/{contentId}/unschedule/`,
        `${P}/records/`,
        `${P}/records/{id}/`,
        `${P}/sites/{siteId}/wordpress/`,
        `${P}/sites/{siteId}/wordpress/test/`,
      ].sort(),
    );
    const put = doc.paths[`${P}/sites/{siteId}/wordpress/`]!.put;
    expect(Object.keys(put.requestBody.content['application/json'].schema.properties).sort()).toEqual([
      'wp_app_password',
      'wp_url',
      'wp_username',
    ]);
    expect(put.parameters).toEqual([expect.objectContaining({ name: 'siteId', in: 'path', required: true })]);
    const publish = doc.paths[`${P}/content/{contentId}/publish/`]!.post;
    const publishBody = publish.requestBody.content['application/json'].schema.properties;
    expect(publishBody.status.enum).toEqual(['draft', 'publish']);
    expect(publishBody.destination.enum).toEqual(['wordpress', 'igny8']);
    expect(publishBody.publish_at).toBeDefined();
    const list = doc.paths[`${P}/records/`]!.get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['content_id', 'site_id', 'status', 'page', 'page_size']),
    );
  });
});
