import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import wranglerToml from '../../wrangler.toml?raw';
import { developmentSwitchesInProduction } from '../../worker/config-guard';
import type { Env } from '../../worker/env';
import { createWorker } from '../../worker/worker';
import { call } from '../helpers/api';

/**
 * Production config (issue 8, scope 7): a plain `wrangler deploy` carries no development value, a
 * worker that runs as production with a development switch refuses to serve, and every response
 * carries the hardening headers.
 */

/** What `wrangler deploy` + `wrangler secret put` give: the test bindings with the development values taken out. */
const PRODUCTION: Partial<Env> = {
  APP_ENV: 'production',
  ALLOW_LOOPBACK_URLS: 'false',
  ALLOWED_ORIGINS: '',
  DEV_MODEL_URL: undefined,
  TEST_ROUTES: undefined,
  BENCH_ROUTES: undefined,
};

/** A worker of its own (so its log-once state is fresh) whose web app answers a small HTML page. */
function workerWith(
  overrides: Partial<Env>,
  page = () => new Response('<!doctype html><p>app</p>', { headers: { 'content-type': 'text/html' } }),
) {
  const worker = createWorker(page);
  const patched = Object.assign({}, env, overrides) as Env;
  return async (path: string, init?: RequestInit & { base?: string }) => {
    const ctx = createExecutionContext();
    const res = await worker.fetch!(
      new Request(`${init?.base ?? 'https://app.example.com'}${path}`, init) as never,
      patched,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return res;
  };
}

/** The [vars] table of wrangler.toml: what a plain `wrangler deploy` ships. */
function deployedVars(): Record<string, string> {
  const section = wranglerToml.split(/^\[vars\]\s*$/m)[1]?.split(/^\[/m)[0] ?? '';
  const vars: Record<string, string> = {};
  for (const m of section.matchAll(/^\s*([A-Z0-9_]+)\s*=\s*"([^"]*)"/gm)) vars[m[1]!] = m[2]!;
  return vars;
}

afterEach(() => vi.restoreAllMocks());

describe('wrangler.toml [vars] (what a plain wrangler deploy uses)', () => {
  it('holds no development value: with the secrets set, the guard finds nothing to refuse', () => {
    const vars = deployedVars();
    expect(vars.APP_ENV).toBe('production');
    expect(Object.keys(vars)).not.toContain('DEV_MODEL_URL');
    expect(
      developmentSwitchesInProduction({ ...vars, JWT_SECRET: env.JWT_SECRET, ENCRYPTION_KEY: env.ENCRYPTION_KEY }),
    ).toEqual([]);
  });
});

describe('a production worker with a development switch', () => {
  it('answers 503 with the envelope on every path and logs one line naming the switch', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const fetch = workerWith({ ...PRODUCTION, ALLOW_LOOPBACK_URLS: 'true' });
    for (const path of [
      '/api/health',
      '/api/v1/auth/login/',
      '/api/docs',
      '/ws/sites/1',
      '/parties/main/x',
      '/media/a.png',
      '/',
      '/planner/keywords',
    ]) {
      const res = await fetch(path);
      expect(res.status, path).toBe(503);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body, path).toMatchObject({ success: false, code: 'misconfigured' });
      expect(body.error).toMatch(/production.*development/);
      expect(body.request_id).toBe(res.headers.get('x-request-id'));
    }
    expect(logged).toHaveBeenCalledTimes(1);
    expect(String(logged.mock.calls[0]![0])).toMatch(/refusing to serve.*ALLOW_LOOPBACK_URLS/i);
  });

  it.each<[string, Partial<Env>]>([
    ['the dev model URL', { DEV_MODEL_URL: 'http://127.0.0.1:8799/v1' }],
    ['test routes', { TEST_ROUTES: 'true' }],
    ['bench routes', { BENCH_ROUTES: 'true' }],
    ['a localhost origin', { ALLOWED_ORIGINS: 'http://localhost:5173' }],
    ['a short JWT secret', { JWT_SECRET: 'too-short' }],
    ['no encryption key', { ENCRYPTION_KEY: '' }],
    ['APP_ENV unset and loopback allowed', { APP_ENV: undefined, ALLOW_LOOPBACK_URLS: 'true' }],
  ])('refuses with %s', async (_, change) => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await workerWith({ ...PRODUCTION, ...change })('/api/health');
    expect(res.status).toBe(503);
  });

  it('serves once the configuration is production-safe, and in development with the same switches', async () => {
    expect((await workerWith(PRODUCTION)('/api/health')).status).toBe(200);
    expect(
      (await workerWith({ APP_ENV: 'development', ALLOW_LOOPBACK_URLS: 'true', TEST_ROUTES: 'true' })('/api/health'))
        .status,
    ).toBe(200);
  });

  it('skips the scheduled work (the cron) instead of enqueueing it', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const worker = createWorker(() => new Response(null, { status: 404 }));
    const send = vi.fn();
    const patched = Object.assign({}, env, PRODUCTION, {
      DEV_MODEL_URL: 'http://127.0.0.1:8799/v1',
      EVENTS: { send, sendBatch: send },
    }) as unknown as Env;
    const ctx = createExecutionContext();
    await worker.scheduled!({ scheduledTime: Date.now(), cron: '*/5 * * * *', noRetry() {} }, patched, ctx);
    await waitOnExecutionContext(ctx);
    expect(send).not.toHaveBeenCalled();
  });
});

describe('hardening headers', () => {
  const common = (res: { headers: Headers }) => {
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  };

  it('the API (successes and errors) gets a CSP that allows nothing and no framing', async () => {
    for (const path of ['/api/health', '/api/v1/nothing-here', '/api/openapi.json']) {
      const res = await call('GET', path);
      expect(res.headers.get('content-security-policy'), path).toBe("default-src 'none'; frame-ancestors 'none'");
      common(res);
    }
    const unauthenticated = await call('GET', '/api/v1/auth/sites/');
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
  });

  it('/api/docs keeps its Swagger UI policy and may not be framed either', async () => {
    const res = await call('GET', '/api/docs');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/connect-src 'self'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    common(res);
  });

  it('media answers get nosniff and a CSP, so an uploaded file can never run as a page', async () => {
    const res = await call('GET', '/media/accounts/1/sites/1/images/1/x.svg');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    common(res);
  });

  it(
    'an app page without a CSP of its own gets the app policy; ' + 'one with a CSP gets frame-ancestors added',
    async () => {
      const bare = await workerWith({ APP_ENV: 'development' })('/planner/keywords', { base: 'http://localhost:8787' });
      const csp = bare.headers.get('content-security-policy') ?? '';
      expect(csp).toMatch(/default-src 'self'/);
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(csp).toMatch(/object-src 'none'/);
      common(bare);

      const own = createWorker(
        () =>
          new Response('<!doctype html>', {
            headers: { 'content-type': 'text/html', 'content-security-policy': "script-src 'self' 'nonce-abc'" },
          }),
      );
      const res = await own.fetch!(new Request('http://localhost:8787/') as never, env, createExecutionContext());
      expect(res.headers.get('content-security-policy')).toBe("script-src 'self' 'nonce-abc'; frame-ancestors 'none'");
    },
  );

  it('HSTS only for production over https', async () => {
    const hsts = (res: Response) => res.headers.get('strict-transport-security');
    expect(hsts(await workerWith(PRODUCTION)('/api/health'))).toMatch(/^max-age=\d{8,}; includeSubDomains$/);
    expect(hsts(await workerWith(PRODUCTION)('/'))).toMatch(/^max-age=/);
    expect(hsts(await workerWith(PRODUCTION)('/api/health', { base: 'http://app.example.com' }))).toBeNull();
    expect(hsts(await workerWith({ APP_ENV: 'development' })('/api/health'))).toBeNull();
    expect((await call('GET', '/api/health')).headers.get('strict-transport-security')).toBeNull();
  });
});
