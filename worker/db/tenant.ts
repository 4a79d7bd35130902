import { and, eq } from 'drizzle-orm';
import { can, type Permission, siteAccessOf } from '../../core/access';
import type { Role } from '../../core/domain/enums';
import { siteUserAccess } from '../../core/schema/shard';
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

/**
 * A tenant from a user and the account they act on: the request's (worker/middleware/tenant.ts)
 * and a scheduled job's (worker/publisher/schedule-actor.ts). The site grants are read once, on
 * first use, so a request that never asks never pays for them.
 */
export function tenantFor(
  user: TenantUser,
  account: TenantAccount,
  shard: ShardName,
  db: ShardDb,
  control: ControlDb,
): Tenant {
  let granted: Promise<'all' | number[]> | undefined;
  return {
    user: { id: user.id, email: user.email, name: user.name, role: user.role, account_id: user.account_id },
    account: {
      id: account.id,
      name: account.name,
      slug: account.slug,
      status: account.status,
      plan_id: account.plan_id,
    },
    shard,
    db,
    control,
    can: (permission) => can(user.role, permission),
    accessibleSiteIds: () =>
      (granted ??=
        siteAccessOf(user.role) === 'all'
          ? Promise.resolve('all' as const)
          : db
              .select({ site_id: siteUserAccess.site_id })
              .from(siteUserAccess)
              .where(and(eq(siteUserAccess.account_id, account.id), eq(siteUserAccess.user_id, user.id)))
              .all()
              .then((rows) => rows.map((r) => r.site_id))),
  };
}
