import { asc, count, eq, ne } from 'drizzle-orm';
import type { PlanBody, PlanPatch } from '../../core/validation/admin';
import { accounts, plans, type PlanRow } from '../../core/schema/control';
import { runBatch, type Statement } from '../db/batch';
import type { ControlDb } from '../db/shards';
import { isUniqueViolation } from '../db/unique-violation';
import { BadRequest, Conflict, NotFound } from '../http/errors';

/**
 * The plans editor's service (the developer console). worker/catalog owns `plans`; the console hands in
 * its audit row as `extra`, so the change and its record land in ONE control batch (DESIGN §7: no
 * interactive transactions, so "together" means one batch()).
 */

/** Every plan (active or not) with how many accounts are on it. */
export async function listPlans(control: ControlDb) {
  const [rows, onPlan] = await control.batch([
    control.select().from(plans).orderBy(asc(plans.price_cents), asc(plans.id)),
    control.select({ plan_id: accounts.plan_id, n: count() }).from(accounts).groupBy(accounts.plan_id),
  ]);
  const counts = new Map(onPlan.map((r) => [r.plan_id, r.n]));
  return rows.map((p) => ({ ...p, accounts: counts.get(p.id) ?? 0 }));
}

async function planById(control: ControlDb, id: number) {
  const row = await control.select().from(plans).where(eq(plans.id, id)).get();
  if (!row) throw new NotFound('Plan');
  return row;
}

const slugTaken = () => new Conflict('Another plan has this slug.', 'slug_taken', { slug: ['Already used.'] });

/** A default plan is what signup gives: it has to be active. */
function checkDefaultIsActive(next: Pick<PlanRow, 'is_default' | 'is_active'>) {
  if (next.is_default && !next.is_active) {
    throw new BadRequest('The default plan must be active.', 'validation_error', {
      is_active: ['The default plan (the one new accounts get) must be active.'],
    });
  }
}

async function runPlanBatch(control: ControlDb, statements: Statement[]) {
  try {
    await runBatch(control, statements);
  } catch (err) {
    if (isUniqueViolation(err, 'plans.slug')) throw slugTaken();
    throw err;
  }
}

/** Clears the default flag from every plan but `slug` (in the batch that sets it, so there is always exactly one). */
const clearOtherDefaults = (control: ControlDb, slug: string) =>
  control.update(plans).set({ is_default: false }).where(ne(plans.slug, slug));

export async function createPlan(control: ControlDb, input: PlanBody, extra: Statement[] = []) {
  checkDefaultIsActive(input);
  await runPlanBatch(control, [
    control.insert(plans).values(input),
    ...(input.is_default ? [clearOtherDefaults(control, input.slug)] : []),
    ...extra,
  ]);
  return (await control.select().from(plans).where(eq(plans.slug, input.slug)).get())!;
}

/**
 * Changes a plan. Deactivating one that accounts are on needs `force` (409 plan_in_use otherwise: they keep
 * it, but nobody can choose it); the default can't be unset directly (make another plan the default).
 */
export async function updatePlan(
  control: ControlDb,
  id: number,
  patch: PlanPatch,
  options: { force: boolean },
  extra: Statement[] = [],
) {
  const before = await planById(control, id);
  const next = { ...before, ...patch };
  checkDefaultIsActive(next);
  if (before.is_default && patch.is_default === false) {
    throw new BadRequest('Make another plan the default instead.', 'validation_error', {
      is_default: ['There must be one default plan: choose another one as the default.'],
    });
  }
  if (before.is_active && patch.is_active === false && !options.force) {
    const onIt = await control.select({ n: count() }).from(accounts).where(eq(accounts.plan_id, id)).get();
    if ((onIt?.n ?? 0) > 0) {
      throw new Conflict(
        `${onIt!.n} account(s) are on this plan. Move them first, or deactivate with ?force=true (they keep it).`,
        'plan_in_use',
      );
    }
  }
  await runPlanBatch(control, [
    control.update(plans).set(patch).where(eq(plans.id, id)),
    ...(patch.is_default ? [clearOtherDefaults(control, next.slug)] : []),
    ...extra,
  ]);
  return { before, after: await planById(control, id) };
}

/** Whether a plan exists and may be given to an account (an inactive one may not). */
export async function assignablePlan(control: ControlDb, id: number) {
  const row = await control.select().from(plans).where(eq(plans.id, id)).get();
  if (!row) throw new BadRequest('No such plan.', 'validation_error', { plan_id: ['No such plan.'] });
  if (!row.is_active) throw new BadRequest('That plan is inactive.', 'validation_error', { plan_id: ['Inactive.'] });
  return row;
}
