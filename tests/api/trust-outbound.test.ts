import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  chatCompletion,
  chatCompletionStream,
  decodeImageBase64,
  ProviderError,
  type ProviderConfig,
} from '../../worker/lib/ai-provider';
import { outboundFetch, ResponseTooLarge } from '../../worker/lib/outbound-fetch';
import { safePostLink, wpTitle } from '../../worker/publisher/publish';
import { call, signup, type Session } from '../helpers/api';
import { expectError, populateAccount, shardBinding, shardOf, type AccountFx } from '../helpers/fixtures';
import { devModelUrl, modelStats } from '../helpers/jobs';
import { connectSite, insertContent, unique, wordpress, wpApi } from '../helpers/wordpress';

/**
 * Outbound calls to addresses a tenant chooses (issue 8, scope 6, 8 and 10): redirects re-checked
 * hop by hop (through the dev model's /__dev/redirect), Test Connection answers in categories and
 * never with the remote body, the platform's AI is limited by the operator's allow-list, replies
 * have size caps, secrets are sealed to their row, and what goes to or comes from WordPress is
 * cleaned.
 */
const AI = '/api/v1/system/settings/integrations';
const vars = env as unknown as Record<string, string | undefined>;

let owner: Session;
let fx: AccountFx;

beforeAll(async () => {
  owner = await signup('outbound');
  fx = await populateAccount(owner, 'outbound');
});

/** The dev model's redirect route: answers `status` with Location `target` + the rest of the path. */
const via = (status: number, target: string) =>
  `${devModelUrl()}/__dev/redirect/${status}/${encodeURIComponent(target)}`;
/** 0.0.0.0 reaches this machine's loopback on Linux: exactly what a redirect must not be able to reach. */
const refusedTwin = () => devModelUrl().replace('127.0.0.1', '0.0.0.0');

async function saveAi(s: Session, type: 'openai' | 'runware', body: Record<string, unknown>) {
  return call('PUT', `${AI}/${type}/`, { token: s.token, body });
}
async function testAi(s: Session, type: 'openai' | 'runware') {
  const res = await call('POST', `${AI}/${type}/test/`, { token: s.token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data as { ok: boolean; category?: string; error?: string };
}

describe('redirects are re-checked on every hop', () => {
  it('an OpenAI base URL that redirects to a refused address: nothing is sent there, the test says why', async () => {
    const key = `sk-redirect-${Date.now()}`;
    expect((await saveAi(owner, 'openai', { api_key: key, base_url: via(307, `${refusedTwin()}/v1`) })).status).toBe(
      200,
    );
    const result = await testAi(owner, 'openai');
    expect(result).toMatchObject({ ok: false, category: 'address_not_allowed' });
    expect(result.error).toMatch(
      // One pattern in two literals, only to keep the line short.
      new RegExp(
        /^Address not allowed: http:\/\/127\.0\.0\.1:\d+ redirected to http:\/\/0\.0\.0\.0:\d+: /.source +
          /"This network" addresses \(0\.0\.0\.0\/8\) are not allowed\.$/.source,
      ),
    );
    expect((await modelStats(key)).requests).toBe(0);
  });

  it('a chain of allowed redirects (308 then 307) reaches the provider', async () => {
    const key = `sk-chain-${Date.now()}`;
    const base = via(308, via(307, devModelUrl())) + '/v1';
    expect((await saveAi(owner, 'openai', { api_key: key, base_url: base })).status).toBe(200);
    expect(await testAi(owner, 'openai')).toMatchObject({ ok: true });
    expect((await modelStats(key)).requests).toBe(1);
  });

  it('more than three hops are not followed', async () => {
    const key = `sk-hops-${Date.now()}`;
    const base = via(307, via(307, via(307, via(307, devModelUrl())))) + '/v1';
    expect((await saveAi(owner, 'openai', { api_key: key, base_url: base })).status).toBe(200);
    expect(await testAi(owner, 'openai')).toMatchObject({ ok: false, category: 'address_not_allowed' });
    expect((await modelStats(key)).requests).toBe(0);
  });

  it('a request body is never re-sent to another host, and credentials headers stay with their host', async () => {
    const other = devModelUrl().replace('127.0.0.1', 'localhost');
    const opts = { allowLoopback: true };
    const post = outboundFetch(
      via(307, `${other}/v1/chat/completions`),
      { method: 'POST', headers: { authorization: 'Bearer sk-body' }, body: '{"prompt":"secret"}' },
      opts,
    );
    await expect(post).rejects.toThrow(/redirected a POST to another host/);
    expect((await modelStats('sk-body')).requests).toBe(0);
    // A GET may follow to another host, without the Authorization header (the dev model then asks for a key).
    const get = await outboundFetch(
      via(302, `${other}/v1/models`),
      { headers: { authorization: 'Bearer sk-header' } },
      opts,
    );
    expect(get.status).toBe(401);
    // To the same host it keeps it.
    expect(
      (
        await outboundFetch(
          via(302, `${devModelUrl()}/v1/models`),
          { headers: { authorization: 'Bearer sk-header' } },
          opts,
        )
      ).status,
    ).toBe(200);
  });

  it(
    'Runware: a redirect to a refused address is not followed (the key is in the body); ' + 'an allowed one is',
    async () => {
      const key = `rw-redirect-${Date.now()}`;
      expect(
        (await saveAi(owner, 'runware', { api_key: key, base_url: via(307, `${refusedTwin()}/runware/v1`) })).status,
      ).toBe(200);
      expect(await testAi(owner, 'runware')).toMatchObject({ ok: false, category: 'address_not_allowed' });
      expect((await modelStats(key)).requests).toBe(0);

      expect((await saveAi(owner, 'runware', { base_url: via(307, `${devModelUrl()}/runware/v1`) })).status).toBe(200);
      expect(await testAi(owner, 'runware')).toMatchObject({ ok: true });
      expect((await modelStats(key)).requests).toBe(1);
      expect((await saveAi(owner, 'runware', { api_key: null, base_url: null })).status).toBe(200);
    },
  );

  it('WordPress: Test Connection does not follow a redirect to a refused address', async () => {
    const site = fx.ungranted.id;
    const wp = wordpress();
    const res = await call('POST', `/api/v1/publisher/sites/${site}/wordpress/test/`, {
      token: owner.token,
      body: {
        wp_url: via(307, wp.url.replace('127.0.0.1', '0.0.0.0')),
        wp_username: wp.user,
        wp_app_password: wp.appPassword,
      },
    });
    expectError(res, 400, 'url_not_allowed');
    expect(res.body.error).toMatch(/^Address not allowed/);
  });
});

describe('Test Connection answers in categories, never with the remote body', () => {
  it('could not connect / authentication failed / not an OpenAI-compatible API / address not allowed', async () => {
    const s = await signup('categories');
    expect(
      (await saveAi(s, 'openai', { api_key: 'sk-nobody-listens', base_url: 'http://127.0.0.1:1/v1' })).status,
    ).toBe(200);
    expect(await testAi(s, 'openai')).toMatchObject({
      ok: false,
      category: 'could_not_connect',
      error: expect.stringMatching(/^Could not connect/),
    });

    expect(
      (await saveAi(s, 'openai', { api_key: 'invalid-key-for-test', base_url: `${devModelUrl()}/v1` })).status,
    ).toBe(200);
    const auth = await testAi(s, 'openai');
    expect(auth).toMatchObject({
      ok: false,
      category: 'authentication_failed',
      error: expect.stringMatching(/^Authentication failed.*HTTP 401/),
    });
    expect(auth.error).not.toMatch(/invalid_api_key|Incorrect API key/i);

    // WordPress is not an OpenAI API: it answers an HTML page, which must not be echoed.
    expect((await saveAi(s, 'openai', { api_key: 'sk-to-wordpress', base_url: `${wordpress().url}/v1` })).status).toBe(
      200,
    );
    const html = await testAi(s, 'openai');
    expect(html).toMatchObject({
      ok: false,
      category: 'not_openai_compatible',
      error: expect.stringMatching(/^Not an OpenAI-compatible API/),
    });
    expect(html.error).not.toMatch(/<|html|wordpress/i);

    // Saved while loopback was allowed, used when it is not: refused at call time, nothing sent.
    const key = `sk-later-${Date.now()}`;
    expect((await saveAi(s, 'openai', { api_key: key, base_url: `${devModelUrl()}/v1` })).status).toBe(200);
    const before = vars.ALLOW_LOOPBACK_URLS;
    vars.ALLOW_LOOPBACK_URLS = 'false';
    try {
      expect(await testAi(s, 'openai')).toMatchObject({
        ok: false,
        category: 'address_not_allowed',
        error: expect.stringMatching(/Loopback/),
      });
    } finally {
      vars.ALLOW_LOOPBACK_URLS = before;
    }
    expect((await modelStats(key)).requests).toBe(0);
  });

  it(
    'WordPress: a wrong application password says "Authentication failed" ' + "without WordPress's own words",
    async () => {
      await connectSite(owner, fx.granted.id);
      const res = await call('POST', `/api/v1/publisher/sites/${fx.granted.id}/wordpress/test/`, {
        token: owner.token,
        body: { wp_app_password: 'abcd efgh ijkl mnop qrst uvwx' },
      });
      expectError(res, 422, 'wp_auth_failed');
      expect(res.body.error).toMatch(/^Authentication failed: WordPress rejected the username or application password/);
      expect(res.body.error).not.toMatch(
        /incorrect_password|invalid_username|application password is invalid|is not registered/i,
      );
    },
  );
});

describe('the platform AI key: the operator decides models and caps', () => {
  it('without an own key, a model outside PLATFORM_AI_MODELS is refused by name; budgets are capped', async () => {
    const s = await signup('platform');
    const refused = await saveAi(s, 'openai', { models: { generate_content: 'gpt-4o' } });
    expectError(refused, 400, 'model_not_allowed');
    expect(refused.body.error).toContain('"gpt-4o"');
    expect(refused.body.errors.models[0]).toContain('gpt-4o');

    expect(
      (
        await saveAi(s, 'openai', {
          models: { auto_cluster: 'igny8-dev-large' },
          max_concurrency: 32,
          requests_per_minute: 10_000,
        })
      ).status,
    ).toBe(200);
    let effective = (await call('GET', `${AI}/openai/`, { token: s.token })).body.data.effective;
    expect(effective).toMatchObject({
      source: 'demo',
      model: 'igny8-dev-large',
      max_concurrency: 4,
      requests_per_minute: 120,
    });

    const saved = { models: vars.PLATFORM_AI_MODELS, conc: vars.PLATFORM_AI_MAX_CONCURRENCY };
    vars.PLATFORM_AI_MODELS = 'igny8-dev-small, gpt-4o';
    vars.PLATFORM_AI_MAX_CONCURRENCY = '2';
    try {
      expect((await saveAi(s, 'openai', { models: { auto_cluster: 'gpt-4o' } })).status).toBe(200);
      effective = (await call('GET', `${AI}/openai/`, { token: s.token })).body.data.effective;
      expect(effective).toMatchObject({ model: 'gpt-4o', max_concurrency: 2 });
      // Taken off the list later: the platform's default applies, whatever was saved.
      vars.PLATFORM_AI_MODELS = 'igny8-dev-small';
      effective = (await call('GET', `${AI}/openai/`, { token: s.token })).body.data.effective;
      expect(effective.model).toBe('igny8-dev-small');
    } finally {
      vars.PLATFORM_AI_MODELS = saved.models;
      vars.PLATFORM_AI_MAX_CONCURRENCY = saved.conc;
    }
  });

  it('with an own key, the account chooses its model and budget', async () => {
    const s = await signup('ownkey');
    const res = await saveAi(s, 'openai', {
      api_key: `sk-own-${Date.now()}`,
      base_url: `${devModelUrl()}/v1`,
      models: { auto_cluster: 'my-fine-tune' },
      max_concurrency: 16,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.effective).toMatchObject({ source: 'account', model: 'my-fine-tune', max_concurrency: 16 });
    // Removing the key while naming an unlisted model in the same request is refused.
    expectError(
      await saveAi(s, 'openai', { api_key: null, models: { auto_cluster: 'my-fine-tune' } }),
      400,
      'model_not_allowed',
    );
  });
});

describe('size caps', () => {
  const cfg = (key: string): ProviderConfig => ({
    apiKey: key,
    baseURL: `${devModelUrl()}/v1`,
    model: 'igny8-dev-small',
    isDemo: true,
    keyId: key,
    maxConcurrency: 1,
    requestsPerMinute: 60,
    allowLoopback: true,
    maxReplyBytes: 400,
  });
  const long = 'Tell me about compost and mulch. '.repeat(40);

  it('a chat reply past the cap is a clean provider error, streamed or not', async () => {
    const plain = await chatCompletion(cfg('sk-cap-1'), { system: 'Be brief.', user: long, timeoutMs: 5_000 }).catch(
      (e: unknown) => e,
    );
    expect(plain).toBeInstanceOf(ProviderError);
    expect(plain).toMatchObject({
      kind: 'too_large',
      retryable: false,
      message: expect.stringMatching(/larger than 400 bytes/),
    });

    let seen = '';
    const streamed = await chatCompletionStream(
      cfg('sk-cap-2'),
      { system: 'Be brief.', user: long, timeoutMs: 5_000 },
      (d) => void (seen += d),
    ).catch((e: unknown) => e);
    expect(streamed).toMatchObject({ kind: 'too_large', message: expect.stringMatching(/larger than 400 bytes/) });
    expect(seen.length).toBeLessThan(400);
    // Under the cap, the same calls work.
    expect(
      (
        await chatCompletion(
          { ...cfg('sk-cap-3'), maxReplyBytes: 1_000_000 },
          { system: 'Be brief.', user: long, timeoutMs: 5_000 },
        )
      ).content,
    ).toBeTruthy();
  });

  it('any capped response (Runware, images) stops being read past the limit, declared or streamed', async () => {
    const capped = { allowLoopback: true, maxResponseBytes: 100 };
    // A declared Content-Length over the limit: refused before reading.
    await expect(
      outboundFetch(`${devModelUrl()}/v1/models`, { headers: { authorization: 'Bearer sk-x' } }, capped),
    ).rejects.toBeInstanceOf(ResponseTooLarge);
    // No length (a stream): reading stops with an error once the limit is passed.
    const body = JSON.stringify({
      model: 'igny8-dev-small',
      stream: true,
      messages: [{ role: 'user', content: long }],
    });
    const res = await outboundFetch(
      `${devModelUrl()}/v1/chat/completions`,
      { method: 'POST', headers: { authorization: 'Bearer sk-cap-4', 'content-type': 'application/json' }, body },
      capped,
    );
    expect(res.headers.get('content-length')).toBeNull();
    await expect(res.text()).rejects.toBeInstanceOf(ResponseTooLarge);
  });

  it('a base64 image is measured before it is decoded', () => {
    expect(decodeImageBase64(btoa('abc'), 3)).toEqual(new Uint8Array([97, 98, 99]));
    expect(() => decodeImageBase64(`data:image/png;base64,${'A'.repeat(4000)}`, 1000)).toThrow(
      /larger than 1000 bytes/,
    );
  });
});

describe('secrets are sealed to their row', () => {
  it('a WordPress password copied to another site does not open there', async () => {
    await connectSite(owner, fx.granted.id);
    const db = shardBinding(fx.shard);
    // The connection lives in the site's WordPress integration: copy that row, sealed password and all.
    await db
      .prepare(
        'INSERT INTO site_integrations (account_id, site_id, platform, platform_type, config, credentials_enc, ' +
          'is_active, sync_enabled, sync_status, health_status, version, created_at, updated_at) ' +
          'SELECT account_id, ?2, platform, platform_type, config, credentials_enc, is_active, sync_enabled, ' +
          'sync_status, health_status, 1, created_at, updated_at FROM site_integrations WHERE site_id = ?1 ' +
          "AND platform = 'wordpress' ON CONFLICT (account_id, site_id, platform) DO UPDATE SET " +
          'config = excluded.config, credentials_enc = excluded.credentials_enc',
      )
      .bind(fx.granted.id, fx.ungranted.id)
      .run();
    const res = await call('POST', `/api/v1/publisher/sites/${fx.ungranted.id}/wordpress/test/`, {
      token: owner.token,
    });
    expectError(res, 422, 'wp_not_configured');
    expect(res.body.error).toMatch(/can no longer be read/);
    // At home it still works.
    expect(
      (await call('POST', `/api/v1/publisher/sites/${fx.granted.id}/wordpress/test/`, { token: owner.token })).status,
    ).toBe(200);
  });

  it('an AI key copied to another account does not open there', async () => {
    const a = await signup('sealed-a');
    const b = await signup('sealed-b');
    expect(
      (await saveAi(a, 'openai', { api_key: `sk-sealed-${Date.now()}`, base_url: `${devModelUrl()}/v1` })).status,
    ).toBe(200);
    expect((await saveAi(b, 'openai', { api_key: 'sk-placeholder-b', base_url: `${devModelUrl()}/v1` })).status).toBe(
      200,
    );

    const [da, dbb] = [shardBinding(await shardOf(a.accountId)), shardBinding(await shardOf(b.accountId))];
    const row = await da
      .prepare(
        "SELECT api_key_enc AS enc FROM integration_settings WHERE account_id = ? AND integration_type = 'openai'",
      )
      .bind(a.accountId)
      .first<{ enc: string }>();
    await dbb
      .prepare("UPDATE integration_settings SET api_key_enc = ? WHERE account_id = ? AND integration_type = 'openai'")
      .bind(row!.enc, b.accountId)
      .run();
    expect(await testAi(b, 'openai')).toMatchObject({
      ok: false,
      category: 'not_configured',
      error: expect.stringMatching(/can no longer be read/),
    });
    expect(await testAi(a, 'openai')).toMatchObject({ ok: true });
  });
});

describe('what goes to and comes from WordPress is cleaned', () => {
  it('the post title is sent as plain text', async () => {
    await connectSite(owner, fx.granted.id);
    const marker = unique('Tips');
    const row = await insertContent(fx, fx.granted, {
      title: `${marker} <img src=x onerror=alert(1)> & <b>tricks</b>`,
    });
    const res = await call('POST', `/api/v1/publisher/content/${row.id}/publish/`, {
      token: owner.token,
      body: { status: 'draft' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const post = await wpApi('GET', `/posts/${res.body.data.wordpress.post_id}?context=edit`);
    expect(post.data.title.raw).toBe(`${marker} &amp; tricks`);
    expect(post.data.title.raw).not.toMatch(/<|onerror/);
  });

  it('titles are escaped, links must be http(s)', () => {
    expect(wpTitle('A &lt;script&gt;x&lt;/script&gt; "q"')).toBe('A &lt;script&gt;x&lt;/script&gt; &quot;q&quot;');
    expect(safePostLink('https://blog.example.com/?p=1')).toBe('https://blog.example.com/?p=1');
    expect(safePostLink('javascript:alert(1)')).toBeNull();
    expect(safePostLink('data:text/html,x')).toBeNull();
    expect(safePostLink('')).toBeNull();
  });
});
