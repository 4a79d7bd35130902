import { and, eq, inArray, sql } from 'drizzle-orm';
import { accounts, subscriptions, users } from '../../core/schema/control';
import type { ACCOUNT_STATUSES } from '../../core/domain/enums';
import type { Statement } from '../db/batch';
import type { ControlDb } from '../db/shards';
import { forgetUsers } from '../middleware/identity-cache';

/**
 * The developer console's changes to an account (worker/auth owns accounts and subscriptions): returned
 * as statements, so the console puts them in one control batch with its audit row.
 */
export function accountChangeStatements(
  control: ControlDb,
  accountId: number,
  change: { status?: (typeof ACCOUNT_STATUSES)[number]; plan_id?: number },
) {
  const statements: Statement[] = [
    control
      .update(accounts)
      .set({ ...change, updated_at: new Date() })
      .where(eq(accounts.id, accountId)),
  ];
  if (change.plan_id !== undefined) {
    // The live subscription follows the plan (the billing period is kept: a plan change is not a renewal).
    statements.push(
      control
        .update(subscriptions)
        .set({ plan_id: change.plan_id, updated_at: new Date() })
        .where(and(eq(subscriptions.account_id, accountId), inArray(subscriptions.status, ['active', 'trialing']))),
    );
  }
  return statements;
}

/**
 * Keeps the account's users out of this isolate's identity cache before a status or plan change commits
 * (worker/middleware/identity-cache.ts: a read racing the write can't put the old row back), so a suspension
 * takes effect at once for reads too, not after the cache's few seconds.
 */
export async function forgetAccountUsers(control: ControlDb, accountId: number) {
  const rows = await control.select({ id: users.id }).from(users).where(eq(users.account_id, accountId)).all();
  forgetUsers(rows.map((r) => r.id));
}

/**
 * Test servers only (TEST_ROUTES, worker/admin/test-routes.ts): makes a signed-up user a developer, as
 * tests/api/system-roles.test.ts does straight in the database. The token version moves on, so the user
 * signs in again to get a token with the new role.
 */
export async function promoteToDeveloper(control: ControlDb, email: string) {
  const [row] = await control
    .update(users)
    .set({ role: 'developer', token_version: sql`${users.token_version} + 1`, updated_at: new Date() })
    .where(eq(users.email, email))
    .returning({ id: users.id, account_id: users.account_id, email: users.email, role: users.role });
  if (row) forgetUsers([row.id]);
  return row ?? null;
}
