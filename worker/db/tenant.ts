import type { Permission } from '../../core/access';
import type { Role } from '../../core/domain/enums';
import type { ControlDb, ShardDb, ShardName } from './shards';

/**
 * Who is asking and where their data lives: built once per request by the tenant middleware
 * (worker/middleware/tenant.ts) and the only way a route reaches its account's shard.
 */
export interface TenantUser {
  id: number;
  email: string;
  name: string;
  role: Role;
  account_id: number;
}

export interface TenantAccount {
  id: number;
  name: string;
  slug: string;
  status: string;
  plan_id: number;
}

/**
 * Who is asking and which account's data they act on: the request's tenant context
 * (the seed's AccountContextMiddleware). `db` is the account's shard; every query through it
 * must still filter by `account.id` (defence in depth).
 */
export interface Tenant {
  user: TenantUser;
  account: TenantAccount;
  shard: ShardName;
  db: ShardDb;
  control: ControlDb;
  can(permission: Permission): boolean;
  /** 'all' for roles that see every site of the account; else the ids granted to this user. */
  accessibleSiteIds(): Promise<'all' | number[]>;
}
