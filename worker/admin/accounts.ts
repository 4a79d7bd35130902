import { and, count, desc, eq, inArray, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { accounts, plans, shardDirectory, subscriptions, users } from '../../core/schema/control';
import { creditBalances, creditTransactions } from '../../core/schema/shard';
import type { AdminAccountPatch, CreditAdjustmentBody } from '../../core/validation/admin';
import type { z } from 'zod';
import type { adminAccountsQuery } from '../../core/validation/admin';
import { accountChangeStatements, forgetAccountUsers } from '../auth/admin-accounts';
import { balanceOf, grantCredits } from '../billing/ledger';
import { assignablePlan } from '../catalog/plans';
import { runBatch } from '../db/batch';
import { controlDb, isShardName, shardDb, type ShardName } from '../db/shards';
import type { Env } from '../env';
import { Conflict, NotFound } from '../http/errors';
import { forgetAccount } from '../middleware/identity-cache';
import { auditStatement, type AuditEntry } from './audit';
import { auditStatementWhen, notAuditedYet } from './conditional-audit';

/** Who made an admin change, from which request: the audit row's common part. */
export type Actor = Pick<AuditEntry, 'actorUserId' | 'actorAccountId' | 'method' | 'path' | 'requestId'>;

const likePattern = (term: string) => `%${term.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
const owner = alias(users, 'owner');

/** One page of accounts (newest first) with plan, shard, owner, user count and balance (one query per shard). */
export async function listAccounts(env: Env, q: z.output<typeof adminAccountsQuery>) {
  const control = controlDb(env);
  const pattern = q.search ? likePattern(q.search) : undefined;
  const where = and(
    q.status ? eq(accounts.status, q.status) : undefined,
    pattern
      ? or(
          sql`${accounts.name} LIKE ${pattern} ESCAPE '\\'`,
          sql`${accounts.slug} LIKE ${pattern} ESCAPE '\\'`,
          sql`${owner.email} LIKE ${pattern} ESCAPE '\\'`,
        )
      : undefined,
  );
  // Two plain queries, not a batch: drizzle's D1 batch maps rows by column name, and the owner alias's
  // columns would collide with the account's.
  const [rows, totals] = await Promise.all([
    control
      .select({
        id: accounts.id,
        name: accounts.name,
        slug: accounts.slug,
        status: accounts.status,
        created_at: accounts.created_at,
        plan_id: accounts.plan_id,
        plan_name: plans.name,
        shard: shardDirectory.shard,
        owner_email: owner.email,
        users: sql<number>`(SELECT count(*) FROM users u
                            WHERE u.account_id = ${accounts.id} AND u.status != 'disabled')`,
      })
      .from(accounts)
      .leftJoin(plans, eq(plans.id, accounts.plan_id))
      .leftJoin(shardDirectory, eq(shardDirectory.account_id, accounts.id))
      .leftJoin(owner, eq(owner.id, accounts.owner_user_id))
      .where(where)
      .orderBy(desc(accounts.id))
      .limit(q.page_size)
      .offset((q.page - 1) * q.page_size)
      .all(),
    control
      .select({ n: count() })
      .from(accounts)
      .leftJoin(owner, eq(owner.id, accounts.owner_user_id))
      .where(where)
      .all(),
  ]);
  const balances = await balancesOf(env, rows);
  return {
    rows: rows.map((r) => ({
      ...r,
      balance: balances.get(r.id)?.balance ?? 0,
      reserved: balances.get(r.id)?.reserved ?? 0,
    })),
    count: totals[0]?.n ?? 0,
  };
}

/** Balances of a page of accounts: one query per shard they live on, in parallel. */
async function balancesOf(env: Env, rows: { id: number; shard: string | null }[]) {
  const byShard = new Map<ShardName, number[]>();
  for (const r of rows)
    if (r.shard && isShardName(r.shard)) byShard.set(r.shard, [...(byShard.get(r.shard) ?? []), r.id]);
  const found = await Promise.all(
    [...byShard].map(([shard, ids]) =>
      shardDb(env, shard).select().from(creditBalances).where(inArray(creditBalances.account_id, ids)).all(),
    ),
  );
  return new Map(found.flat().map((b) => [b.account_id, b]));
}

async function accountRow(env: Env, accountId: number) {
  const row = await controlDb(env)
    .select({ account: accounts, plan: plans, shard: shardDirectory.shard })
    .from(accounts)
    .leftJoin(plans, eq(plans.id, accounts.plan_id))
    .leftJoin(shardDirectory, eq(shardDirectory.account_id, accounts.id))
    .where(eq(accounts.id, accountId))
    .get();
  if (!row) throw new NotFound('Account');
  return row;
}

function shardOf(row: { shard: string | null }, accountId: number): ShardName {
  if (!row.shard || !isShardName(row.shard)) throw new Error(`Account ${accountId} has no known shard.`);
  return row.shard;
}

/** One account: its users, plan, subscription period, balance and reserve, and the last 10 ledger rows. */
export async function accountDetail(env: Env, accountId: number) {
  const row = await accountRow(env, accountId);
  const control = controlDb(env);
  const db = shardDb(env, shardOf(row, accountId));
  const [members, subscription, balance, transactions] = await Promise.all([
    control
      .select({
        id: users.id,
        email: users.email,
        name: users.name,
        role: users.role,
        status: users.status,
        last_login_at: users.last_login_at,
      })
      .from(users)
      .where(eq(users.account_id, accountId))
      .orderBy(users.id)
      .all(),
    control
      .select()
      .from(subscriptions)
      .where(eq(subscriptions.account_id, accountId))
      .orderBy(desc(subscriptions.id))
      .get(),
    balanceOf(db, accountId),
    db
      .select()
      .from(creditTransactions)
      .where(eq(creditTransactions.account_id, accountId))
      .orderBy(desc(creditTransactions.created_at), desc(creditTransactions.id))
      .limit(10)
      .all(),
  ]);
  return {
    ...row.account,
    plan: row.plan,
    shard: row.shard,
    users: members,
    subscription: subscription ?? null,
    ...balance,
    transactions,
  };
}

/**
 * Changes an account's status or plan with its audit row in ONE control batch. The account's users are
 * kept out of the identity cache first and forgotten again after, so a suspension stops the account's
 * next request at once (tenantContext answers 403 account_inactive).
 */
export async function changeAccount(env: Env, accountId: number, patch: AdminAccountPatch, actor: Actor) {
  const before = (await accountRow(env, accountId)).account;
  if (patch.plan_id !== undefined && patch.plan_id !== before.plan_id)
    await assignablePlan(controlDb(env), patch.plan_id);
  const control = controlDb(env);
  await forgetAccountUsers(control, accountId);
  await runBatch(control, [
    ...accountChangeStatements(control, accountId, patch),
    auditStatement(control, {
      ...actor,
      targetAccountId: accountId,
      action: patch.status !== undefined && patch.status !== before.status ? 'account.status' : 'account.update',
      detail: { before: { status: before.status, plan_id: before.plan_id }, after: patch },
    }),
  ]);
  forgetAccount(accountId);
  return accountDetail(env, accountId);
}

/**
 * A developer's credit adjustment, through the ledger's own grant (the movement `/billing/adjust` makes,
 * same `adjust:` key space, so one idempotency key moves credits once whichever door it came through).
 * The ledger lives in the account's shard and the audit log in the control database: no batch spans both,
 * so the audit row follows the movement, written only if no row for this key exists yet — a retry or a
 * doubled submit leaves one movement and one audit row. A removal beyond the balance moves nothing: 409.
 */
export async function adjustCredits(env: Env, accountId: number, input: CreditAdjustmentBody, actor: Actor) {
  const row = await accountRow(env, accountId);
  const db = shardDb(env, shardOf(row, accountId));
  const key = `adjust:${input.idempotency_key}`;
  await grantCredits(db, { accountId, amount: input.amount, key, type: 'adjustment', description: input.reason });
  const movement = await db
    .select()
    .from(creditTransactions)
    .where(and(eq(creditTransactions.account_id, accountId), eq(creditTransactions.idempotency_key, key)))
    .get();
  const balance = await balanceOf(db, accountId);
  if (!movement) {
    throw new Conflict(
      `Removing ${-input.amount} credits would take the balance (${balance.balance}) below zero. Nothing was changed.`,
      'insufficient_credits',
    );
  }
  await runBatch(controlDb(env), [
    auditStatementWhen(
      {
        ...actor,
        targetAccountId: accountId,
        action: 'credits.adjust',
        detail: { key, amount: movement.amount, reason: movement.description, balance_after: movement.balance_after },
      },
      notAuditedYet('credits.adjust', accountId, key),
    ),
  ]);
  return { ...balance, transaction: movement };
}
