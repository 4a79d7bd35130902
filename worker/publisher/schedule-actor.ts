import { and, eq } from 'drizzle-orm';
import { accounts, shardDirectory, users } from '../../core/schema/control';
import { controlDb, isShardName, shardDb } from '../db/shards';
import { type Tenant, tenantFor } from '../db/tenant';
import type { Env } from '../env';

/** Why a scheduled publish may no longer run as the user who scheduled it. */
export class ActorGone extends Error {}

/**
 * The tenant of the user who scheduled a publish, built when the schedule fires (there is no
 * request then): their role and site grants as they are NOW, so a user who was disabled, removed
 * or lost the site since cannot publish through an old schedule. Same reads as the request's
 * tenant context (worker/middleware/tenant.ts), without the request.
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
    .from(users)
    .innerJoin(accounts, eq(accounts.id, users.account_id))
    .innerJoin(shardDirectory, eq(shardDirectory.account_id, users.account_id))
    .where(and(eq(users.id, userId), eq(users.account_id, accountId)))
    .get();
  if (identity?.user.status !== 'active')
    throw new ActorGone('The user who scheduled it no longer exists or is disabled.');
  if (identity.account.status === 'suspended' || identity.account.status === 'cancelled')
    throw new ActorGone(`The account is ${identity.account.status}.`);
  if (!isShardName(identity.shard)) throw new Error(`Account ${accountId} has unknown shard ${identity.shard}`);
  const { user, account } = identity;
  return tenantFor(user, account, identity.shard, shardDb(env, identity.shard), control);
}
