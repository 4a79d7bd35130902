import { describe, expect, it } from 'vitest';
import { ORIGIN, PASSWORD, call, signup } from '../helpers/api';

/** The refresh cookie a browser would hold after signing in with delivery "cookie". */
async function browserCookie(email: string) {
  const res = await call('POST', '/api/v1/auth/login/', { body: { email, password: PASSWORD } });
  expect(res.status).toBe(200);
  return /igny8_refresh=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!;
}
const probe = (cookie?: string, origin = ORIGIN) =>
  call('POST', '/api/v1/auth/session/', {
    headers: { origin, ...(cookie ? { cookie: `igny8_refresh=${cookie}` } : {}) },
  });

describe('the web app start-up probe', () => {
  it('answers a signed-out browser 200 "signed out" (no failed request to log)', async () => {
    const res = await probe();
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ signed_in: false });
  });

  it('gives a signed-in browser a new access token, a rotated cookie and /me in one call', async () => {
    const owner = await signup('probe');
    const cookie = await browserCookie(owner.email);
    const res = await probe(cookie);
    expect(res.status).toBe(200);
    expect(res.body.data.signed_in).toBe(true);
    expect(res.body.data.me.user.email).toBe(owner.email);
    expect(res.body.data.me.permissions['users:manage']).toBe(true);
    const rotated = /igny8_refresh=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
    expect(rotated).toBeTruthy();
    expect(rotated).not.toBe(cookie);
    const me = await call('GET', '/api/v1/auth/me/', { token: res.body.data.access });
    expect(me.status).toBe(200);
  });

  it('treats a spent cookie as signed out and clears it', async () => {
    const owner = await signup('probe-spent');
    const cookie = await browserCookie(owner.email);
    expect((await probe(cookie)).body.data.signed_in).toBe(true);
    const again = await probe(cookie); // reuse: the family is revoked, the answer is still not an error
    expect(again.status).toBe(200);
    expect(again.body.data).toMatchObject({ signed_in: false, reason: 'refresh_reuse_detected' });
    expect(again.headers.get('set-cookie')).toMatch(/igny8_refresh=;/);
  });

  it('refuses a foreign origin presenting the cookie', async () => {
    const owner = await signup('probe-csrf');
    const res = await probe(await browserCookie(owner.email), 'https://evil.example');
    expect(res.status).toBe(403);
  });
});
