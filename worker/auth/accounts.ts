import { and, eq, type SQL, sql } from 'drizzle-orm';
import { accounts, plans, shardDirectory, subscriptions, users } from '../../core/schema/control';
import { grantCredits } from '../billing/ledger';
import { slugify } from '../../core/validation/common';
import { controlDb, placeNewAccount, shardDb, type ControlDb } from '../db/shards';
import { isUniqueViolation } from '../db/unique-violation';
import type { Env } from '../env';
import { Conflict } from '../http/errors';
import { randomToken } from '../lib/crypto';
import { hashPassword } from './passwords';
import { PERIOD_MS } from './subscriptions';

export interface NewAccount {
  email: string;
  password: string;
  name: string;
  account_name: string;
}

/**
 * Signup: account, owner, subscription to the default plan and shard placement in ONE control
 * batch (all or nothing), then the account's credit balance on its shard. The shard write is
 * idempotent (fixed keys), and if it fails the control rows are removed again, so no account is
 * left without a balance.
 */
export async function registerAccount(env: Env, input: NewAccount) {
  const control = controlDb(env);
  const taken = await control.select({ id: users.id }).from(users).where(eq(users.email, input.email)).get();
  if (taken)
    throw new Conflict('An account with this email already exists. Sign in instead.', 'email_taken', {
      email: ['Already registered.'],
    });

  const plan = await control.select().from(plans).where(eq(plans.is_default, true)).get();
  if (!plan) throw new Error('No default plan: the control database has not been migrated.');

  const slug = `${slugify(input.account_name).slice(0, 48)}-${randomToken(4)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 5)}`;
  const shard = placeNewAccount(env, slug);
  const passwordHash = await hashPassword(input.password);
  const now = new Date();
  const accountIdOfSlug = sql<number>`(SELECT id FROM accounts WHERE slug = ${slug})`;

  try {
    await control.batch([
      control.insert(accounts).values({ name: input.account_name, slug, plan_id: plan.id, status: 'active' }),
      control.insert(users).values({
        account_id: accountIdOfSlug,
        email: input.email,
        name: input.name,
        role: 'owner',
        status: 'active',
        password_hash: passwordHash,
      }),
      control
        .update(accounts)
        .set({ owner_user_id: sql`(SELECT id FROM users WHERE email = ${input.email})` })
        .where(eq(accounts.slug, slug)),
      control.insert(subscriptions).values({
        account_id: accountIdOfSlug,
        plan_id: plan.id,
        status: 'active',
        current_period_start: now,
        current_period_end: new Date(now.getTime() + PERIOD_MS),
      }),
      control.insert(shardDirectory).values({ account_id: accountIdOfSlug, shard }),
    ]);
  } catch (err) {
    if (isUniqueViolation(err, 'users.email')) {
      throw new Conflict('An account with this email already exists. Sign in instead.', 'email_taken', {
        email: ['Already registered.'],
      });
    }
    throw err;
  }

  const created = await control
    .select({ user: users, account: accounts })
    .from(users)
    .innerJoin(accounts, eq(accounts.id, users.account_id))
    .where(eq(users.email, input.email))
    .get();
  if (!created) throw new Error('Signup rows vanished after the batch.');

  try {
    await initialiseCredits(env, shard, created.account.id, plan.included_credits);
  } catch (err) {
    await control.batch([
      control.delete(shardDirectory).where(eq(shardDirectory.account_id, created.account.id)),
      control.delete(subscriptions).where(eq(subscriptions.account_id, created.account.id)),
      control.delete(users).where(eq(users.account_id, created.account.id)),
      control.delete(accounts).where(eq(accounts.id, created.account.id)),
    ]);
    throw err;
  }
  return created;
}

/**
 * Creates the balance row with the plan's included credits; safe to run twice. This is the first
 * period's grant: the cron's renewal grants from the second period on (./plan-renewal.ts).
 */
export async function initialiseCredits(
  env: Env,
  shard: ReturnType<typeof placeNewAccount>,
  accountId: number,
  credits: number,
) {
  await grantCredits(shardDb(env, shard), {
    accountId,
    amount: credits,
    key: 'signup:grant',
    type: 'grant',
    description: 'Credits included with the plan at signup',
  });
}

/** Renames the account (the account screen's only change to its row). */
export async function renameAccount(control: ControlDb, accountId: number, name: string) {
  const [row] = await control.update(accounts).set({ name }).where(eq(accounts.id, accountId)).returning();
  return row;
}

/**
 * The directory half of an account move's switch (worker/admin/move), for the move's one control batch:
 * the account now lives on `to`. Guarded by `from`, so a switch replayed after it landed changes nothing.
 */
export function moveShardStatement(control: ControlDb, accountId: number, from: string, to: string, onlyIf?: SQL) {
  return control
    .update(shardDirectory)
    .set({ shard: to, moved_at: new Date() })
    .where(and(eq(shardDirectory.account_id, accountId), eq(shardDirectory.shard, from), onlyIf));
}
