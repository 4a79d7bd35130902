import { Hono, type Context } from 'hono';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { PERMISSIONS, can, type Permission } from '../../core/access';
import { accounts, plans, users } from '../../core/schema/control';
import {
  acceptInviteBody,
  loginBody,
  passwordChangeBody,
  refreshBody,
  registerBody,
  updateMeBody,
} from '../../core/validation/auth';
import { controlDb } from '../db/shards';
import type { AppEnv } from '../env';
import { Forbidden, NotFound, Unauthorized, ValidationError } from '../http/errors';
import { created, ok } from '../http/respond';
import { body, describe } from '../http/validate';
import { sha256Hex } from '../lib/crypto';
import { authenticate } from '../middleware/authenticate';
import { tenantContext } from '../middleware/tenant';
import { accessibleSites } from '../sites/service';
import { registerAccount } from './accounts';
import { clientKey } from './client-ip';
import { clearRefreshCookie, presentedRefreshToken, setRefreshCookie } from './cookie';
import { dummyPasswordHash, hashPassword, verifyPassword } from './passwords';
import {
  familyOf,
  revokeFamiliesOfUser,
  revokeFamily,
  rotateSession,
  startSession,
  type IssuedTokens,
} from './sessions';
import { clearAttempts, lockAfterFailure, loginKeys, refundAttempt, takeAttempt, type ThrottleKey } from './throttle';

/** How the refresh token travels: an httpOnly cookie (browsers, the default) or the body (API clients). */
const delivery = z.enum(['cookie', 'body']).default('cookie');

/** Access token always in the body; the refresh token in the cookie or the body, never both. */
function sessionResponse(c: Context<AppEnv>, tokens: IssuedTokens, mode: 'cookie' | 'body') {
  if (mode === 'cookie') {
    setRefreshCookie(c, tokens.refresh);
    return {
      access: tokens.access,
      access_expires_at: tokens.access_expires_at,
      refresh_expires_at: tokens.refresh_expires_at,
    };
  }
  return tokens;
}

/** The client's throttle key: its IPv4 address, its IPv6 /64, or the shared "unknown" bucket. */
const clientOf = (c: Context<AppEnv>) => clientKey(c.req.header('cf-connecting-ip'));

const inviteTokenParam = (c: Context<AppEnv>) => {
  const token = c.req.param('token') ?? '';
  if (!/^[A-Za-z0-9_-]{20,200}$/.test(token)) throw new NotFound('Invite');
  return token;
};

async function pendingInvite(c: Context<AppEnv>, token: string) {
  const control = controlDb(c.env);
  const row = await control
    .select({ user: users, account: { name: accounts.name } })
    .from(users)
    .innerJoin(accounts, eq(accounts.id, users.account_id))
    .where(
      and(
        eq(users.invite_token_hash, await sha256Hex(token)),
        eq(users.status, 'invited'),
        gt(users.invite_expires_at, new Date()),
      ),
    )
    .get();
  if (!row) throw new NotFound('Invite (it may have expired or been used)');
  return row;
}

export const authRoutes = new Hono<AppEnv>()
  .post(
    '/register',
    describe('Create an account with its owner and sign in', ['auth'], {
      auth: false,
      description: 'Throttled per client IP (IPv6 per /64): past the hourly limit, 429 with Retry-After.',
    }),
    body(registerBody.extend({ delivery })),
    async (c) => {
      const input = c.req.valid('json');
      // The config guard refuses SIGNUP_LIMIT_PER_HOUR in production: only test servers loosen it.
      const limit = Number(c.env.SIGNUP_LIMIT_PER_HOUR) || undefined;
      await takeAttempt(controlDb(c.env), [{ kind: 'signup', value: clientOf(c) }], Date.now(), { signup: limit });
      const { user, account } = await registerAccount(c.env, input);
      const tokens = await startSession(c.env, controlDb(c.env), user, c.req.header('user-agent') ?? null);
      return created(c, {
        user: { id: user.id, email: user.email, name: user.name, role: user.role },
        account: { id: account.id, name: account.name, slug: account.slug },
        ...sessionResponse(c, tokens, input.delivery),
      });
    },
  )
  .post(
    '/login',
    describe('Sign in with email and password', ['auth'], {
      auth: false,
      description:
        'Throttled per email and client IP (growing delays after 5 failures), ' +
        'per email and per client IP (IPv6 per /64): 429 with Retry-After.',
    }),
    body(loginBody.extend({ delivery })),
    async (c) => {
      const { email, password, delivery: mode } = c.req.valid('json');
      const control = controlDb(c.env);
      const keys = loginKeys(email, clientOf(c));
      // Counted before the password is checked, so parallel guesses can't all slip through.
      await takeAttempt(control, keys);
      const user = await control.select().from(users).where(eq(users.email, email)).get();
      // Verify against a dummy hash for unknown emails so response time doesn't reveal who exists.
      const valid = await verifyPassword(password, user?.password_hash ?? (await dummyPasswordHash()));
      if (!user || !valid || user.status !== 'active') {
        await lockAfterFailure(control, keys[0]!);
        throw new Unauthorized('Email or password is incorrect.', 'invalid_credentials');
      }
      // Right password: this network starts afresh for this email; the email and network counters
      // only give back this attempt (an attacker's failures elsewhere still count).
      await clearAttempts(control, keys[0]!);
      await refundAttempt(control, keys.slice(1));
      const account = await control
        .select({ status: accounts.status })
        .from(accounts)
        .where(eq(accounts.id, user.account_id))
        .get();
      if (account?.status === 'suspended' || account?.status === 'cancelled') {
        throw new Forbidden(`This account is ${account.status}. Contact support.`, 'account_inactive');
      }
      await control.update(users).set({ last_login_at: new Date() }).where(eq(users.id, user.id));
      const tokens = await startSession(c.env, control, user, c.req.header('user-agent') ?? null);
      return ok(c, {
        user: { id: user.id, email: user.email, name: user.name, role: user.role, account_id: user.account_id },
        ...sessionResponse(c, tokens, mode),
      });
    },
  )
  .post(
    '/token/refresh',
    describe('Rotate the refresh token and get a new access token', ['auth'], {
      auth: false,
      description: 'Single use: presenting a spent refresh token revokes its whole session family.',
    }),
    body(refreshBody),
    async (c) => {
      const { token, viaCookie } = presentedRefreshToken(c, c.req.valid('json').refresh);
      try {
        const tokens = await rotateSession(c.env, controlDb(c.env), token);
        return ok(c, sessionResponse(c, tokens, viaCookie ? 'cookie' : 'body'));
      } catch (err) {
        if (viaCookie) clearRefreshCookie(c);
        throw err;
      }
    },
  )
  .post(
    '/logout',
    describe('Sign out: revoke this session family', ['auth'], { auth: false }),
    body(refreshBody),
    async (c) => {
      const fromBody = c.req.valid('json').refresh;
      const control = controlDb(c.env);
      let token: string | null = null;
      try {
        token = presentedRefreshToken(c, fromBody).token;
      } catch (err) {
        // Signing out without a session is not an error, but a foreign origin still is.
        if (!(err instanceof Unauthorized)) throw err;
      }
      if (token) {
        const family = await familyOf(control, token);
        if (family) await revokeFamily(control, family, 'logout');
      }
      clearRefreshCookie(c);
      return ok(c, { signed_out: true }, 200, 'Signed out.');
    },
  )
  .post(
    '/password/change',
    describe('Change password; signs out every other session', ['auth']),
    authenticate,
    tenantContext,
    body(passwordChangeBody.extend({ delivery })),
    async (c) => {
      const { current_password, new_password, delivery: mode } = c.req.valid('json');
      const control = controlDb(c.env);
      const me = c.get('tenant').user;
      // Guessing the current password here is throttled like signing in, counted before the check
      // (a stolen access token must not become an unlimited, or parallel, password oracle).
      const key: ThrottleKey = { kind: 'password', value: String(me.id) };
      await takeAttempt(control, [key]);
      const row = await control.select().from(users).where(eq(users.id, me.id)).get();
      if (!row || !(await verifyPassword(current_password, row.password_hash))) {
        await lockAfterFailure(control, key);
        throw new ValidationError({ current_password: ['Current password is incorrect.'] });
      }
      await clearAttempts(control, key);
      if (current_password === new_password)
        throw new ValidationError({ new_password: ['Choose a password you have not used here.'] });
      // One batch: the new hash, a new token version (every access token issued before dies at
      // once) and every refresh family signed out.
      const [[changed]] = await control.batch([
        control
          .update(users)
          .set({ password_hash: await hashPassword(new_password), token_version: sql`${users.token_version} + 1` })
          .where(eq(users.id, me.id))
          .returning({ token_version: users.token_version }),
        revokeFamiliesOfUser(control, me.id, 'password_changed'),
      ]);
      if (!changed) throw new Unauthorized('This user no longer exists or is disabled.', 'user_inactive');
      const tokens = await startSession(
        c.env,
        control,
        { ...row, token_version: changed.token_version },
        c.req.header('user-agent') ?? null,
      );
      return ok(c, sessionResponse(c, tokens, mode), 200, 'Password changed. Other sessions were signed out.');
    },
  )
  .get(
    '/me',
    describe('The signed-in user, account, plan, permissions and sites', ['auth']),
    authenticate,
    tenantContext,
    async (c) => {
      const tenant = c.get('tenant');
      const [account, sites] = await Promise.all([
        tenant.control
          .select({ account: accounts, plan: plans })
          .from(accounts)
          .innerJoin(plans, eq(plans.id, accounts.plan_id))
          .where(eq(accounts.id, tenant.account.id))
          .get(),
        accessibleSites(tenant),
      ]);
      const permissions = Object.fromEntries(
        (Object.keys(PERMISSIONS) as Permission[]).map((p) => [p, can(tenant.user.role, p)]),
      ) as Record<Permission, boolean>;
      return ok(c, {
        user: tenant.user,
        account: account && {
          id: account.account.id,
          name: account.account.name,
          slug: account.account.slug,
          status: account.account.status,
          plan: { id: account.plan.id, slug: account.plan.slug, name: account.plan.name },
        },
        permissions,
        sites,
      });
    },
  )
  .patch(
    '/me',
    describe('Change your own display name', ['auth']),
    authenticate,
    tenantContext,
    body(updateMeBody),
    async (c) => {
      const tenant = c.get('tenant');
      const name = c.req.valid('json').name;
      await tenant.control.update(users).set({ name }).where(eq(users.id, tenant.user.id));
      return ok(c, { ...tenant.user, name });
    },
  )
  .get('/invite/:token', describe('Who an invite link is for', ['auth'], { auth: false }), async (c) => {
    const { user, account } = await pendingInvite(c, inviteTokenParam(c));
    return ok(c, { email: user.email, name: user.name, role: user.role, account_name: account.name });
  })
  .post(
    '/invite/:token/accept',
    describe('Accept an invite: set name and password, then sign in', ['auth'], { auth: false }),
    body(acceptInviteBody.omit({ token: true }).extend({ delivery })),
    async (c) => {
      const input = c.req.valid('json');
      const { user } = await pendingInvite(c, inviteTokenParam(c));
      const control = controlDb(c.env);
      const accepted = await control
        .update(users)
        .set({
          name: input.name,
          password_hash: await hashPassword(input.password),
          status: 'active',
          invite_token_hash: null,
          invite_expires_at: null,
        })
        .where(and(eq(users.id, user.id), eq(users.status, 'invited'), isNull(users.password_hash)))
        .run();
      if (accepted.meta.changes !== 1) throw new NotFound('Invite (it may have expired or been used)');
      const tokens = await startSession(c.env, control, user, c.req.header('user-agent') ?? null);
      return ok(c, {
        user: { id: user.id, email: user.email, name: input.name, role: user.role, account_id: user.account_id },
        ...sessionResponse(c, tokens, input.delivery),
      });
    },
  );
