import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { call, PASSWORD, signup, uniqueEmail } from '../helpers/api';

describe('auth hardening', () => {
  it('refuses to sign in to a suspended account', async () => {
    const owner = await signup('suspended');
    await env.DB_CONTROL.prepare("UPDATE accounts SET status = 'suspended' WHERE id = ?").bind(owner.accountId).run();
    const res = await call('POST', '/api/v1/auth/login/', {
      body: { email: owner.email, password: PASSWORD, delivery: 'body' },
    });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ success: false, code: 'account_inactive' });
  });

  it('throttles guesses of the current password on password change', async () => {
    const owner = await signup('guesser');
    const attempt = (current: string) =>
      call('POST', '/api/v1/auth/password/change/', {
        token: owner.token,
        body: { current_password: current, new_password: 'another-pass-42', delivery: 'body' },
      });
    for (let i = 0; i < 5; i++) expect((await attempt(`wrong-${i}`)).status).toBe(400);
    const locked = await attempt(PASSWORD);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('does not let an admin activate an invite nobody accepted', async () => {
    const owner = await signup('inviter');
    const invite = await call('POST', '/api/v1/auth/users/', {
      token: owner.token,
      body: { email: uniqueEmail('pending'), role: 'editor' },
    });
    const res = await call('PATCH', `/api/v1/auth/users/${invite.body.data.user.id}/`, {
      token: owner.token,
      body: { status: 'active' },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invite_not_accepted');
  });
});
