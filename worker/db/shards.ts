import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';
import { eq } from 'drizzle-orm';
import { shardDirectory } from '../../core/schema/control';

/**
 * The D1 bindings this module reads (a slice of worker/env.ts's Env, declared here so the
 * platform's database layer does not import the app's environment type).
 */
type Env = { DB_CONTROL: D1Database; SHARD_COUNT?: string } & Record<ShardName, D1Database>;

/**
 * The one place an account becomes a D1 binding. Accounts are placed on a shard at signup and the
 * placement is recorded in the control database's shard_directory (a directory, not a hash, so a
 * tenant can be moved later by copying its rows and updating one directory row).
 *
 * Workers cannot bind databases dynamically, so the pool is a fixed set of bindings (wrangler.toml).
 */
export const SHARD_BINDINGS = ['DB_SHARD_0', 'DB_SHARD_1', 'DB_SHARD_2', 'DB_SHARD_3'] as const;
export type ShardName = (typeof SHARD_BINDINGS)[number];

export type ControlDb = DrizzleD1Database<Record<string, never>> & { $client: D1Database };
export type ShardDb = DrizzleD1Database<Record<string, never>> & { $client: D1Database };

export function isShardName(name: string): name is ShardName {
  return (SHARD_BINDINGS as readonly string[]).includes(name);
}

export function controlDb(env: Env): ControlDb {
  return drizzle(env.DB_CONTROL);
}

export function shardDb(env: Env, shard: ShardName): ShardDb {
  return drizzle(env[shard]);
}

/** Where a new account goes: spread by a hash of its slug over the configured pool. */
export function placeNewAccount(env: Env, slug: string): ShardName {
  const count = Math.min(Math.max(Number(env.SHARD_COUNT) || SHARD_BINDINGS.length, 1), SHARD_BINDINGS.length);
  let h = 2166136261;
  for (let i = 0; i < slug.length; i++) h = Math.imul(h ^ slug.charCodeAt(i), 16777619);
  return SHARD_BINDINGS[(h >>> 0) % count]!;
}

/** The shard that holds an account, from the directory (null: no such account). */
export async function shardOfAccount(env: Env, accountId: number): Promise<ShardName | null> {
  const row = await controlDb(env)
    .select({ shard: shardDirectory.shard })
    .from(shardDirectory)
    .where(eq(shardDirectory.account_id, accountId))
    .get();
  if (!row) return null;
  if (!isShardName(row.shard)) throw new Error(`Account ${accountId} points at unknown shard ${row.shard}.`);
  return row.shard;
}
