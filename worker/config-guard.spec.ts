import { describe, expect, it } from 'vitest';
import { developmentSwitchesInProduction, isDevelopment } from './config-guard';

/** A configuration a plain `wrangler deploy` plus `wrangler secret put` should produce: nothing to refuse. */
const PRODUCTION = {
  APP_ENV: 'production',
  ALLOW_LOOPBACK_URLS: 'false',
  ALLOWED_ORIGINS: '',
  JWT_SECRET: 'a-production-secret-of-forty-eight-characters-xyz',
  ENCRYPTION_KEY: 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=',
};

describe('developmentSwitchesInProduction', () => {
  it.each<[string, Record<string, string | undefined>, RegExp]>([
    ['loopback URLs allowed', { ALLOW_LOOPBACK_URLS: 'true' }, /ALLOW_LOOPBACK_URLS/],
    ['loopback URLs allowed (any case)', { ALLOW_LOOPBACK_URLS: 'TRUE' }, /ALLOW_LOOPBACK_URLS/],
    ['the dev model server', { DEV_MODEL_URL: 'http://127.0.0.1:8799/v1' }, /DEV_MODEL_URL/],
    [
      'a dev model on a public host is still a dev switch',
      { DEV_MODEL_URL: 'https://models.example.com/v1' },
      /DEV_MODEL_URL/,
    ],
    ['test routes', { TEST_ROUTES: 'true' }, /TEST_ROUTES/],
    ['a loosened sign-up throttle', { SIGNUP_LIMIT_PER_HOUR: '500' }, /SIGNUP_LIMIT_PER_HOUR/],
    ['bench routes', { BENCH_ROUTES: 'true' }, /BENCH_ROUTES/],
    [
      'a localhost origin',
      { ALLOWED_ORIGINS: 'https://app.example.com,http://localhost:8787' },
      /ALLOWED_ORIGINS.*localhost/,
    ],
    ['a loopback origin over https', { ALLOWED_ORIGINS: 'https://127.0.0.1:8787' }, /ALLOWED_ORIGINS/],
    ['a *.localhost origin', { ALLOWED_ORIGINS: 'https://app.localhost' }, /ALLOWED_ORIGINS/],
    ['an IPv6 loopback origin', { ALLOWED_ORIGINS: 'https://[::1]:8787' }, /ALLOWED_ORIGINS/],
    ['a plain-http origin', { ALLOWED_ORIGINS: 'http://app.example.com' }, /ALLOWED_ORIGINS.*http:/],
    ['an origin that is not a URL', { ALLOWED_ORIGINS: 'app.example.com' }, /ALLOWED_ORIGINS/],
    ['no JWT secret', { JWT_SECRET: undefined }, /JWT_SECRET/],
    ['a short JWT secret', { JWT_SECRET: 'short-secret-of-31-characters-x' }, /JWT_SECRET/],
    ['no encryption key', { ENCRYPTION_KEY: '' }, /ENCRYPTION_KEY/],
    ['a 16-byte encryption key', { ENCRYPTION_KEY: 'MDEyMzQ1Njc4OWFiY2RlZg==' }, /ENCRYPTION_KEY/],
    [
      'an encryption key that is not base64',
      { ENCRYPTION_KEY: 'not base64 at all, but long enough to pass a length check!!' },
      /ENCRYPTION_KEY/,
    ],
  ])('refuses production with %s', (_, change, message) => {
    const problems = developmentSwitchesInProduction({ ...PRODUCTION, ...change });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  it.each<[string, Record<string, string | undefined>]>([
    ['the production configuration', {}],
    [
      'switches explicitly off',
      { ALLOW_LOOPBACK_URLS: 'false', TEST_ROUTES: 'false', BENCH_ROUTES: '', DEV_MODEL_URL: '' },
    ],
    ['https origins of real hosts', { ALLOWED_ORIGINS: 'https://app.example.com, https://admin.example.com:8443' }],
    ['a base64url encryption key', { ENCRYPTION_KEY: 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY' }],
  ])('serves %s', (_, change) => {
    expect(developmentSwitchesInProduction({ ...PRODUCTION, ...change })).toEqual([]);
  });

  it('treats an unset or unknown APP_ENV as production: only "development" turns the guard off', () => {
    const dev = { ALLOW_LOOPBACK_URLS: 'true', DEV_MODEL_URL: 'http://127.0.0.1:8799/v1', TEST_ROUTES: 'true' };
    for (const APP_ENV of [undefined, '', 'production', 'staging', 'Development ']) {
      expect(developmentSwitchesInProduction({ ...PRODUCTION, ...dev, APP_ENV }), String(APP_ENV)).toHaveLength(3);
    }
    expect(developmentSwitchesInProduction({ ...PRODUCTION, ...dev, APP_ENV: 'development' })).toEqual([]);
  });

  it('lists every problem at once, so one deploy fixes them all', () => {
    const problems = developmentSwitchesInProduction({
      APP_ENV: undefined,
      ALLOW_LOOPBACK_URLS: 'true',
      DEV_MODEL_URL: 'http://127.0.0.1:8799/v1',
      ALLOWED_ORIGINS: 'http://localhost:8787,http://127.0.0.1:8787',
      TEST_ROUTES: 'true',
      BENCH_ROUTES: 'true',
    });
    expect(problems.map((p) => p.split(' ')[0])).toEqual([
      'ALLOW_LOOPBACK_URLS',
      'DEV_MODEL_URL',
      'TEST_ROUTES',
      'BENCH_ROUTES',
      'ALLOWED_ORIGINS',
      'JWT_SECRET',
      'ENCRYPTION_KEY',
    ]);
  });

  it('isDevelopment is true only for APP_ENV=development', () => {
    expect(isDevelopment({ APP_ENV: 'development' })).toBe(true);
    expect(isDevelopment({ APP_ENV: 'production' })).toBe(false);
    expect(isDevelopment({})).toBe(false);
  });
});
