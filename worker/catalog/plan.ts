import { eq } from 'drizzle-orm';
import { plans } from '../../core/schema/control';
import type { Tenant } from '../middleware/tenant';

/** The plan of the tenant's account (limits: null means unlimited). */
export async function planOf(tenant: Tenant) {
  const plan = await tenant.control.select().from(plans).where(eq(plans.id, tenant.account.plan_id)).get();
  if (!plan) throw new Error(`Account ${tenant.account.id} has no plan row.`);
  return plan;
}

export const limitOf = (value: number | null) => value ?? Number.MAX_SAFE_INTEGER;
