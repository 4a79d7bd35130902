import { Hono, type Context } from 'hono';
import { and, eq } from 'drizzle-orm';
import { canManageUser } from '../../core/access';
import { users } from '../../core/schema/control';
import { passwordResetConfirmBody, passwordResetLinkBody, passwordResetRequestBody } from '../../core/validation/auth';
import { controlDb } from '../db/shards';
import type { AppEnv } from '../env';
import { BadRequest, Forbidden, NotFound } from '../http/errors';
import { ok } from '../http/respond';
import { body, describe } from '../http/validate';
import { mailConfigured } from '../lib/mail';
import { authenticate } from '../middleware/authenticate';
import { requirePermission, tenantContext } from '../middleware/tenant';
import { clientKey } from './client-ip';
import { confirmReset, createResetLink, mailResetLink, resetUrl, takeResetRequest } from './password-reset';

/**
 * The app's own origin for links: APP_HOSTNAME when set, so a forged Host header can't make a
 * mailed link point at someone else's site (reset-link poisoning); the request's origin in dev.
 */
const appOrigin = (c: Context<AppEnv>) =>
  c.env.APP_HOSTNAME ? `https://${c.env.APP_HOSTNAME}` : new URL(c.req.url).origin;

const MAILED =
  'If an account uses this email, a link to set a new password is on its way. It works once, for one hour.';
const NO_MAIL =
  'This workspace has no mail set up: ask an owner or admin of your team for a reset link (Settings → Team).';

/** Forgot password and reset links: mounted at /v1/auth/password-reset; guards per route (public and team routes). */
export const passwordResetRoutes = new Hono<AppEnv>()
  .post(
    '/',
    describe('Forgot password: mail a one-time reset link', ['auth'], {
      auth: false,
      description: 'Always 202 with the same answer whatever the email (no account enumeration).',
    }),
    body(passwordResetRequestBody),
    async (c) => {
      const { email } = c.req.valid('json');
      const control = controlDb(c.env);
      const mail = mailConfigured(c.env);
      const mayMail = await takeResetRequest(control, clientKey(c.req.header('cf-connecting-ip')), email);
      if (mail && mayMail) {
        const user = await control
          .select({ id: users.id, account_id: users.account_id, email: users.email })
          .from(users)
          .where(and(eq(users.email, email), eq(users.status, 'active')))
          .get();
        if (user) {
          const { token } = await createResetLink(control, user, 'self', null);
          // Sent after the answer, so how long it takes can't tell whether the account exists.
          c.executionCtx.waitUntil(
            mailResetLink(c.env, user.email, resetUrl(appOrigin(c), token)).catch((err) =>
              console.error('password reset mail failed', String(err)),
            ),
          );
        }
      }
      return ok(c, { mail }, 202, mail ? MAILED : NO_MAIL);
    },
  )
  .post(
    '/link',
    describe('Make a one-time reset link for a teammate (shown once)', ['auth', 'users']),
    authenticate,
    tenantContext,
    requirePermission('users:manage'),
    body(passwordResetLinkBody),
    async (c) => {
      const tenant = c.get('tenant');
      const target = await tenant.control
        .select()
        .from(users)
        .where(and(eq(users.account_id, tenant.account.id), eq(users.id, c.req.valid('json').user_id)))
        .get();
      if (!target) throw new NotFound('User');
      if (!canManageUser(tenant.user.role, target.role)) throw new Forbidden();
      if (target.status !== 'active')
        throw new BadRequest('Only active users can reset a password (resend the invite instead).', 'user_not_active');
      const { token, expires_at } = await createResetLink(tenant.control, target, 'admin', tenant.user.id);
      return ok(c, { url: resetUrl(appOrigin(c), token), expires_at }, 201, 'Reset link created: it is shown once.');
    },
  )
  .post(
    '/confirm',
    describe('Set a new password with a reset link; signs out every session', ['auth'], { auth: false }),
    body(passwordResetConfirmBody),
    async (c) => {
      const { token, password } = c.req.valid('json');
      const { email } = await confirmReset(controlDb(c.env), token, password);
      return ok(c, { email }, 200, 'Password changed. Sign in with the new password.');
    },
  );
