import { eq } from 'drizzle-orm';
import { plans } from '../../core/schema/control';
import { LimitReached } from '../http/errors';
import type { Tenant } from '../middleware/tenant';

/** The plan of the tenant's account (limits: null means unlimited). */
export async function planOf(tenant: Tenant) {
  const plan = await tenant.control.select().from(plans).where(eq(plans.id, tenant.account.plan_id)).get();
  if (!plan) throw new Error(`Account ${tenant.account.id} has no plan row.`);
  return plan;
}

export const limitOf = (value: number | null) => value ?? Number.MAX_SAFE_INTEGER;

/** The refusal of every write that would take the account past its plan's cluster limit. */
export const clusterLimitReached = (plan: { name: string; max_clusters: number | null }, field: string) =>
  new LimitReached(
    `Your plan (${plan.name}) allows ${plan.max_clusters} cluster${plan.max_clusters === 1 ? '' : 's'}. ` +
      'Delete some clusters or upgrade the plan.',
    field,
  );
