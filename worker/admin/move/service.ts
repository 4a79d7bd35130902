import { and, count, desc, eq, notInArray, sql, type SQL } from 'drizzle-orm';
import type { AccountMoveStatus } from '../../../core/domain/enums';
import { accountMoves, accounts, shardDirectory } from '../../../core/schema/control';
import { tenantTables } from '../../../core/schema/tenant-tables';
import type { CreateMoveBody } from '../../../core/validation/account-moves';
import { controlDb, isShardName, SHARD_BINDINGS, shardDb } from '../../db/shards';
import type { Env } from '../../env';
import { BadRequest, Conflict, NotFound } from '../../http/errors';
import type { Tenant } from '../../middleware/tenant';
import { busyWork, describeBusy } from './busy';
import type { AccountMoveMessage } from './messages';
import type { MoveRow, MoveState } from './state';

type Row = typeof accountMoves.$inferSelect & { account_name?: string | null };

/** A move as the API shows it: its step, tables done, rows copied, the verification's counts. */
export function moveView(row: Row) {
  const state = row.state as MoveState;
  const tables = Object.values(state.tables ?? {});
  return {
    id: row.id,
    account_id: row.account_id,
    account_name: row.account_name ?? null,
    from_shard: row.from_shard,
    to_shard: row.to_shard,
    status: row.status,
    /** The step it is in, or (failed) the step a resume restarts. */
    step: row.status === 'failed' ? (state.failed_step ?? 'pending') : row.status,
    tables_total: tenantTables.length,
    tables_done: tables.filter((t) => t.done).length,
    rows_copied: state.rows_copied ?? 0,
    objects_copied: state.objects_copied ?? 0,
    verification: state.verification ?? {},
    error: row.error,
    created_at: row.created_at,
    updated_at: row.updated_at,
    finished_at: row.finished_at,
  };
}
export type MoveView = ReturnType<typeof moveView>;

const send = (env: Env, moveId: number) =>
  env.EVENTS.send({ v: 1, type: 'account.move', move_id: moveId } satisfies AccountMoveMessage);

export async function createMove(env: Env, tenant: Tenant, input: CreateMoveBody) {
  const control = controlDb(env);
  const account = await control
    .select({ id: accounts.id, name: accounts.name, shard: shardDirectory.shard })
    .from(accounts)
    .innerJoin(shardDirectory, eq(shardDirectory.account_id, accounts.id))
    .where(eq(accounts.id, input.account_id))
    .get();
  if (!account) throw new NotFound('Account');
  if (!isShardName(input.to_shard))
    throw new BadRequest(`Unknown shard: one of ${SHARD_BINDINGS.join(', ')}.`, 'unknown_shard', {
      to_shard: ['Unknown shard.'],
    });
  if (input.to_shard === account.shard)
    throw new BadRequest(`The account is already on ${account.shard}.`, 'same_shard', {
      to_shard: ['The account is already on this shard.'],
    });
  if (!isShardName(account.shard)) throw new Error(`Account ${account.id} is on unknown shard ${account.shard}`);
  const unfinished = await control
    .select({ id: accountMoves.id, status: accountMoves.status })
    .from(accountMoves)
    .where(and(eq(accountMoves.account_id, account.id), notInArray(accountMoves.status, ['done'])))
    .get();
  if (unfinished)
    throw new Conflict(
      `This account has an unfinished move (#${unfinished.id}, ${unfinished.status}): resume it first.`,
      'move_unfinished',
    );
  const busy = await busyWork(shardDb(env, account.shard), account.id);
  if (busy.length)
    throw new Conflict(
      `This account has work in progress: ${describeBusy(busy)}. Let it finish first.`,
      'account_busy',
      {
        jobs: busy.filter((b) => b.kind === 'job').map((b) => `${b.id} (site ${b.site_id})`),
        automation_runs: busy.filter((b) => b.kind === 'automation_run').map((b) => `${b.id} (site ${b.site_id})`),
        scheduled_publishes: busy
          .filter((b) => b.kind === 'scheduled_publish')
          .map((b) => `${b.id} (site ${b.site_id})`),
      },
    );
  const state: MoveState & { requested_by_account_id: number } = { requested_by_account_id: tenant.user.account_id };
  const row = await control
    .insert(accountMoves)
    .values({
      account_id: account.id,
      from_shard: account.shard,
      to_shard: input.to_shard,
      state: state as unknown as Record<string, unknown>,
      requested_by_user_id: tenant.user.id,
    })
    .returning()
    .get();
  await send(env, row.id);
  return moveView({ ...row, account_name: account.name });
}

const withName = {
  id: accountMoves.id,
  account_id: accountMoves.account_id,
  account_name: accounts.name,
  from_shard: accountMoves.from_shard,
  to_shard: accountMoves.to_shard,
  status: accountMoves.status,
  state: accountMoves.state,
  error: accountMoves.error,
  requested_by_user_id: accountMoves.requested_by_user_id,
  created_at: accountMoves.created_at,
  updated_at: accountMoves.updated_at,
  finished_at: accountMoves.finished_at,
};

export async function listMoves(
  env: Env,
  q: { account_id?: number; status?: AccountMoveStatus; page: number; page_size: number },
) {
  const control = controlDb(env);
  const filters: SQL[] = [];
  if (q.account_id) filters.push(eq(accountMoves.account_id, q.account_id));
  if (q.status) filters.push(eq(accountMoves.status, q.status));
  const where = filters.length ? and(...filters) : undefined;
  const [rows, total] = await Promise.all([
    control
      .select(withName)
      .from(accountMoves)
      .leftJoin(accounts, eq(accounts.id, accountMoves.account_id))
      .where(where)
      .orderBy(desc(accountMoves.id))
      .limit(q.page_size)
      .offset((q.page - 1) * q.page_size)
      .all(),
    control.select({ n: count() }).from(accountMoves).where(where).get(),
  ]);
  return { results: rows.map(moveView), count: total?.n ?? 0 };
}

export async function getMove(env: Env, id: number) {
  const row = await controlDb(env)
    .select(withName)
    .from(accountMoves)
    .leftJoin(accounts, eq(accounts.id, accountMoves.account_id))
    .where(eq(accountMoves.id, id))
    .get();
  if (!row) throw new NotFound('Move');
  return row;
}

/**
 * Restarts a failed move at the step it failed in. Copying continues at the table and chunk it reached
 * (the rows a crashed chunk left on the target are removed first: rows.ts); a failed verification means
 * the copy differs from the source, so it copies again from the first table.
 */
export async function resumeMove(env: Env, id: number) {
  const row = (await getMove(env, id)) as MoveRow & { account_name: string | null };
  if (row.status !== 'failed')
    throw new Conflict(`Only a failed move can be resumed (this one is ${row.status}).`, 'not_failed');
  const state: MoveState = { ...row.state, lease: null };
  let step: AccountMoveStatus = state.failed_step ?? 'pending';
  if (step === 'verifying') {
    step = 'copying';
    Object.assign(state, { phase: 'rows', table: 0, cursor: undefined, tables: {}, rows_copied: 0, verification: {} });
  }
  delete state.failed_step;
  const res = await controlDb(env)
    .update(accountMoves)
    .set({ status: step, state: state as unknown as Record<string, unknown>, error: null })
    .where(and(eq(accountMoves.id, id), eq(accountMoves.status, 'failed')))
    .run();
  if (!res.meta.changes) throw new Conflict('The move changed meanwhile: reload it.', 'conflict');
  await send(env, id);
  return moveView({ ...row, status: step, state: state as unknown as Record<string, unknown>, error: null });
}

/** The shard directory: each shard's accounts and the time a trivial query takes (D1 latency). */
export async function shardOverview(env: Env) {
  const control = controlDb(env);
  const rows = await control
    .select({ id: accounts.id, name: accounts.name, shard: shardDirectory.shard })
    .from(shardDirectory)
    .innerJoin(accounts, eq(accounts.id, shardDirectory.account_id))
    .orderBy(sql`${accounts.name} collate nocase`)
    .limit(1000)
    .all();
  const counts = await control
    .select({ shard: shardDirectory.shard, n: count() })
    .from(shardDirectory)
    .groupBy(shardDirectory.shard)
    .all();
  return Promise.all(
    SHARD_BINDINGS.map(async (shard) => {
      const started = performance.now();
      let reachable = true;
      try {
        await shardDb(env, shard).$client.prepare('SELECT 1').first();
      } catch {
        reachable = false;
      }
      return {
        shard,
        reachable,
        latency_ms: Math.round((performance.now() - started) * 10) / 10,
        account_count: counts.find((c) => c.shard === shard)?.n ?? 0,
        accounts: rows.filter((r) => r.shard === shard).map((r) => ({ id: r.id, name: r.name })),
      };
    }),
  );
}
