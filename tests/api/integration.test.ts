import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, type Res, signup, type Session } from '../helpers/api';
import { expectError, MISSING_ID, populateAccount, shardBinding, type AccountFx } from '../helpers/fixtures';
import { wordpress, wpApi } from '../helpers/wordpress';
import type { Env } from '../../worker/env';
import { runScheduledHealthChecks } from '../../worker/integration/health-schedule';
import { REFUSED_LOGGED_PER_MINUTE, signWebhook } from '../../worker/integration/webhook';

/**
 * Integrations against the REAL WordPress (tests/setup/wordpress.ts, with the companion plugin): a
 * site's WordPress connection is its integration (the publisher's settings route shows the same one),
 * health checks what works, every event lands in the history, and the companion plugin's webhooks
 * are taken only when signed with the integration's secret, fresh and never twice.
 */
const I = '/api/v1/integration/integrations';
const settingsPath = (siteId: number) => `/api/v1/publisher/sites/${siteId}/wordpress/`;

let fx: AccountFx;
let owner: Session;
let stranger: Session;
/** Every response of this file: no secret may appear in any (but the rotate answer's own). */
const seen: Res[] = [];
const api = async (method: string, path: string, token: string, body?: unknown, headers?: Record<string, string>) => {
  const res = await call(method, path, { token, body, headers });
  seen.push(res);
  return res;
};

beforeAll(async () => {
  wordpress(); // fail fast, with the reason, when WordPress is not up
  owner = await signup('intowner');
  fx = await populateAccount(owner, 'int');
  stranger = await signup('intstranger');
});

function connectBody(siteId: number, overrides: Record<string, unknown> = {}) {
  const wp = wordpress();
  return {
    site_id: siteId,
    platform: 'wordpress',
    url: wp.url,
    username: wp.user,
    app_password: wp.appPassword,
    ...overrides,
  };
}

async function history(id: number, token = owner.token) {
  const res = await api('GET', `${I}/${id}/history/?page_size=100`, token);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.results as { kind: string; status: string; summary: string; detail: Record<string, unknown> }[];
}

describe('connections', () => {
  let id: number;

  it('connects a site once; the publisher settings show the same connection', async () => {
    const wp = wordpress();
    const made = await api('POST', `${I}/`, owner.token, connectBody(fx.granted.id));
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    id = made.body.data.id;
    expect(made.body.data).toMatchObject({
      site_id: fx.granted.id,
      platform: 'wordpress',
      url: wp.url,
      username: wp.user,
      password_set: true,
      sync_enabled: false,
      health_status: 'unknown',
      drift_open: 0,
      version: 1,
      webhook: { secret_set: true },
    });
    expect(made.body.data.webhook.url).toContain(`/api/v1/integration/webhooks/wordpress/${id}/`);

    expectError(await api('POST', `${I}/`, owner.token, connectBody(fx.granted.id)), 409, 'integration_exists');

    const settings = await api('GET', settingsPath(fx.granted.id), owner.token);
    expect(settings.body.data).toEqual({
      site_id: fx.granted.id,
      wp_url: wp.url,
      wp_username: wp.user,
      password_set: true,
      configured: true,
    });

    const list = await api('GET', `${I}/?site_id=${fx.granted.id}`, owner.token);
    expect(list.body.count).toBe(1);
    expect(list.body.results[0].id).toBe(id);
  });

  it('a change through either route is the same connection; a stale version is refused', async () => {
    const renamed = await api('PUT', settingsPath(fx.granted.id), owner.token, { wp_username: 'someone-else' });
    expect(renamed.status).toBe(200);
    const got = await api('GET', `${I}/${id}/`, owner.token);
    expect(got.body.data.username).toBe('someone-else');
    expect(got.body.data.version).toBe(2);

    expectError(
      await api('PATCH', `${I}/${id}/`, owner.token, { username: 'stale', version: 1 }),
      409,
      'integration_changed',
    );
    const patched = await api('PATCH', `${I}/${id}/`, fx.members.admin.token, {
      username: wordpress().user,
      sync_enabled: true,
      version: 2,
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.data).toMatchObject({ username: wordpress().user, sync_enabled: true, version: 3 });
    expect((await api('GET', settingsPath(fx.granted.id), owner.token)).body.data.wp_username).toBe(wordpress().user);
  });

  it('gave the companion plugin the webhook URL and secret when it was created', async () => {
    const pushes = (await history(id)).filter((e) => e.kind === 'push');
    expect(pushes.map((e) => e.status)).toContain('ok');
    const wp = wordpress();
    const res = await fetch(`${wp.url}/wp-json/igny8/v1/status`, {
      headers: { authorization: `Basic ${btoa(`${wp.user}:${wp.appPassword}`)}` },
    });
    expect(await res.json()).toMatchObject({ plugin: 'igny8-seo-meta', webhook_configured: true });
  });

  it('Test Connection and a health check against the real WordPress: healthy, recorded', async () => {
    const test = await api('POST', `${I}/${id}/test/`, owner.token);
    expect(test.status, JSON.stringify(test.body)).toBe(200);
    expect(test.body.data).toMatchObject({ ok: true, can_publish: true, seo_meta: { companion_plugin: true } });

    const health = await api('POST', `${I}/${id}/health/`, owner.token);
    expect(health.status, JSON.stringify(health.body)).toBe(200);
    expect(health.body.data).toMatchObject({
      status: 'healthy',
      checks: {
        auth: true,
        rest: true,
        plugin: { installed: true, version: '1.1.0' },
        capabilities: ['publish_posts', 'upload_media', 'manage_terms'],
      },
      problems: [],
    });
    expect(health.body.data.checks.latency_ms).toBeGreaterThanOrEqual(0);

    const last = await api('GET', `${I}/${id}/health/`, fx.members.viewer.token);
    expect(last.body.data).toEqual(health.body.data);
    const view = await api('GET', `${I}/${id}/`, owner.token);
    expect(view.body.data.health_status).toBe('healthy');

    const events = await history(id);
    expect(events.find((e) => e.kind === 'test')).toMatchObject({ status: 'ok' });
    expect(events.find((e) => e.kind === 'health')).toMatchObject({ status: 'ok', summary: 'healthy' });
  });

  it('a wrong application password: down, authentication failing, WordPress still reachable', async () => {
    const made = await api(
      'POST',
      `${I}/`,
      owner.token,
      connectBody(fx.ungranted.id, { app_password: 'abcd efgh ijkl mnop qrst uvwx' }),
    );
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const wrong = made.body.data.id as number;
    const health = await api('POST', `${I}/${wrong}/health/`, owner.token);
    expect(health.body.data).toMatchObject({ status: 'down', checks: { auth: false, rest: true } });
    expect(health.body.data.problems.join(' ')).toMatch(/rejected the username or application password/);

    expectError(await api('POST', `${I}/${wrong}/test/`, owner.token), 422, 'wp_auth_failed');
    const events = await history(wrong);
    expect(events.find((e) => e.kind === 'health')).toMatchObject({ status: 'failed' });
    expect(events.find((e) => e.kind === 'test')).toMatchObject({ status: 'failed' });
    // The plugin could not be told the webhook secret with that password.
    expect(events.find((e) => e.kind === 'push')).toMatchObject({ status: 'failed' });

    const gone = await api('DELETE', `${I}/${wrong}/`, owner.token);
    expect(gone.status).toBe(200);
    expectError(await api('GET', `${I}/${wrong}/`, owner.token), 404, 'not_found');
    expect((await api('GET', settingsPath(fx.ungranted.id), owner.token)).body.data.configured).toBe(false);
  });
});

describe('webhooks from the companion plugin', () => {
  let id: number;
  let secret: string;
  let path: string;

  beforeAll(async () => {
    const list = await api('GET', `${I}/?site_id=${fx.granted.id}`, owner.token);
    id = list.body.results[0].id;
    const rotated = await api('POST', `${I}/${id}/webhook_secret/`, fx.members.admin.token);
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
    expect(rotated.body.data.pushed).toBe(true);
    secret = rotated.body.data.secret;
    expect(secret.length).toBeGreaterThanOrEqual(32);
    const url = new URL(rotated.body.data.integration.webhook.url);
    path = `${url.pathname}${url.search}`;
  });

  const deliver = async (raw: string, ts: string, signature: string) => {
    const res = await call('POST', path, {
      rawBody: raw,
      headers: { 'content-type': 'application/json', 'x-igny8-timestamp': ts, 'x-igny8-signature': signature },
    });
    seen.push(res);
    return res;
  };
  const now = () => String(Math.floor(Date.now() / 1000));

  it('takes a signed event once: the post reaches the inventory; the same request again is refused', async () => {
    const post = await wpApi('POST', '/posts', {
      title: `Webhook post ${Date.now()}`,
      content: '<p>Gardening tools for small balconies and pots.</p>',
      status: 'publish',
    });
    expect(post.status).toBe(201);
    const raw = JSON.stringify({
      event: 'post.saved',
      post_id: post.data.id,
      post_type: 'post',
      modified_gmt: post.data.modified_gmt,
    });
    const ts = now();
    const signature = await signWebhook(secret, ts, raw);
    const good = await deliver(raw, ts, signature);
    expect(good.status, JSON.stringify(good.body)).toBe(202);
    expect(good.body.data).toMatchObject({ accepted: true, outcome: 'upserted' });
    const page = await shardBinding(fx.shard)
      .prepare("SELECT title, url FROM site_pages WHERE site_id = ? AND kind = 'wordpress' AND ref_id = ?")
      .bind(fx.granted.id, post.data.id)
      .first<{ title: string; url: string }>();
    expect(page).toEqual({ title: post.data.title.raw, url: post.data.link });

    expectError(await deliver(raw, ts, signature), 409, 'replayed_webhook');
  });

  it('refuses a forged signature, a stale timestamp and an unsigned request, and logs each', async () => {
    const raw = JSON.stringify({ event: 'post.deleted', post_id: 1, post_type: 'post', modified_gmt: null });
    const ts = now();
    expectError(await deliver(raw, ts, await signWebhook('not-the-secret', ts, raw)), 401, 'bad_signature');
    // Signed with the right secret, but the body was changed on the way.
    const other = raw.replace('"post_id":1', '"post_id":2');
    expectError(await deliver(other, ts, await signWebhook(secret, ts, raw)), 401, 'bad_signature');
    const old = String(Math.floor(Date.now() / 1000) - 600);
    expectError(await deliver(raw, old, await signWebhook(secret, old, raw)), 401, 'stale_webhook');
    expectError(await deliver(raw, '', ''), 401, 'bad_signature');

    const events = (await history(id)).filter((e) => e.kind === 'webhook');
    const refused = events.filter((e) => e.status === 'refused').map((e) => e.detail.code);
    expect(refused.filter((c) => c === 'bad_signature')).toHaveLength(3);
    expect(refused).toContain('stale_webhook');
    expect(refused).toContain('replayed_webhook');
    expect(events.filter((e) => e.status === 'ok')).toHaveLength(1);
  });

  it('a flood of forged requests is refused in full but logged only up to a cap a minute', async () => {
    const raw = JSON.stringify({ event: 'post.deleted', post_id: 3, post_type: 'post', modified_gmt: null });
    const ts = now();
    const forged = await signWebhook('guess', ts, raw);
    for (let i = 0; i < REFUSED_LOGGED_PER_MINUTE + 5; i++) expectError(await deliver(raw, ts, forged), 401);
    const refused = (await history(id)).filter((e) => e.kind === 'webhook' && e.status === 'refused');
    expect(refused).toHaveLength(REFUSED_LOGGED_PER_MINUTE);
  });

  it('a rotated secret replaces the old one at once', async () => {
    const rotated = await api('POST', `${I}/${id}/webhook_secret/`, owner.token);
    const raw = JSON.stringify({ event: 'post.deleted', post_id: MISSING_ID, post_type: 'post', modified_gmt: null });
    const ts = now();
    expectError(await deliver(raw, ts, await signWebhook(secret, ts, raw)), 401, 'bad_signature');
    secret = rotated.body.data.secret;
    expect((await deliver(raw, ts, await signWebhook(secret, ts, raw))).status).toBe(202);
  });

  it('an unknown integration or account is not found', async () => {
    const raw = '{}';
    const ts = now();
    const sig = await signWebhook(secret, ts, raw);
    const wrongAccount = path.replace(/account=\d+/, `account=${stranger.accountId}`);
    for (const p of [wrongAccount, path.replace(`/${id}/`, `/${MISSING_ID}/`), path.replace(/\?.*$/, '')]) {
      const res = await call('POST', p, {
        rawBody: raw,
        headers: { 'x-igny8-timestamp': ts, 'x-igny8-signature': sig },
      });
      expectError(res, 404, 'not_found');
    }
  });
});

describe('access', () => {
  let id: number;
  beforeAll(async () => {
    id = (await api('GET', `${I}/?site_id=${fx.granted.id}`, owner.token)).body.results[0].id;
  });

  const routes = (target: number, version = 1): [string, string, unknown?][] => [
    ['GET', `${I}/${target}/`],
    ['PATCH', `${I}/${target}/`, { sync_enabled: false, version }],
    ['DELETE', `${I}/${target}/`],
    ['POST', `${I}/${target}/test/`],
    ['GET', `${I}/${target}/health/`],
    ['POST', `${I}/${target}/health/`],
    ['GET', `${I}/${target}/history/`],
    ['POST', `${I}/${target}/webhook_secret/`],
  ];

  it("another account's integration (and a missing id) is 404 on every route", async () => {
    for (const [method, path, body] of [...routes(id), ...routes(MISSING_ID)])
      expectError(await api(method, path, stranger.token, body), 404, 'not_found');
    expectError(await api('POST', `${I}/`, stranger.token, connectBody(fx.ungranted.id)), 404, 'not_found');
    const list = await api('GET', `${I}/`, stranger.token);
    expect(list.body.count).toBe(0);
  });

  it('editors and viewers only read: every change needs settings:manage', async () => {
    const version = (await api('GET', `${I}/${id}/`, owner.token)).body.data.version;
    for (const who of [fx.members.editor, fx.members.viewer]) {
      for (const [method, path, body] of routes(id, version)) {
        const res = await api(method, path, who.token, body);
        if (method === 'GET') expect(res.status, `${method} ${path}`).toBe(200);
        else expectError(res, 403, 'permission_denied');
      }
      expectError(await api('POST', `${I}/`, who.token, connectBody(fx.granted.id)), 403, 'permission_denied');
      // A site they are not granted is not there at all.
      expectError(await api('POST', `${I}/`, who.token, connectBody(fx.ungranted.id)), 404, 'not_found');
    }
    expect((await api('GET', `${I}/${id}/`, owner.token)).body.data.version).toBe(version);
  });

  it('no response ever showed the application password or a webhook secret (but the rotate answer)', async () => {
    const wp = wordpress();
    const secrets = seen.flatMap((r) => (typeof r.body?.data?.secret === 'string' ? [r.body.data.secret] : []));
    for (const res of seen) {
      const text = JSON.stringify(res.body);
      expect(text).not.toContain(wp.appPassword);
      expect(text).not.toContain('webhook_secret_enc');
      expect(text).not.toContain('credentials_enc');
      if (!('secret' in (res.body?.data ?? {}))) for (const s of secrets) expect(text).not.toContain(s);
    }
    expect(secrets.length).toBeGreaterThanOrEqual(2);
  });
});

describe('scheduled health checks', () => {
  it('check what was not checked within the hour, never-checked first, at most 25 per shard per tick', async () => {
    const db = shardBinding(fx.shard);
    const id = (await api('GET', `${I}/?site_id=${fx.granted.id}`, owner.token)).body.results[0].id as number;
    const healthEvents = async () => (await history(id)).filter((e) => e.kind === 'health').length;
    const before = await healthEvents();
    // The real one: checked an hour and a half ago. 30 more without a password (no network needed: down at once).
    await db
      .prepare('UPDATE site_integrations SET last_health_at = ? WHERE id = ?')
      .bind(Date.now() - 90 * 60_000, id)
      .run();
    const fake = Array.from({ length: 30 }, (_, i) =>
      db
        .prepare(
          'INSERT INTO site_integrations (account_id, site_id, platform, platform_type, config, ' +
            "created_at, updated_at) VALUES (?, ?, 'wordpress', 'cms', '{}', 0, 0)",
        )
        .bind(fx.accountId, 900_000 + i),
    );
    await db.batch(fake);

    const tick = (at: number) => runScheduledHealthChecks(env as unknown as Env, at);
    const checkedOn = (results: Awaited<ReturnType<typeof tick>>) => results.find((r) => r.shard === fx.shard)?.checked;
    expect(checkedOn(await tick(Date.now()))).toBe(25);
    expect(checkedOn(await tick(Date.now()))).toBe(6);
    expect(checkedOn(await tick(Date.now()))).toBe(0);

    expect(await healthEvents()).toBe(before + 1);
    expect((await api('GET', `${I}/${id}/`, owner.token)).body.data.health_status).toBe('healthy');
    const down = await db
      .prepare("SELECT count(*) AS n FROM site_integrations WHERE site_id >= 900000 AND health_status = 'down'")
      .first<{ n: number }>();
    expect(down!.n).toBe(30);
    await db.prepare('DELETE FROM site_integrations WHERE site_id >= 900000').run();
  });
});
