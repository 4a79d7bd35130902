import { and, eq, sql } from 'drizzle-orm';
import type { AccountMoveStatus } from '../../../core/domain/enums';
import { accountMoves } from '../../../core/schema/control';
import type { ControlDb } from '../../db/shards';

/** Per table: rows copied to the target, and whether it is complete. */
export interface TableProgress {
  rows: number;
  done: boolean;
}

/** One table's verification: rows on each side and whether the checksums over the unchanged columns agree. */
export interface TableCheck {
  source: number;
  target: number;
  checksum_equal: boolean;
}

/**
 * A move's persisted progress (account_moves.state): enough to resume after a crash at any point. The id
 * maps (old id → new id per table) are in R2 under mapPrefix(move), one object per copied chunk.
 */
export interface MoveState {
  /** Who holds the move now (one driver at a time: a redelivered message finds the lease and does nothing). */
  lease?: { token: string; until: number } | null;
  /** copying: rows, then the back references (patch), then the R2 objects; cleaning: rows, then objects. */
  phase?: 'rows' | 'patch' | 'objects';
  /** Index into tenantTables of the table being copied, verified or cleaned. */
  table?: number;
  /** The last source rowid copied of that table. */
  cursor?: number;
  /** The highest new id given to this account's rows of that table: rows above it are an unfinished chunk's. */
  last_new_id?: number;
  /** Chunks of id map written for that table. */
  chunks?: number;
  /** The lowest id the table's new rows may take: above every old id of the account (keys never collide). */
  id_floor?: number;
  /** Which old site's R2 prefix the objects phase is at, and the listing cursor in it. */
  object_site?: number;
  object_cursor?: string | null;
  objects_copied?: number;
  old_site_ids?: number[];
  tables?: Record<string, TableProgress>;
  rows_copied?: number;
  verification?: Record<string, TableCheck>;
  /** The step a failed move failed in: resume restarts there. */
  failed_step?: AccountMoveStatus;
  switched_at?: number;
}

export type MoveRow = typeof accountMoves.$inferSelect & { state: MoveState };

export const LEASE_MS = 60_000;

export async function loadMove(control: ControlDb, id: number): Promise<MoveRow | null> {
  const row = await control.select().from(accountMoves).where(eq(accountMoves.id, id)).get();
  return (row as MoveRow | undefined) ?? null;
}

/** Takes the move's lease (null: another driver holds it, until the returned time). */
export async function takeLease(control: ControlDb, move: MoveRow, now = Date.now()) {
  const held = move.state.lease;
  if (held && held.until > now) return { token: null, until: held.until };
  const token = crypto.randomUUID();
  const lease = { token, until: now + LEASE_MS };
  const res = await control
    .update(accountMoves)
    .set({ state: sql`json_set(${accountMoves.state}, '$.lease', json(${JSON.stringify(lease)}))` })
    .where(
      and(
        eq(accountMoves.id, move.id),
        eq(accountMoves.status, move.status),
        sql`coalesce(json_extract(${accountMoves.state}, '$.lease.until'), 0) <= ${now}`,
      ),
    )
    .run();
  if (!res.meta.changes) return { token: null, until: now + 1000 };
  move.state.lease = lease;
  return { token, until: lease.until };
}

/**
 * Saves the move's step and state if this driver still holds the lease (false: it lost it and must stop).
 * The lease is renewed on every save, so a long step keeps it.
 */
export async function saveMove(
  control: ControlDb,
  move: MoveRow,
  token: string,
  changes: { status?: AccountMoveStatus; error?: string | null; finished?: boolean; release?: boolean },
) {
  const lease = changes.release ? null : { token, until: Date.now() + LEASE_MS };
  const state = { ...move.state, lease };
  const res = await control
    .update(accountMoves)
    .set({
      state,
      ...(changes.status ? { status: changes.status } : {}),
      ...(changes.error !== undefined ? { error: changes.error } : {}),
      ...(changes.finished ? { finished_at: new Date() } : {}),
    })
    .where(and(eq(accountMoves.id, move.id), sql`json_extract(${accountMoves.state}, '$.lease.token') = ${token}`))
    .run();
  if (!res.meta.changes) return false;
  move.state = state;
  if (changes.status) move.status = changes.status;
  return true;
}
