/**
 * The `users` table is auth's (core/schema/owners.ts): sign-in, sessions and token versions all
 * read it, so every write goes through here — the team screen (worker/users) included. A plan's
 * user limit is checked inside the write itself (one statement: two invites racing for the last
 * seat cannot both pass). `…Statement` functions return the query unrun, for the caller's single
 * D1 batch (e.g. disabling a user and revoking their sessions together; DESIGN §7).
 */
import { and, eq, ne, sql } from 'drizzle-orm';
import type { Role } from '../../core/domain/enums';
import { users, type UserRow } from '../../core/schema/control';
import type { ControlDb } from '../db/shards';
import { forgetUsers } from '../middleware/identity-cache';

/** Users who take a seat under the plan's limit: everyone not disabled (pending invites too). */
const seatsTaken = (accountId: number) =>
  sql`(SELECT count(*) FROM users WHERE account_id = ${accountId} AND status != 'disabled')`;

export interface NewInvite {
  accountId: number;
  email: string;
  name: string;
  role: Role;
  inviteTokenHash: string;
  inviteExpiresAt: number;
  invitedByUserId: number;
}

/** Adds an `invited` user while the account has fewer than `seatLimit` seats taken; undefined when it is full. */
export async function insertInvitedUser(control: ControlDb, invite: NewInvite, seatLimit: number) {
  const now = Date.now();
  return control.get<{ id: number } | undefined>(sql`
    INSERT INTO users (account_id, email, name, role, status, invite_token_hash, invite_expires_at, invited_by_user_id,
                       created_at, updated_at)
    SELECT ${invite.accountId}, ${invite.email}, ${invite.name}, ${invite.role}, 'invited', ${invite.inviteTokenHash},
           ${invite.inviteExpiresAt}, ${invite.invitedByUserId}, ${now}, ${now}
    WHERE ${seatsTaken(invite.accountId)} < ${seatLimit}
    RETURNING id`);
}

/** A new invite link replaces the old one. */
export async function replaceInviteToken(control: ControlDb, userId: number, tokenHash: string, expiresAt: Date) {
  await control
    .update(users)
    .set({ invite_token_hash: tokenHash, invite_expires_at: expiresAt })
    .where(eq(users.id, userId));
}

export type UserChange = Partial<Pick<UserRow, 'name' | 'role' | 'status'>>;

/**
 * Changes a user of the account. `outdatesTokens`: the change (role, status) must refuse the user's
 * access tokens at once (tenantContext compares token_version), in the same statement.
 * `seatLimit`: the change takes a seat (re-enabling), allowed only while one is free.
 */
export function updateUserStatement(
  control: ControlDb,
  accountId: number,
  userId: number,
  change: UserChange,
  options: { outdatesTokens: boolean; seatLimit?: number },
) {
  // Built right before it runs: this isolate's cached identity of the user goes now, and stays out
  // until the change has surely committed (worker/middleware/identity-cache.ts).
  forgetUsers([userId]);
  const set = options.outdatesTokens ? { ...change, token_version: sql`${users.token_version} + 1` } : change;
  const seatFree = options.seatLimit === undefined ? undefined : sql`${seatsTaken(accountId)} < ${options.seatLimit}`;
  return control
    .update(users)
    .set(set)
    .where(and(eq(users.account_id, accountId), eq(users.id, userId), seatFree))
    .returning();
}

/** Removes a user of the account (never its owner). */
export function deleteUserStatement(control: ControlDb, accountId: number, userId: number) {
  forgetUsers([userId]); // as in updateUserStatement
  return control
    .delete(users)
    .where(and(eq(users.account_id, accountId), eq(users.id, userId), ne(users.role, 'owner')));
}
