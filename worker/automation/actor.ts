import { eq } from 'drizzle-orm';
import { accounts, shardDirectory } from '../../core/schema/control';
import { controlDb, isShardName, shardDb } from '../db/shards';
import { type Tenant, tenantFor } from '../db/tenant';
import type { Env } from '../env';

/** The account can't run automation any more (suspended, cancelled, gone). */
export class AccountInactive extends Error {}

/** The system bot's user: automation acts as it, never as the rule's creator (spec: "Actor: system_bot"). */
export const SYSTEM_BOT = { id: 0, email: 'automation@system', name: 'Automation', role: 'system_bot' } as const;

/**
 * The tenant automation runs as: the system bot on one account, built from the control DB's account
 * row and shard as they are NOW (a suspended or cancelled account runs nothing). There is no request:
 * the stages, the scheduled publishes a run makes and the event rules all use this.
 */
export async function systemBotTenant(env: Env, accountId: number): Promise<Tenant> {
  const control = controlDb(env);
  const row = await control
    .select({
      id: accounts.id,
      name: accounts.name,
      slug: accounts.slug,
      status: accounts.status,
      plan_id: accounts.plan_id,
      shard: shardDirectory.shard,
    })
    .from(accounts)
    .innerJoin(shardDirectory, eq(shardDirectory.account_id, accounts.id))
    .where(eq(accounts.id, accountId))
    .get();
  if (!row) throw new AccountInactive(`Account ${accountId} no longer exists.`);
  if (row.status === 'suspended' || row.status === 'cancelled')
    throw new AccountInactive(`The account is ${row.status}.`);
  if (!isShardName(row.shard)) throw new Error(`Account ${accountId} has unknown shard ${row.shard}`);
  const { shard, ...account } = row;
  return tenantFor({ ...SYSTEM_BOT, account_id: accountId }, account, shard, shardDb(env, shard), control);
}
