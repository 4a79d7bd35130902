import { env } from 'cloudflare:workers';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS, can, type Permission } from '../../core/access';
import { signAccessToken } from '../../worker/lib/access-tokens';
import { ORIGIN, PASSWORD, addMember, call, login, signup, uniqueEmail, type Session } from '../helpers/api';
import { MEMBER_ROLES, expectError, type MemberRole } from '../helpers/fixtures';

const V = '/api/v1/auth';
let ipCounter = 0;
/** A fresh client address per test: the per-IP login throttle must not leak between tests. */
const freshIp = () => ({ 'cf-connecting-ip': `192.0.2.${++ipCounter}` });
const refreshCookieOf = (headers: Headers) => /igny8_refresh=([^;]+)/.exec(headers.get('set-cookie') ?? '')?.[1];
const refreshWith = (refresh: string) => call('POST', `${V}/token/refresh/`, { body: { refresh } });
const me = (token: string) => call('GET', `${V}/me/`, { token });

describe('register', () => {
  it('creates the account and signs in; by default the refresh token goes only into an httpOnly cookie', async () => {
    const email = uniqueEmail('cookie');
    const res = await call('POST', `${V}/register/`, {
      body: { email, password: PASSWORD, name: 'Ada', account_name: 'Ada Co' },
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ user: { email, role: 'owner' }, account: { name: 'Ada Co' } });
    expect(res.body.data.access).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(res.body.data).not.toHaveProperty('refresh');
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^igny8_refresh=[\w-]{20,};/);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=Strict/i);
    expect(cookie).toMatch(/;\s*Path=\/api\/v1\/auth(;|$)/);
    expect((await me(res.body.data.access)).status).toBe(200);
  });

  it('with delivery "body" returns the refresh token in the body and sets no cookie', async () => {
    const res = await call('POST', `${V}/register/`, {
      body: { email: uniqueEmail('body'), password: PASSWORD, name: 'Bo', account_name: 'Bo Co', delivery: 'body' },
    });
    expect(res.status).toBe(201);
    expect(res.body.data.refresh).toMatch(/^[\w-]{20,}$/);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('refuses an email that is already registered (in any letter case) with 409', async () => {
    const owner = await signup('dupe');
    const res = await call('POST', `${V}/register/`, {
      body: { email: owner.email.toUpperCase(), password: PASSWORD, name: 'Dupe', account_name: 'Dupe Co' },
    });
    expectError(res, 409, 'email_taken');
    expect(res.body.errors.email).toBeDefined();
  });
});

describe('login', () => {
  let owner: Session;
  beforeAll(async () => {
    owner = await signup('login');
  });

  it(
    'accepts the right password and refuses a wrong one or an unknown email alike ' + '(401 invalid_credentials)',
    async () => {
      const ip = freshIp();
      expect((await login(owner.email, PASSWORD, ip)).userId).toBe(owner.userId);
      const wrong = await call('POST', `${V}/login/`, {
        headers: ip,
        body: { email: owner.email, password: 'not-the-password-1' },
      });
      expectError(wrong, 401, 'invalid_credentials');
      const unknown = await call('POST', `${V}/login/`, {
        headers: ip,
        body: { email: uniqueEmail('nobody'), password: 'not-the-password-1' },
      });
      expectError(unknown, 401, 'invalid_credentials');
      expect(unknown.body.error).toBe(wrong.body.error);
    },
  );

  it(
    'slows an email down on one network after 5 failures: 429 with ' +
      'Retry-After there, even with the right password; another network ' +
      'signs in',
    async () => {
      const victim = await signup('victim');
      const ip = freshIp();
      for (let i = 0; i < 5; i++) {
        expectError(
          await call('POST', `${V}/login/`, { headers: ip, body: { email: victim.email, password: `guess-${i}-xx` } }),
          401,
          'invalid_credentials',
        );
      }
      const locked = await call('POST', `${V}/login/`, {
        headers: ip,
        body: { email: victim.email, password: PASSWORD },
      });
      expectError(locked, 429, 'throttled');
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
      // The owner's own network is not locked by someone else's guesses (see trust-auth.test.ts).
      expect((await login(victim.email, PASSWORD, freshIp())).userId).toBe(victim.userId);
      // Other users are not affected.
      expect((await login(owner.email, PASSWORD, freshIp())).userId).toBe(owner.userId);
    },
  );

  it('locks an IP after 30 failures across different emails; other IPs still sign in', async () => {
    const ip = freshIp();
    for (let i = 0; i < 30; i++) {
      const res = await call('POST', `${V}/login/`, {
        headers: ip,
        body: { email: uniqueEmail(`spray${i}`), password: 'sprayed-password-1' },
      });
      expectError(res, 401, 'invalid_credentials');
    }
    const locked = await call('POST', `${V}/login/`, { headers: ip, body: { email: owner.email, password: PASSWORD } });
    expectError(locked, 429, 'throttled');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await login(owner.email, PASSWORD, freshIp())).userId).toBe(owner.userId);
  });
});

describe('refresh tokens', () => {
  it('rotate on every use: the new one differs, works, and the old one is spent', async () => {
    const s = await signup('rotate');
    const first = await refreshWith(s.refresh);
    expect(first.status).toBe(200);
    expect(first.body.data.refresh).not.toBe(s.refresh);
    expect((await me(first.body.data.access)).status).toBe(200);
    const second = await refreshWith(first.body.data.refresh);
    expect(second.status).toBe(200);
    expectError(await refreshWith(s.refresh), 401, 'refresh_reuse_detected');
  });

  it('reuse of a spent token revokes the whole family: the newest token fails too', async () => {
    const s = await signup('reuse');
    const next = (await refreshWith(s.refresh)).body.data.refresh as string;
    expectError(await refreshWith(s.refresh), 401, 'refresh_reuse_detected');
    expectError(await refreshWith(next), 401, 'refresh_revoked');
    // Another sign-in (another family) is unaffected.
    const other = await login(s.email, PASSWORD, freshIp());
    expect((await refreshWith(other.refresh)).status).toBe(200);
  });

  it('an unknown refresh token is refused', async () => {
    expectError(await refreshWith('x'.repeat(43)), 401, 'refresh_invalid');
  });

  it('through the cookie: needs an Origin, and only our own', async () => {
    const reg = await call('POST', `${V}/register/`, {
      body: { email: uniqueEmail('browser'), password: PASSWORD, name: 'Cy', account_name: 'Cy Co' },
    });
    const cookie = `igny8_refresh=${refreshCookieOf(reg.headers)}`;
    const viaCookie = (headers: Record<string, string>) =>
      call('POST', `${V}/token/refresh/`, { headers: { cookie, ...headers } });
    expectError(await viaCookie({}), 403, 'origin_required');
    expectError(await viaCookie({ origin: 'https://evil.example' }), 403, 'origin_not_allowed');
    expectError(await viaCookie({ origin: 'null' }), 403, 'origin_not_allowed');
    const ok = await viaCookie({ origin: ORIGIN });
    expect(ok.status).toBe(200);
    expect(ok.body.data).not.toHaveProperty('refresh');
    const rotated = refreshCookieOf(ok.headers);
    expect(rotated).toBeDefined();
    expect(`igny8_refresh=${rotated}`).not.toBe(cookie);
    expect((await me(ok.body.data.access)).status).toBe(200);
  });
});

describe('access tokens', () => {
  let s: Session;
  const claims = () => ({ sub: String(s.userId), acc: s.accountId, role: 'owner' });
  const secret = () => new TextEncoder().encode(env.JWT_SECRET);
  const sign = (opts: { alg?: string; typ?: string; iss?: string; aud?: string; key?: Uint8Array } = {}) =>
    new SignJWT({ acc: s.accountId, role: 'owner' })
      .setProtectedHeader({ alg: opts.alg ?? 'HS256', typ: opts.typ ?? 'at+jwt' })
      .setSubject(String(s.userId))
      .setIssuer(opts.iss ?? env.JWT_ISSUER)
      .setAudience(opts.aud ?? env.JWT_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(opts.key ?? secret());
  const b64 = (v: object) => btoa(JSON.stringify(v)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  /** An `alg: none` token with otherwise perfect claims (and an empty signature). */
  const unsigned = () => {
    const now = Math.floor(Date.now() / 1000);
    const payload = { ...claims(), iss: env.JWT_ISSUER, aud: env.JWT_AUDIENCE, iat: now, exp: now + 600 };
    return `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(payload)}.`;
  };

  beforeAll(async () => {
    s = await signup('jwt');
  });

  it(
    'a token made here with the test secret is accepted ' + '(so the refusals below are about one thing each)',
    async () => {
      expect((await me(await sign())).status).toBe(200);
    },
  );

  it('an expired token gets 401 token_expired', async () => {
    const { token } = await signAccessToken(
      env,
      { userId: s.userId, accountId: s.accountId, role: 'owner', tokenVersion: 0 },
      Date.now() - 20 * 60_000,
    );
    expectError(await me(token), 401, 'token_expired');
  });

  it.each([
    ['alg none', async () => unsigned()],
    ['HS512', () => sign({ alg: 'HS512' })],
    ['another issuer', () => sign({ iss: 'someone-else' })],
    ['another audience', () => sign({ aud: 'another-api' })],
    ['typ JWT instead of at+jwt', () => sign({ typ: 'JWT' })],
    ['another secret', () => sign({ key: new TextEncoder().encode('a-different-secret-that-is-long-enough-000') })],
    ['garbage', async () => 'not.a.jwt'],
  ])('%s → 401 token_invalid', async (_name, make) => {
    expectError(await me(await make()), 401, 'token_invalid');
  });

  it('no Authorization header → 401 not_authenticated with WWW-Authenticate', async () => {
    const res = await call('GET', `${V}/me/`);
    expectError(res, 401, 'not_authenticated');
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });
});

describe('sessions', () => {
  it('logout revokes the refresh token', async () => {
    const s = await signup('logout');
    const out = await call('POST', `${V}/logout/`, { body: { refresh: s.refresh } });
    expect(out.status).toBe(200);
    expectError(await refreshWith(s.refresh), 401, 'refresh_revoked');
  });

  it(
    'logout through the cookie: a foreign Origin is refused; ' + 'our own revokes the session and clears the cookie',
    async () => {
      const reg = await call('POST', `${V}/register/`, {
        body: { email: uniqueEmail('cookie-out'), password: PASSWORD, name: 'Di', account_name: 'Di Co' },
      });
      const cookie = `igny8_refresh=${refreshCookieOf(reg.headers)}`;
      const logout = (origin: string) => call('POST', `${V}/logout/`, { headers: { cookie, origin } });
      expectError(await logout('https://evil.example'), 403, 'origin_not_allowed');
      const out = await logout(ORIGIN);
      expect(out.status).toBe(200);
      expect(out.headers.get('set-cookie')).toMatch(/igny8_refresh=;.*Max-Age=0/);
      const again = await call('POST', `${V}/token/refresh/`, { headers: { cookie, origin: ORIGIN } });
      expectError(again, 401, 'refresh_revoked');
    },
  );

  it('password change needs the current password, signs out other sessions, and the new password works', async () => {
    const s = await signup('pwchange');
    const other = await login(s.email, PASSWORD, freshIp());
    const newPassword = 'a-brand-new-passw0rd';
    const wrong = await call('POST', `${V}/password/change/`, {
      token: s.token,
      body: { current_password: 'not-my-password-1', new_password: newPassword, delivery: 'body' },
    });
    expectError(wrong, 400, 'validation_error');
    expect(wrong.body.errors.current_password).toBeDefined();

    const changed = await call('POST', `${V}/password/change/`, {
      token: s.token,
      body: { current_password: PASSWORD, new_password: newPassword, delivery: 'body' },
    });
    expect(changed.status).toBe(200);
    expectError(await refreshWith(other.refresh), 401, 'refresh_revoked');
    expectError(await refreshWith(s.refresh), 401, 'refresh_revoked');
    expect((await refreshWith(changed.body.data.refresh)).status).toBe(200);
    const ip = freshIp();
    expectError(
      await call('POST', `${V}/login/`, { headers: ip, body: { email: s.email, password: PASSWORD } }),
      401,
      'invalid_credentials',
    );
    expect((await login(s.email, newPassword, ip)).userId).toBe(s.userId);
  });

  it('/me returns the permissions of each role', async () => {
    const owner = await signup('perms');
    const sessions: Record<MemberRole, Session> = {
      owner,
      admin: await addMember(owner, 'admin'),
      editor: await addMember(owner, 'editor'),
      viewer: await addMember(owner, 'viewer'),
    };
    for (const role of MEMBER_ROLES) {
      const res = await me(sessions[role].token);
      expect(res.status).toBe(200);
      expect(res.body.data.user).toMatchObject({ id: sessions[role].userId, role, account_id: owner.accountId });
      const expected = Object.fromEntries((Object.keys(PERMISSIONS) as Permission[]).map((p) => [p, can(role, p)]));
      expect(res.body.data.permissions).toEqual(expected);
    }
    // Spot checks against the seed's matrix, independent of core/access.ts.
    const perms = async (role: MemberRole) => (await me(sessions[role].token)).body.data.permissions;
    expect(await perms('viewer')).toMatchObject({ 'data:read': true, 'data:write': false, 'sites:manage': false });
    expect(await perms('editor')).toMatchObject({ 'data:write': true, 'sites:manage': false, 'users:manage': false });
    expect(await perms('admin')).toMatchObject({ 'sites:manage': true, 'users:manage': true, 'billing:manage': false });
    expect(await perms('owner')).toMatchObject({
      'users:manage': true,
      'billing:read': true,
      'billing:manage': true,
      'accounts:any': false,
    });
  });
});

describe('invites', () => {
  let owner: Session;
  const invite = async (role = 'editor') => {
    const res = await call('POST', `${V}/users/`, {
      token: owner.token,
      body: { email: uniqueEmail('invitee'), role },
    });
    expect(res.status).toBe(201);
    return {
      userId: res.body.data.user.id as number,
      token: new URL(res.body.data.invite_url).pathname.split('/').pop()!,
    };
  };
  const accept = (token: string) =>
    call('POST', `${V}/invite/${token}/accept/`, {
      body: { name: 'New Person', password: PASSWORD, delivery: 'body' },
    });

  beforeAll(async () => {
    owner = await signup('inviter');
  });

  it('an invite link shows who it is for and works exactly once', async () => {
    const { token } = await invite();
    const info = await call('GET', `${V}/invite/${token}/`);
    expect(info.status).toBe(200);
    expect(info.body.data).toMatchObject({ role: 'editor' });
    const first = await accept(token);
    expect(first.status).toBe(200);
    expect(first.body.data.user).toMatchObject({ role: 'editor', account_id: owner.accountId });
    expect((await me(first.body.data.access)).status).toBe(200);
    expectError(await accept(token), 404, 'not_found');
    expectError(await call('GET', `${V}/invite/${token}/`), 404, 'not_found');
  });

  it('an expired invite is not found', async () => {
    const { userId, token } = await invite();
    await env.DB_CONTROL.prepare('UPDATE users SET invite_expires_at = ? WHERE id = ?')
      .bind(Date.now() - 60_000, userId)
      .run();
    expectError(await call('GET', `${V}/invite/${token}/`), 404, 'not_found');
    expectError(await accept(token), 404, 'not_found');
  });

  it('a re-issued link replaces the old one', async () => {
    const { userId, token } = await invite('viewer');
    const reissued = await call('POST', `${V}/users/${userId}/invite_link/`, { token: owner.token });
    expect(reissued.status).toBe(200);
    const fresh = new URL(reissued.body.data.invite_url).pathname.split('/').pop()!;
    expectError(await accept(token), 404, 'not_found');
    expect((await accept(fresh)).status).toBe(200);
  });
});
