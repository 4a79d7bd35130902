import { and, eq } from 'drizzle-orm';
import { accounts, shardDirectory, users } from '../../core/schema/control';
import { controlDb, isShardName, shardDb } from '../db/shards';
import { type Tenant, tenantFor } from '../db/tenant';
import type { Env } from '../env';

/** The system bot's identity (automation acts as it): user id 0 has no users row. */
export const SYSTEM_BOT_ID = 0;
const SYSTEM_BOT = { id: SYSTEM_BOT_ID, email: 'automation@system', name: 'Automation', role: 'system_bot' } as const;

/** Why a scheduled publish may no longer run as the user who scheduled it. */
export class ActorGone extends Error {}

/**
 * The tenant of the user who scheduled a publish, built when the schedule fires (there is no
 * request then): their role and site grants as they are NOW, so a user who was disabled, removed
 * or lost the site since cannot publish through an old schedule. Same reads as the request's
 * tenant context (worker/middleware/tenant.ts), without the request.
 *
 * User 0 is the system bot (spec13 "Actor: system_bot"): publishes an automation run scheduled fire
 * as it, on the account as it is now. It has no users row, so the account is read on its own. (The
 * same tenant as worker/automation/actor.ts builds; built here because automation imports the
 * publisher, so the publisher importing automation would make a folder cycle.)
 */
export async function tenantOfUser(env: Env, accountId: number, userId: number): Promise<Tenant> {
  const control = controlDb(env);
  const identity = await control
    .select({
      user: {
        id: users.id,
        email: users.email,
        name: users.name,
        role: users.role,
        status: users.status,
        account_id: users.account_id,
      },
      account: {
        id: accounts.id,
        name: accounts.name,
        slug: accounts.slug,
        status: accounts.status,
        plan_id: accounts.plan_id,
      },
      shard: shardDirectory.shard,
    })
    .from(accounts)
    .innerJoin(shardDirectory, eq(shardDirectory.account_id, accounts.id))
    .leftJoin(users, and(eq(users.id, userId), eq(users.account_id, accounts.id)))
    .where(eq(accounts.id, accountId))
    .get();
  const user = userId === SYSTEM_BOT_ID ? { ...SYSTEM_BOT, account_id: accountId } : identity?.user;
  if (!identity || (userId !== SYSTEM_BOT_ID && identity.user?.status !== 'active') || !user)
    throw new ActorGone('The user who scheduled it no longer exists or is disabled.');
  if (identity.account.status === 'suspended' || identity.account.status === 'cancelled')
    throw new ActorGone(`The account is ${identity.account.status}.`);
  if (!isShardName(identity.shard)) throw new Error(`Account ${accountId} has unknown shard ${identity.shard}`);
  return tenantFor(user, identity.account, identity.shard, shardDb(env, identity.shard), control);
}
