import { sites } from '../../../core/schema/shard';
import { tenantTables } from '../../../core/schema/tenant-tables';
import { and, eq } from 'drizzle-orm';
import { controlDb, isShardName, shardDb } from '../../db/shards';
import type { Env } from '../../env';
import { IDENTITY_TTL_MS } from '../../middleware/identity-cache';
import { busyWork, describeBusy } from './busy';
import { IdMaps, movePrefix } from './maps';
import type { AccountMoveMessage } from './messages';
import { copyObjectsPage, deleteObjectsPage, objectPrefixes } from './objects';
import { cleanChunk, copyChunk, type MoveContext, patchChunk, patchColumns, startTable, tableDigest } from './rows';
import { loadMove, type MoveRow, saveMove, takeLease } from './state';
import { switchAccount } from './switch';

/** One invocation's share of the work (D1 allows 1,000 queries per invocation): then it hands over. */
const BUDGET_OPS = 400;
const BUDGET_MS = 10_000;
const ORDER = new Map(tenantTables.map((t, i) => [t.name, i]));

const message = (move: MoveRow): AccountMoveMessage => ({ v: 1, type: 'account.move', move_id: move.id });

/**
 * Drives one account move as far as one invocation's budget allows, then sends itself the next message.
 * At-least-once delivery: the move's lease makes a redelivered or duplicate message a no-op while another
 * driver works (it only comes back after the lease lapses, in case that driver died), a finished or failed
 * move ignores messages, and every step is idempotent (see rows.ts, switch.ts). A step that throws marks
 * the move failed at that step; POST /admin/moves/{id}/resume/ restarts it there.
 */
export async function driveAccountMove(env: Env, event: AccountMoveMessage) {
  const control = controlDb(env);
  const move = await loadMove(control, event.move_id);
  if (!move || move.status === 'done' || move.status === 'failed') return;
  const lease = await takeLease(control, move);
  if (!lease.token) {
    const seconds = Math.max(1, Math.ceil((lease.until - Date.now()) / 1000));
    await env.EVENTS.send(message(move), { delaySeconds: seconds });
    return;
  }
  if (!isShardName(move.from_shard) || !isShardName(move.to_shard)) throw new Error(`Move ${move.id}: unknown shard`);
  const ctx: MoveContext = {
    moveId: move.id,
    accountId: move.account_id,
    source: shardDb(env, move.from_shard).$client,
    target: shardDb(env, move.to_shard).$client,
    bucket: env.MEDIA,
    maps: new IdMaps(env.MEDIA, move.id),
    ops: 0,
  };
  let delaySeconds = 0;
  try {
    delaySeconds = await advance(env, ctx, move, lease.token);
  } catch (err) {
    const step = move.status;
    move.state = { ...move.state, failed_step: step };
    await saveMove(control, move, lease.token, { status: 'failed', error: errorText(err), release: true });
    return;
  }
  const done = (move.status as string) === 'done';
  // The step reached is saved with the state: a status changed in memory only would be redone forever.
  const saved = await saveMove(control, move, lease.token, { status: move.status, release: true, finished: done });
  if (!saved) return;
  if (!done) await env.EVENTS.send(message(move), delaySeconds ? { delaySeconds } : undefined);
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 500);

/** Works through the steps until the budget is spent; returns a delay (s) the next message should wait. */
async function advance(env: Env, ctx: MoveContext, move: MoveRow, token: string): Promise<number> {
  const started = Date.now();
  const control = controlDb(env);
  while (ctx.ops < BUDGET_OPS && Date.now() - started < BUDGET_MS) {
    // saveMove replaces move.state: read it anew each round, never from a copy taken before.
    const state = move.state;
    const step = move.status;
    switch (step) {
      case 'pending': {
        // Checked again at the start: work may have started since the move was requested.
        const busy = await busyWork(shardDb(env, move.from_shard as never), move.account_id);
        if (busy.length) throw new Error(`account_busy: ${describeBusy(busy)}`);
        const rows = await shardDb(env, move.from_shard as never)
          .select({ id: sites.id })
          .from(sites)
          .where(and(eq(sites.account_id, move.account_id)))
          .all();
        Object.assign(state, { old_site_ids: rows.map((r) => r.id), phase: 'rows', table: 0, cursor: undefined });
        // Saved at once: from here on the account's writes are refused (worker/middleware/tenant.ts).
        if (!(await saveMove(control, move, token, { status: 'copying', error: null }))) throw new Error('lease lost');
        break;
      }
      case 'copying':
        await copyStep(ctx, move);
        break;
      case 'verifying':
        await verifyStep(ctx, move);
        break;
      case 'switching':
        await switchAccount(env, move, token, ctx.maps);
        // Other isolates may serve an account's reads from a cached identity (the old shard) this long.
        return Math.ceil(IDENTITY_TTL_MS / 1000) + 1;
      case 'cleaning': {
        const wait = (state.switched_at ?? 0) + IDENTITY_TTL_MS + 1000 - Date.now();
        if (wait > 0) return Math.ceil(wait / 1000);
        await cleanStep(ctx, move);
        break;
      }
      default:
        return 0;
    }
    // A new step is saved at once (the switch's batch requires `switching` in the row, a crash resumes it).
    if (move.status !== step && !(await saveMove(control, move, token, { status: move.status })))
      throw new Error('lease lost');
  }
  return 0;
}

async function copyStep(ctx: MoveContext, move: MoveRow) {
  const state = move.state;
  const index = state.table ?? 0;
  if (state.phase === 'rows' || !state.phase) {
    const t = tenantTables[index];
    if (!t) return Object.assign(state, { phase: 'patch', table: 0, cursor: 0 });
    if (state.cursor === undefined) await startTable(ctx, t, state);
    if (await copyChunk(ctx, t, state)) return;
    state.tables = { ...state.tables, [t.name]: { rows: state.tables?.[t.name]?.rows ?? 0, done: true } };
    return Object.assign(state, { table: index + 1, cursor: undefined });
  }
  if (state.phase === 'patch') {
    let next = index;
    while (next < tenantTables.length && !patchColumns(tenantTables[next]!, next, ORDER).length) next++;
    const t = tenantTables[next];
    if (!t) return Object.assign(state, { phase: 'objects', object_site: 0, object_cursor: null });
    if (next !== index) Object.assign(state, { table: next, cursor: 0 });
    if (await patchChunk(ctx, t, patchColumns(t, next, ORDER), state)) return;
    return Object.assign(state, { table: next + 1, cursor: 0 });
  }
  const prefixes = objectPrefixes(ctx.accountId, state);
  const at = state.object_site ?? 0;
  if (at >= prefixes.length) {
    move.status = 'verifying';
    return Object.assign(state, { table: 0, verification: {} });
  }
  if (!(await copyObjectsPage(ctx, prefixes[at]!, state))) Object.assign(state, { object_site: at + 1 });
}

async function verifyStep(ctx: MoveContext, move: MoveRow) {
  const state = move.state;
  const index = state.table ?? 0;
  const t = tenantTables[index];
  if (!t) {
    const wrong = Object.entries(state.verification ?? {})
      .filter(([, c]) => c.source !== c.target || !c.checksum_equal)
      .map(([name, c]) => `${name} (${c.source} → ${c.target}${c.checksum_equal ? '' : ', checksum differs'})`);
    // Resumed, a move that failed its verification copies again from the first table (see service.ts).
    if (wrong.length) throw new Error(`verification failed: ${wrong.join('; ')}`);
    move.status = 'switching';
    return;
  }
  const [source, target] = [await tableDigest(ctx, ctx.source, t), await tableDigest(ctx, ctx.target, t)];
  state.verification = {
    ...state.verification,
    [t.name]: { source: source.count, target: target.count, checksum_equal: source.sum === target.sum },
  };
  state.table = index + 1;
}

async function cleanStep(ctx: MoveContext, move: MoveRow) {
  const state = move.state;
  const index = state.table ?? 0;
  const t = tenantTables[index];
  if (t) {
    if (!(await cleanChunk(ctx, t))) state.table = index + 1;
    return;
  }
  const prefixes = [...objectPrefixes(ctx.accountId, state), movePrefix(move.id)];
  const at = index - tenantTables.length;
  if (at >= prefixes.length) {
    move.status = 'done';
    return;
  }
  if (!(await deleteObjectsPage(ctx, prefixes[at]!))) state.table = index + 1;
}
