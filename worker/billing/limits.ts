import { and, count, eq, isNull, ne, sql } from 'drizzle-orm';
import { accounts, plans, users } from '../../core/schema/control';
import { sites } from '../../core/schema/shard';
import type { Tenant } from '../middleware/tenant';

/**
 * The plan's limits next to what the account uses of each ("12 of 50 clusters"), counted the way
 * the limits are enforced: sites not deleted, users not disabled, every keyword and cluster of the
 * account (worker/planner counts them inside its INSERTs).
 */
export async function planLimits(tenant: Tenant) {
  const a = tenant.account.id;
  const [row, userCount, siteCount, planner] = await Promise.all([
    tenant.control
      .select({ plan: plans })
      .from(accounts)
      .innerJoin(plans, eq(plans.id, accounts.plan_id))
      .where(eq(accounts.id, a))
      .get(),
    tenant.control
      .select({ n: count() })
      .from(users)
      .where(and(eq(users.account_id, a), ne(users.status, 'disabled')))
      .get(),
    tenant.db
      .select({ n: count() })
      .from(sites)
      .where(and(eq(sites.account_id, a), isNull(sites.deleted_at)))
      .get(),
    tenant.db.get<{ keywords: number; clusters: number }>(sql`
      SELECT (SELECT count(*) FROM keywords WHERE account_id = ${a}) AS keywords,
             (SELECT count(*) FROM clusters WHERE account_id = ${a}) AS clusters`),
  ]);
  const plan = row!.plan;
  return {
    plan: { id: plan.id, name: plan.name, price_cents: plan.price_cents, included_credits: plan.included_credits },
    limits: {
      sites: { used: siteCount?.n ?? 0, limit: plan.max_sites },
      users: { used: userCount?.n ?? 0, limit: plan.max_users },
      keywords: { used: planner?.keywords ?? 0, limit: plan.max_keywords },
      clusters: { used: planner?.clusters ?? 0, limit: plan.max_clusters },
    },
  };
}
