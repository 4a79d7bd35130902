import { and, eq, sql, type SQL } from 'drizzle-orm';
import { creditBalances, creditTransactions } from '../../core/schema/shard';
import { runBatch, type Statement } from '../db/batch';
import { evaluateAlertsStatement } from './alerts';
import type { ShardDb } from '../db/shards';
import type {
  CreditLedger,
  HoldRequest,
  ReserveResult,
  UsageRecord,
} from '../../durable-objects/site-coordinator/engine/ports';

/**
 * The credit ledger. D1 has no interactive transactions, so every money movement is ONE batch
 * (a transaction) of two kinds of statement:
 *
 *   1. a conditional UPDATE of credit_balances (enough balance, and no ledger row with this
 *      movement's idempotency key yet) that also stamps `last_tx_key` with that key, then
 *   2. INSERTs of the ledger row (and usage log) that only happen WHERE last_tx_key = the key,
 *      i.e. only if the update in the same batch happened; a UNIQUE key makes a replay a no-op.
 *
 * Movements per job: `reserve:<job>` takes the cost from the balance when the job is accepted;
 * `settle:<job>` either captures (returns the unused part of the hold and logs usage) or releases
 * (returns all of it). Both settlements share one key, so a job is settled exactly once. The
 * balance can never go negative and the ledger always sums to the balance.
 */
export const reserveKey = (jobId: string) => `reserve:${jobId}`;
export const settleKey = (jobId: string) => `settle:${jobId}`;

type Db = ShardDb;

const heldBy = (accountId: number, jobId: string) =>
  sql`(SELECT -amount FROM credit_transactions
       WHERE account_id = ${accountId} AND idempotency_key = ${reserveKey(jobId)})`;
const noRow = (accountId: number, key: string) =>
  sql`NOT EXISTS (SELECT 1 FROM credit_transactions WHERE account_id = ${accountId} AND idempotency_key = ${key})`;

function ledgerRow(
  accountId: number,
  key: string,
  type: string,
  amount: SQL | number,
  jobId: string | null,
  description: string,
  metadata: object,
) {
  const now = Date.now();
  return sql`
    INSERT INTO credit_transactions (account_id, transaction_type, amount, balance_after, description, idempotency_key,
                                     job_id, metadata, created_at)
    SELECT ${accountId}, ${type}, ${amount}, balance, ${description}, ${key}, ${jobId}, ${JSON.stringify(metadata)},
           ${now}
    FROM credit_balances WHERE account_id = ${accountId} AND last_tx_key = ${key}
    ON CONFLICT (account_id, idempotency_key) DO NOTHING`;
}

export async function balanceOf(db: Db, accountId: number) {
  const row = await db.select().from(creditBalances).where(eq(creditBalances.account_id, accountId)).get();
  return { balance: row?.balance ?? 0, reserved: row?.reserved ?? 0 };
}

/**
 * Holds `amount` credits for a job. `extra` statements (e.g. the job's AITaskLog row) run in the
 * same batch. Calling it again with the same job id is a no-op that reports the first hold.
 */
export async function reserveCredits(db: Db, input: HoldRequest, extra: Statement[] = []): Promise<ReserveResult> {
  const { accountId, jobId, amount } = input;
  const key = reserveKey(jobId);
  const existing = await db
    .select()
    .from(creditTransactions)
    .where(and(eq(creditTransactions.account_id, accountId), eq(creditTransactions.idempotency_key, key)))
    .get();
  if (existing)
    return { ok: true, reserved: -existing.amount, balance: (await balanceOf(db, accountId)).balance, replayed: true };

  await runBatch(db, [
    sql`
      UPDATE credit_balances SET balance = balance - ${amount}, reserved = reserved + ${amount}, last_tx_key = ${key},
                                 updated_at = ${Date.now()}
      WHERE account_id = ${accountId} AND balance >= ${amount} AND ${noRow(accountId, key)}`,
    ledgerRow(accountId, key, 'reservation', -amount, jobId, input.description, { operation: input.operation }),
    ...extra,
  ]);
  const row = await db
    .select()
    .from(creditTransactions)
    .where(and(eq(creditTransactions.account_id, accountId), eq(creditTransactions.idempotency_key, key)))
    .get();
  const { balance } = await balanceOf(db, accountId);
  if (!row) return { ok: false, needed: amount, available: balance };
  return { ok: true, reserved: -row.amount, balance, replayed: false };
}

/**
 * Charges `charge` credits of the job's hold (at most the hold; the rest goes back to the balance)
 * and logs usage — in the same batch as `effects`, the job's writes, so the work and its price
 * land together or not at all. A second call (a replayed step) changes nothing.
 */
export function captureStatements(input: {
  accountId: number;
  jobId: string;
  charge: number;
  description: string;
  usage: UsageRecord;
}): Statement[] {
  const { accountId, jobId } = input;
  const key = settleKey(jobId);
  const held = heldBy(accountId, jobId);
  const charge = sql`MIN(${input.charge}, ${held})`;
  const u = input.usage;
  const now = Date.now();
  return [
    sql`
      UPDATE credit_balances SET balance = balance + (${held} - ${charge}), reserved = reserved - ${held},
                                 last_tx_key = ${key}, updated_at = ${now}
      WHERE account_id = ${accountId} AND ${held} IS NOT NULL AND ${noRow(accountId, key)}`,
    ledgerRow(accountId, key, 'capture', sql`${held} - ${charge}`, jobId, input.description, {
      charged: input.charge,
      operation: u.operation,
    }),
    sql`
      INSERT INTO credit_usage_logs (account_id, site_id, operation_type, credits_used, cost_usd, model_used,
                                     tokens_input, tokens_output,
                                     related_object_type, related_object_id, job_id, metadata, created_at)
      SELECT ${accountId}, ${u.site_id}, ${u.operation}, ${charge}, ${u.cost_usd}, ${u.model},
             ${u.tokens_input}, ${u.tokens_output},
             ${u.related_object_type ?? null}, ${u.related_object_id ?? null}, ${jobId},
             ${JSON.stringify({ charged: input.charge > 0, ...(u.metadata ?? {}) })}, ${now}
      FROM credit_balances WHERE account_id = ${accountId} AND last_tx_key = ${key}
        -- the settlement of this job is this capture (not an earlier release still stamped last)
        AND EXISTS (SELECT 1 FROM credit_transactions
                    WHERE account_id = ${accountId} AND idempotency_key = ${key} AND transaction_type = 'capture')
      ON CONFLICT (account_id, job_id) DO NOTHING`,
    // Budget alerts see this capture in the same batch (one index lookup for an account without any).
    evaluateAlertsStatement(accountId, now),
  ];
}

/**
 * Returns the whole hold of a failed or cancelled job: statements for the caller's batch, so the
 * release lands together with whatever else closes the job. Idempotent; never after a capture.
 * With `usage` (the tokens the job's calls spent, e.g. on a refused or cut-off reply), the usage
 * log gets the job's row with credits_used 0 and metadata.charged false: the account pays
 * nothing, and the operator sees what the calls cost.
 */
export function releaseStatements(input: {
  accountId: number;
  jobId: string;
  reason: string;
  usage?: UsageRecord | null;
}): Statement[] {
  const { accountId, jobId } = input;
  const key = settleKey(jobId);
  const held = heldBy(accountId, jobId);
  const u = input.usage;
  const now = Date.now();
  return [
    sql`
      UPDATE credit_balances SET balance = balance + ${held}, reserved = reserved - ${held}, last_tx_key = ${key},
                                 updated_at = ${now}
      WHERE account_id = ${accountId} AND ${held} IS NOT NULL AND ${noRow(accountId, key)}`,
    ledgerRow(accountId, key, 'release', held, jobId, `Released: ${input.reason}`.slice(0, 500), {}),
    ...(u && u.tokens_input + u.tokens_output > 0
      ? [
          sql`
      INSERT INTO credit_usage_logs (account_id, site_id, operation_type, credits_used, cost_usd, model_used,
                                     tokens_input, tokens_output,
                                     related_object_type, related_object_id, job_id, metadata, created_at)
      SELECT ${accountId}, ${u.site_id}, ${u.operation}, 0, ${u.cost_usd}, ${u.model},
             ${u.tokens_input}, ${u.tokens_output},
             ${u.related_object_type ?? null}, ${u.related_object_id ?? null}, ${jobId},
             ${JSON.stringify({ ...(u.metadata ?? {}), charged: false })}, ${now}
      FROM credit_balances WHERE account_id = ${accountId} AND last_tx_key = ${key}
        AND EXISTS (SELECT 1 FROM credit_transactions
                    WHERE account_id = ${accountId} AND idempotency_key = ${key} AND transaction_type = 'release')
      ON CONFLICT (account_id, job_id) DO NOTHING`,
        ]
      : []),
  ];
}

/**
 * Tokens a job's call spent after the job was settled (a call that was still answering when the
 * job was cancelled): added to the job's usage row, or a row of its own with credits_used 0 and
 * metadata.charged false. Never moves credits. Not idempotent: the engine sends it once per call.
 */
export function lateUsageStatements(input: { accountId: number; jobId: string; usage: UsageRecord }): Statement[] {
  const { accountId, jobId, usage: u } = input;
  if (u.tokens_input + u.tokens_output <= 0) return [];
  return [
    sql`
      INSERT INTO credit_usage_logs (account_id, site_id, operation_type, credits_used, cost_usd, model_used,
                                     tokens_input, tokens_output, job_id, metadata, created_at)
      VALUES (${accountId}, ${u.site_id}, ${u.operation}, 0, ${u.cost_usd}, ${u.model},
              ${u.tokens_input}, ${u.tokens_output}, ${jobId},
              ${JSON.stringify({
                ...(u.metadata ?? {}),
                charged: false,
                uncharged_tokens_input: u.tokens_input,
                uncharged_tokens_output: u.tokens_output,
                uncharged_cost_usd: u.cost_usd,
              })}, ${Date.now()})
      ON CONFLICT (account_id, job_id) DO UPDATE SET
        tokens_input = tokens_input + excluded.tokens_input,
        tokens_output = tokens_output + excluded.tokens_output,
        cost_usd = cost_usd + excluded.cost_usd,
        metadata = json_set(metadata,
          '$.uncharged_tokens_input',
          coalesce(json_extract(metadata, '$.uncharged_tokens_input'), 0) + excluded.tokens_input,
          '$.uncharged_tokens_output',
          coalesce(json_extract(metadata, '$.uncharged_tokens_output'), 0) + excluded.tokens_output,
          '$.uncharged_cost_usd', coalesce(json_extract(metadata, '$.uncharged_cost_usd'), 0) + excluded.cost_usd)`,
  ];
}

/** releaseStatements() in a batch of their own. */
export async function releaseCredits(db: Db, input: { accountId: number; jobId: string; reason: string }) {
  await runBatch(db, releaseStatements(input));
}

/**
 * Holds older than `olderThan` that were never settled (no capture or release row): the sweep asks
 * each one's coordinator whether its job can still run, and settles those that can't.
 */
export async function unsettledHolds(db: Db, olderThan: number, limit = 200) {
  const rows = await db.all<{ account_id: number; job_id: string; site_id: number | null }>(sql`
    SELECT r.account_id, r.job_id, l.site_id FROM credit_transactions r
    LEFT JOIN ai_task_logs l ON l.account_id = r.account_id AND l.job_id = r.job_id
    WHERE r.transaction_type = 'reservation' AND r.created_at < ${olderThan}
      AND NOT EXISTS (SELECT 1 FROM credit_transactions s
                      WHERE s.account_id = r.account_id AND s.idempotency_key = 'settle:' || r.job_id)
    ORDER BY r.created_at LIMIT ${limit}`);
  return rows;
}

/** Adds credits (a developer's adjustment or a plan renewal), once per idempotency key. */
export async function grantCredits(
  db: Db,
  input: {
    accountId: number;
    amount: number;
    key: string;
    description: string;
    type?: 'grant' | 'adjustment' | 'purchase';
  },
) {
  const { accountId, amount, key } = input;
  await runBatch(db, [
    sql`INSERT INTO credit_balances (account_id, balance, reserved, updated_at)
        VALUES (${accountId}, 0, 0, ${Date.now()})
        ON CONFLICT (account_id) DO NOTHING`,
    sql`
      UPDATE credit_balances SET balance = balance + ${amount}, last_tx_key = ${key}, updated_at = ${Date.now()}
      WHERE account_id = ${accountId} AND balance + ${amount} >= 0 AND ${noRow(accountId, key)}`,
    ledgerRow(accountId, key, input.type ?? 'adjustment', amount, null, input.description, {}),
  ]);
}

/** The ledger as the job engine sees it (durable-objects/site-coordinator/ports.ts). */
export const creditLedger: CreditLedger = {
  balanceOf,
  reserve: reserveCredits,
  capture: captureStatements,
  release: releaseStatements,
  lateUsage: lateUsageStatements,
};
