import { and, eq, inArray, sql } from 'drizzle-orm';
import { canManageUser } from '../../core/access';
import type { AssignableRole } from '../../core/domain/enums';
import { plans, users, type UserRow } from '../../core/schema/control';
import { siteUserAccess, sites } from '../../core/schema/shard';
import type { InviteUserBody, UpdateUserBody } from '../../core/validation/auth';
import { revokeFamiliesOfUser } from '../auth/sessions';
import { deleteUserStatement, insertInvitedUser, replaceInviteToken, updateUserStatement } from '../auth/user-records';
import { isUniqueViolation } from '../db/unique-violation';
import { BadRequest, Conflict, Forbidden, LimitReached, NotFound, ValidationError } from '../http/errors';
import { randomToken, sha256Hex } from '../lib/crypto';
import type { Tenant } from '../middleware/tenant';

export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** What the API shows of a user: never hashes. */
export function publicUser(u: UserRow) {
  return {
    id: u.id,
    account_id: u.account_id,
    email: u.email,
    name: u.name,
    role: u.role,
    status: u.status,
    last_login_at: u.last_login_at,
    created_at: u.created_at,
  };
}

/** A user of the tenant's account, or 404 (users of other accounts don't exist for you). */
export async function requireAccountUser(tenant: Tenant, userId: number) {
  const user = await tenant.control
    .select()
    .from(users)
    .where(and(eq(users.account_id, tenant.account.id), eq(users.id, userId)))
    .get();
  if (!user) throw new NotFound('User');
  return user;
}

async function assertSitesOfAccount(tenant: Tenant, siteIds: number[]) {
  if (!siteIds.length) return;
  const found = await tenant.db
    .select({ id: sites.id })
    .from(sites)
    .where(and(eq(sites.account_id, tenant.account.id), inArray(sites.id, siteIds), sql`${sites.deleted_at} IS NULL`))
    .all();
  const missing = siteIds.filter((id) => !found.some((f) => f.id === id));
  if (missing.length)
    throw new ValidationError({ site_ids: [`No site with id ${missing.join(', ')} in this account.`] });
}

/** The plan's user limit: every user who is not disabled counts (pending invites too). */
async function userLimitOf(tenant: Tenant) {
  const plan = await tenant.control.select().from(plans).where(eq(plans.id, tenant.account.plan_id)).get();
  return { plan, limit: plan?.max_users ?? Number.MAX_SAFE_INTEGER };
}

const userLimitMessage = (planName: string | undefined, limit: number) =>
  `Your plan (${planName}) allows ${limit} users. Remove or disable a user, or upgrade the plan.`;

/**
 * Invites a user: an `invited` row with a one-time token (stored hashed, valid 7 days) and,
 * for editors and viewers, the sites they may see. No mail is sent: the caller gets the link.
 * The plan's user limit is checked in the same INSERT statement as the insert.
 */
export async function inviteUser(tenant: Tenant, input: InviteUserBody & { email: string }) {
  if (!canManageUser(tenant.user.role, input.role))
    throw new Forbidden(`Your role (${tenant.user.role}) cannot add a ${input.role}.`);
  const siteIds = [...new Set(input.site_ids ?? [])];
  if (siteIds.length && input.role === 'admin') {
    throw new ValidationError({
      site_ids: ['Admins see every site of the account; grant sites to editors and viewers.'],
    });
  }
  await assertSitesOfAccount(tenant, siteIds);
  const { plan, limit } = await userLimitOf(tenant);
  const token = randomToken();
  const now = Date.now();
  let inserted: { id: number } | undefined;
  try {
    const invite = {
      accountId: tenant.account.id,
      email: input.email,
      name: input.name ?? '',
      role: input.role,
      inviteTokenHash: await sha256Hex(token),
      inviteExpiresAt: now + INVITE_TTL_MS,
      invitedByUserId: tenant.user.id,
    };
    inserted = await insertInvitedUser(tenant.control, invite, limit);
  } catch (err) {
    if (isUniqueViolation(err, 'users.email')) {
      throw new Conflict('This email already has an account here or elsewhere: it cannot be invited.', 'email_taken', {
        email: ['Already registered.'],
      });
    }
    throw err;
  }
  if (!inserted) throw new LimitReached(userLimitMessage(plan?.name, limit), 'email');
  if (siteIds.length) {
    await tenant.db
      .insert(siteUserAccess)
      .values(
        siteIds.map((site_id) => ({
          account_id: tenant.account.id,
          site_id,
          user_id: inserted!.id,
          granted_by_user_id: tenant.user.id,
        })),
      )
      .onConflictDoNothing();
  }
  const user = await requireAccountUser(tenant, inserted.id);
  return { user, token, expires_at: new Date(now + INVITE_TTL_MS), site_ids: siteIds };
}

/** A fresh invite link for a user who has not accepted yet (the old link stops working). */
export async function reissueInvite(tenant: Tenant, user: UserRow) {
  if (user.status !== 'invited')
    throw new BadRequest('This user has already accepted the invite.', 'invite_not_pending');
  if (!canManageUser(tenant.user.role, user.role)) throw new Forbidden();
  const token = randomToken();
  const expires = new Date(Date.now() + INVITE_TTL_MS);
  await replaceInviteToken(tenant.control, user.id, await sha256Hex(token), expires);
  return { token, expires_at: expires };
}

export async function updateUser(tenant: Tenant, target: UserRow, input: UpdateUserBody) {
  if (input.status === 'active' && target.status === 'invited') {
    throw new BadRequest(
      'This user has not accepted the invite yet: share the invite link (or issue a new one).',
      'invite_not_accepted',
    );
  }
  if (target.id === tenant.user.id && (input.role || input.status)) {
    throw new Forbidden('You cannot change your own role or status.', 'self_change');
  }
  // Your own name is yours to change (role and status are refused above), whatever your rank.
  const self = target.id === tenant.user.id;
  if (!self && !canManageUser(tenant.user.role, target.role))
    throw new Forbidden(`Your role (${tenant.user.role}) cannot change a ${target.role}.`);
  if (input.role && !canManageUser(tenant.user.role, input.role as AssignableRole))
    throw new Forbidden(`Your role cannot make someone ${input.role}.`);
  // Re-enabling a disabled user counts against the plan's user limit, checked in the same statement.
  const enabling = input.status !== undefined && input.status !== 'disabled' && target.status === 'disabled';
  const quota = enabling ? await userLimitOf(tenant) : null;
  // A new role or status outdates the user's access tokens at once (tenantContext compares the
  // version), in the same statement as the change itself.
  const outdatesTokens =
    (input.role !== undefined && input.role !== target.role) ||
    (input.status !== undefined && input.status !== target.status);
  const change = { name: input.name, role: input.role, status: input.status };
  const update = updateUserStatement(tenant.control, tenant.account.id, target.id, change, {
    outdatesTokens,
    seatLimit: quota?.limit,
  });
  // Disabled: signed out everywhere in the same batch.
  const [row] =
    input.status === 'disabled'
      ? (await tenant.control.batch([update, revokeFamiliesOfUser(tenant.control, target.id, 'user_removed')]))[0]
      : await update;
  if (!row && quota) throw new LimitReached(userLimitMessage(quota.plan?.name, quota.limit), 'status');
  // Promoted to admin: site grants no longer mean anything; keep the table honest.
  if (input.role === 'admin') {
    await tenant.db
      .delete(siteUserAccess)
      .where(and(eq(siteUserAccess.account_id, tenant.account.id), eq(siteUserAccess.user_id, target.id)));
  }
  return row!;
}

export async function removeUser(tenant: Tenant, target: UserRow) {
  if (target.id === tenant.user.id) throw new Forbidden('You cannot remove yourself.', 'self_change');
  if (!canManageUser(tenant.user.role, target.role))
    throw new Forbidden(`Your role (${tenant.user.role}) cannot remove a ${target.role}.`);
  // The row goes, so any access token of the user is refused (user_inactive); its sessions go with it.
  await tenant.control.batch([
    revokeFamiliesOfUser(tenant.control, target.id, 'user_removed'),
    deleteUserStatement(tenant.control, tenant.account.id, target.id),
  ]);
  await tenant.db
    .delete(siteUserAccess)
    .where(and(eq(siteUserAccess.account_id, tenant.account.id), eq(siteUserAccess.user_id, target.id)));
}
