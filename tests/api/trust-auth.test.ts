import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { REFRESH_FAMILY_MAX_AGE_SECONDS } from '../../worker/lib/access-tokens';
import { THROTTLE_RULES } from '../../worker/auth/throttle';
import { ORIGIN, PASSWORD, addMember, call, login, signup, uniqueEmail, type Res } from '../helpers/api';
import { expectError } from '../helpers/fixtures';

/**
 * Issue 8 (trust), the auth half: throttles that hold under parallel bursts, access tokens that
 * die with a password or role change, sessions with an absolute lifetime, Secure cookies, and
 * a clear 409 for inviting an email that already has an account.
 */
const V = '/api/v1/auth';
let ipCounter = 0;
/** A fresh IPv4 client per call site, so one test's counters never leak into another's. */
const freshIp = () => ({ 'cf-connecting-ip': `203.0.113.${++ipCounter}` });
const from = (ip: string) => ({ 'cf-connecting-ip': ip });
const attempt = (email: string, password: string, headers: Record<string, string>) =>
  call('POST', `${V}/login/`, { headers, body: { email, password, delivery: 'body' } });
const me = (token: string) => call('GET', `${V}/me/`, { token });
const statuses = (results: Res[]) => results.map((r) => r.status).sort();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('login throttle under parallel bursts', () => {
  it('40 parallel wrong passwords for one email give at most 5 × 401, the rest 429 with Retry-After', async () => {
    const victim = await signup('burst');
    const ip = freshIp();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => attempt(victim.email, `wrong-guess-${i}`, ip)),
    );
    const unauthorized = results.filter((r) => r.status === 401);
    const throttled = results.filter((r) => r.status === 429);
    expect(unauthorized.length + throttled.length, JSON.stringify(statuses(results))).toBe(40);
    expect(unauthorized.length).toBeLessThanOrEqual(5);
    expect(unauthorized.length).toBeGreaterThan(0);
    for (const res of throttled) {
      expectError(res, 429, 'throttled');
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
  });

  it("the owner signs in from another IP during someone else's lockout; the locked IP waits", async () => {
    const owner = await signup('lockout');
    const attacker = freshIp();
    await Promise.all(Array.from({ length: 12 }, (_, i) => attempt(owner.email, `attacker-${i}-x`, attacker)));
    expectError(await attempt(owner.email, PASSWORD, attacker), 429, 'throttled');
    expect((await login(owner.email, PASSWORD, freshIp())).userId).toBe(owner.userId);
  });

  it('delays grow per email+IP (1 s, then 2 s …), and a correct password after the delay resets them', async () => {
    const owner = await signup('delays');
    const ip = freshIp();
    for (let i = 0; i < 5; i++) expectError(await attempt(owner.email, `guess-${i}-x`, ip), 401, 'invalid_credentials');
    const first = await attempt(owner.email, PASSWORD, ip);
    expectError(first, 429, 'throttled');
    expect(Number(first.headers.get('retry-after'))).toBe(1);
    await sleep(1100);
    expectError(await attempt(owner.email, 'one-more-guess-x', ip), 401, 'invalid_credentials');
    const second = await attempt(owner.email, PASSWORD, ip);
    expectError(second, 429, 'throttled');
    expect(Number(second.headers.get('retry-after'))).toBe(2);
    await sleep(2100);
    expect((await login(owner.email, PASSWORD, ip)).userId).toBe(owner.userId);
    // Reset: five fresh failures are answered 401 again, not 429.
    for (let i = 0; i < 5; i++) expectError(await attempt(owner.email, `again-${i}-x`, ip), 401, 'invalid_credentials');
  });

  it('IPv6 clients in one /64 share a bucket, however the address is written; another /64 does not', async () => {
    const owner = await signup('ipv6');
    const hosts = [
      '2001:db8:aa:1::1',
      '2001:DB8:AA:1:0:0:0:2',
      '2001:0db8:00aa:0001:ffff:ffff:ffff:ffff',
      '2001:db8:aa:1::1:2',
      '2001:db8:aa:1:1::',
    ];
    for (const [i, host] of hosts.entries())
      expectError(await attempt(owner.email, `v6-guess-${i}`, from(host)), 401, 'invalid_credentials');
    expectError(await attempt(owner.email, PASSWORD, from('2001:db8:aa:1:abcd::99')), 429, 'throttled');
    expect((await login(owner.email, PASSWORD, from('2001:db8:aa:2::1'))).userId).toBe(owner.userId);
  });

  it('an IPv4-mapped IPv6 address is the IPv4 client; IPv4 clients are keyed by the full address', async () => {
    const owner = await signup('mapped');
    for (let i = 0; i < 5; i++)
      expectError(await attempt(owner.email, `v4-guess-${i}`, from('198.51.100.7')), 401, 'invalid_credentials');
    expectError(await attempt(owner.email, PASSWORD, from('::ffff:198.51.100.7')), 429, 'throttled');
    expect((await login(owner.email, PASSWORD, from('198.51.100.8'))).userId).toBe(owner.userId);
  });

  it('a garbage client address falls into one fixed "unknown" bucket', async () => {
    const owner = await signup('garbage');
    const junk = ['not-an-ip', '999.1.1.1', '1.2.3', '2001:db8::1::2', "'; DROP TABLE users; --"];
    for (const [i, value] of junk.entries())
      expectError(await attempt(owner.email, `junk-guess-${i}`, from(value)), 401, 'invalid_credentials');
    expectError(await attempt(owner.email, PASSWORD, from('fe80::1%eth0')), 429, 'throttled');
    expect((await login(owner.email, PASSWORD, freshIp())).userId).toBe(owner.userId);
  });

  it('a looser per-email limit still holds when the guesses come from many addresses', async () => {
    const owner = await signup('spread');
    const { limit } = THROTTLE_RULES.email;
    // Four guesses per address: never enough to slow any one email+IP pair down.
    for (let i = 0; i < limit; i++) {
      if (i % 4 === 0) ipCounter++;
      expectError(
        await attempt(owner.email, `spread-${i}-x`, from(`203.0.113.${ipCounter}`)),
        401,
        'invalid_credentials',
      );
    }
    const locked = await attempt(owner.email, PASSWORD, freshIp());
    expectError(locked, 429, 'throttled');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(60);
  });
});

describe('signup throttle', () => {
  it(
    'a burst of signups from one IPv6 /64 gets 429 with Retry-After past ' +
      'the hourly limit; another network still signs up',
    async () => {
      const { limit } = THROTTLE_RULES.signup;
      const register = (i: number, ip: string) =>
        call('POST', `${V}/register/`, {
          headers: from(ip),
          body: {
            email: uniqueEmail(`signup${i}`),
            password: PASSWORD,
            name: 'Burst',
            account_name: 'Burst Co',
            delivery: 'body',
          },
        });
      const results = await Promise.all(
        Array.from({ length: limit + 5 }, (_, i) => register(i, `2001:db8:5:5::${(i + 1).toString(16)}`)),
      );
      expect(results.filter((r) => r.status === 201).length, JSON.stringify(statuses(results))).toBe(limit);
      const throttled = results.filter((r) => r.status === 429);
      expect(throttled.length).toBe(5);
      expectError(throttled[0]!, 429, 'throttled');
      expect(Number(throttled[0]!.headers.get('retry-after'))).toBeGreaterThan(60);
      expect((await register(999, '2001:db8:5:6::1')).status).toBe(201);
    },
  );
});

describe('password change throttle', () => {
  it('parallel guesses of the current password are bounded: at most 5 × 400, the rest 429', async () => {
    const owner = await signup('pwburst');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call('POST', `${V}/password/change/`, {
          token: owner.token,
          body: { current_password: `wrong-${i}-x`, new_password: 'a-new-password-42', delivery: 'body' },
        }),
      ),
    );
    const rejected = results.filter((r) => r.status === 400);
    expect(rejected.length + results.filter((r) => r.status === 429).length, JSON.stringify(statuses(results))).toBe(
      20,
    );
    expect(rejected.length).toBeLessThanOrEqual(5);
  });
});

describe('token version', () => {
  it(
    'a role change refuses the old access token at once (401 ' +
      'token_revoked); a refresh or a fresh login gets the new role',
    async () => {
      const owner = await signup('tv-role');
      const editor = await addMember(owner, 'editor');
      expect((await me(editor.token)).status).toBe(200);
      expect(
        (await call('PATCH', `${V}/users/${editor.userId}/`, { token: owner.token, body: { role: 'viewer' } })).status,
      ).toBe(200);
      const old = await me(editor.token);
      expectError(old, 401, 'token_revoked');
      expect(old.body.error).toMatch(/sign in again|refresh/i);
      const refreshed = await call('POST', `${V}/token/refresh/`, { body: { refresh: editor.refresh } });
      expect(refreshed.status).toBe(200);
      expect((await me(refreshed.body.data.access)).body.data.user.role).toBe('viewer');
      const fresh = await login(editor.email, PASSWORD, freshIp());
      expect((await me(fresh.token)).body.data.user.role).toBe('viewer');
    },
  );

  it('a password change refuses every access token issued before it; the new one and a fresh login work', async () => {
    const owner = await signup('tv-password');
    const elsewhere = await login(owner.email, PASSWORD, freshIp());
    const changed = await call('POST', `${V}/password/change/`, {
      token: owner.token,
      body: { current_password: PASSWORD, new_password: 'a-brand-new-passw0rd', delivery: 'body' },
    });
    expect(changed.status).toBe(200);
    expectError(await me(owner.token), 401, 'token_revoked');
    expectError(await me(elsewhere.token), 401, 'token_revoked');
    expect((await me(changed.body.data.access)).status).toBe(200);
    expect((await me((await login(owner.email, 'a-brand-new-passw0rd', freshIp())).token)).status).toBe(200);
  });

  it('disabling a member refuses their token, and re-enabling does not bring the old token back', async () => {
    const owner = await signup('tv-disable');
    const editor = await addMember(owner, 'editor');
    const setStatus = (status: string) =>
      call('PATCH', `${V}/users/${editor.userId}/`, { token: owner.token, body: { status } });
    expect((await setStatus('disabled')).status).toBe(200);
    expect((await me(editor.token)).status).toBe(401);
    expect((await setStatus('active')).status).toBe(200);
    expectError(await me(editor.token), 401, 'token_revoked');
    expect((await me((await login(editor.email, PASSWORD, freshIp())).token)).status).toBe(200);
  });

  it("a removed member's token is refused at once", async () => {
    const owner = await signup('tv-remove');
    const viewer = await addMember(owner, 'viewer');
    expect((await call('DELETE', `${V}/users/${viewer.userId}/`, { token: owner.token })).status).toBe(200);
    expect((await me(viewer.token)).status).toBe(401);
  });
});

describe('refresh family lifetime', () => {
  const ageFamily = (userId: number, seconds: number) =>
    env.DB_CONTROL.prepare('UPDATE refresh_token_families SET created_at = ? WHERE user_id = ?')
      .bind(Date.now() - seconds * 1000, userId)
      .run();

  it('refuses a fresh refresh token of a family older than the absolute lifetime, and revokes the family', async () => {
    const s = await signup('old-family');
    // Rotate once so the presented token itself is brand new.
    const rotated = await call('POST', `${V}/token/refresh/`, { body: { refresh: s.refresh } });
    expect(rotated.status).toBe(200);
    await ageFamily(s.userId, REFRESH_FAMILY_MAX_AGE_SECONDS + 60);
    const res = await call('POST', `${V}/token/refresh/`, { body: { refresh: rotated.body.data.refresh } });
    expectError(res, 401, 'refresh_session_expired');
    const family = await env.DB_CONTROL.prepare(
      'SELECT revoked_at, revoked_reason FROM refresh_token_families WHERE user_id = ?',
    )
      .bind(s.userId)
      .first();
    expect(family).toMatchObject({ revoked_reason: 'max_age' });
    expect(family!.revoked_at).not.toBeNull();
  });

  it('a family just inside the lifetime still refreshes, and its next token never outlives the family', async () => {
    const s = await signup('young-family');
    await ageFamily(s.userId, REFRESH_FAMILY_MAX_AGE_SECONDS - 3600);
    const res = await call('POST', `${V}/token/refresh/`, { body: { refresh: s.refresh } });
    expect(res.status).toBe(200);
    expect(Date.parse(res.body.data.refresh_expires_at) - Date.now()).toBeLessThanOrEqual(3600 * 1000);
  });
});

describe('cookies', () => {
  const cookiesOf = (res: Res) => res.headers.getSetCookie();
  const expectHardened = (cookie: string, path: string) => {
    expect(cookie).toMatch(/;\s*Secure(;|$)/i);
    expect(cookie).toMatch(/;\s*HttpOnly(;|$)/i);
    expect(cookie).toMatch(/;\s*SameSite=Strict(;|$)/i);
    expect(cookie).toContain(`Path=${path}`);
  };

  it(
    'the refresh cookie is Secure, HttpOnly, SameSite=Strict and ' +
      'path-scoped, even over plain http; clearing keeps Secure',
    async () => {
      const res = await call('POST', `${V}/register/`, {
        headers: freshIp(),
        body: { email: uniqueEmail('secure'), password: PASSWORD, name: 'Sec', account_name: 'Sec Co' },
      });
      expect(res.status).toBe(201);
      const refresh = cookiesOf(res).find((c) => c.startsWith('igny8_refresh='));
      expectHardened(refresh!, '/api/v1/auth');

      // Signing out clears them with the same attributes (a browser matches a cookie by name, path and Secure).
      const refreshValue = /igny8_refresh=([^;]+)/.exec(refresh!)![1];
      const out = await call('POST', `${V}/logout/`, {
        headers: { cookie: `igny8_refresh=${refreshValue}`, origin: ORIGIN },
      });
      expect(out.status).toBe(200);
      const cleared = cookiesOf(out);
      expect(cleared.map((c) => c.split('=')[0]).sort()).toEqual(['igny8_media', 'igny8_refresh']);
      for (const cookie of cleared)
        expectHardened(cookie, cookie.startsWith('igny8_media') ? '/media' : '/api/v1/auth');
    },
  );
});

describe('inviting an email that already has an account', () => {
  it("answers 409 email_taken for a member of the same account and for another account's user", async () => {
    const owner = await signup('dupe-invite');
    const member = await addMember(owner, 'editor');
    const stranger = await signup('stranger');
    for (const email of [member.email, stranger.email, owner.email.toUpperCase()]) {
      const res = await call('POST', `${V}/users/`, { token: owner.token, body: { email, role: 'viewer' } });
      expectError(res, 409, 'email_taken');
      expect(res.body.error).toMatch(/already/i);
      expect(res.body.errors.email).toBeDefined();
    }
  });
});
