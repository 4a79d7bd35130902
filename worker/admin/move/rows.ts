import { getTableColumns } from 'drizzle-orm';
import { refTarget, type TenantTable, type TenantTableName } from '../../../core/schema/tenant-tables';
import { rewriteKeys } from './keys';
import type { IdMaps } from './maps';
import type { MoveState } from './state';

type Raw = Record<string, unknown>;

/** What one driver invocation works with; `ops` counts D1/R2 calls against the per-invocation budget. */
export interface MoveContext {
  moveId: number;
  accountId: number;
  source: D1Database;
  target: D1Database;
  bucket: R2Bucket;
  maps: IdMaps;
  ops: number;
}

/** Rows read and written per chunk: a chunk is one target batch (D1: 100 bound parameters per statement). */
export const COPY_CHUNK = 200;

/**
 * Test hook: the copy of this table throws once, after its first chunk was written to the target and
 * before the move's state recorded it (the crash a resume must survive). Only tests set it.
 */
export const moveFaults: { failOnceAfterChunkOf: string | null } = { failOnceAfterChunkOf: null };

export interface ColumnInfo {
  name: string;
  notNull: boolean;
}

export function columnsOf(t: TenantTable): ColumnInfo[] {
  return Object.values(getTableColumns(t.table)).map((c) => ({ name: c.name, notNull: c.notNull }));
}

const q = (name: string) => `"${name}"`;

/** Columns whose value is the same on both shards: what the verification's checksum covers. */
export function stableColumns(t: TenantTable): string[] {
  const changed = new Set(['id', ...Object.keys(t.refs), ...Object.keys(t.json ?? {}), ...(t.keys ?? [])]);
  return columnsOf(t)
    .map((c) => c.name)
    .filter((n) => !changed.has(n));
}

/** Tables whose ids a row of `t` names (loaded before its rows are remapped). */
function referenced(t: TenantTable, rows: Raw[]): Set<TenantTableName> {
  const out = new Set<TenantTableName>(['sites', 'sectors', 'images', 'content', 'clusters', 'keywords']);
  for (const target of Object.values(t.refs))
    if (typeof target !== 'function') out.add(target);
    else for (const row of rows) for (const name of [target(row)]) if (name) out.add(name);
  for (const table of ['content_ideas', 'tasks', 'site_assets', 'site_blueprint_taxonomies'] as const)
    if (t.json) out.add(table);
  return out;
}

/**
 * A source row as the target stores it: id columns through the maps (a reference whose map has no entry
 * yet is null: a back reference patched later, or a dangling one; a NOT NULL one keeps its value), JSON ids
 * rewritten. Key columns are copied as they are and rewritten by the patch phase, once every map is known.
 */
function remapRow(t: TenantTable, row: Raw, columns: ColumnInfo[], maps: IdMaps): Raw {
  const out: Raw = { ...row };
  for (const col of columns) {
    const value = row[col.name];
    const target = t.refs[col.name];
    if (target && typeof value === 'number') {
      const table = refTarget(target, row);
      if (table) out[col.name] = maps.remap(table, value) ?? (col.notNull ? value : null);
    }
    const json = t.json?.[col.name];
    if (json && typeof value === 'string') out[col.name] = JSON.stringify(json(JSON.parse(value), maps.remap));
  }
  return out;
}

async function maxId(db: D1Database, table: string, where = '', binds: unknown[] = []) {
  const row = await db
    .prepare(`SELECT coalesce(max(id), 0) AS m FROM ${q(table)} ${where}`)
    .bind(...binds)
    .first<{ m: number }>();
  return row?.m ?? 0;
}

/** The id sequence of an AUTOINCREMENT table: never reuse an id the table ever gave (deleted rows' too). */
async function sequenceOf(db: D1Database, table: string) {
  try {
    const row = await db.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').bind(table).first<{ seq: number }>();
    return row?.seq ?? 0;
  } catch {
    return 0;
  }
}

function insertStatements(db: D1Database, t: TenantTable, columns: ColumnInfo[], rows: Raw[]) {
  const names = columns.map((c) => c.name);
  const perStatement = Math.max(1, Math.floor(100 / names.length));
  // Tables without a serial id have a primary key that starts with account_id: REPLACE only ever replaces
  // this account's row (a chunk copied again after a crash). Serial rows get fresh ids: plain INSERT.
  const verb = t.id === null ? 'INSERT OR REPLACE' : 'INSERT';
  const out: D1PreparedStatement[] = [];
  for (let i = 0; i < rows.length; i += perStatement) {
    const part = rows.slice(i, i + perStatement);
    const tuple = `(${names.map(() => '?').join(', ')})`;
    const sql = `${verb} INTO ${q(t.name)} (${names.map(q).join(', ')}) VALUES ${part.map(() => tuple).join(', ')}`;
    out.push(db.prepare(sql).bind(...part.flatMap((r) => names.map((n) => r[n] ?? null))));
  }
  return out;
}

/** Starts a table's copy: clears whatever this account has in it on the target (an earlier attempt's rows). */
export async function startTable(ctx: MoveContext, t: TenantTable, state: MoveState) {
  await ctx.target
    .prepare(`DELETE FROM ${q(t.name)} WHERE account_id = ?`)
    .bind(ctx.accountId)
    .run();
  await ctx.maps.clear(t.name);
  state.cursor = 0;
  state.last_new_id = 0;
  state.chunks = 0;
  // New ids above every old id of this account: a rewritten R2 key can never name another old object.
  state.id_floor = t.id === 'serial' ? await maxId(ctx.source, t.name, 'WHERE account_id = ?', [ctx.accountId]) : 0;
  state.tables = { ...state.tables, [t.name]: { rows: 0, done: false } };
  ctx.ops += 3;
}

/** Copies the next chunk of a table; false when the table has no more rows. */
export async function copyChunk(ctx: MoveContext, t: TenantTable, state: MoveState): Promise<boolean> {
  const rows = (
    await ctx.source
      .prepare(`SELECT rowid AS __rowid, * FROM ${q(t.name)} WHERE account_id = ? AND rowid > ? ORDER BY rowid LIMIT ?`)
      .bind(ctx.accountId, state.cursor ?? 0, COPY_CHUNK)
      .all<Raw>()
  ).results;
  ctx.ops++;
  if (rows.length === 0) return false;
  const columns = columnsOf(t);
  await ctx.maps.load(referenced(t, rows));
  const mapped = rows.map((r) => remapRow(t, r, columns, ctx.maps));
  let pairs: [number, number][] = [];
  for (let attempt = 1; ; attempt++) {
    const statements: D1PreparedStatement[] = [];
    if (t.id === 'serial') {
      const base = Math.max(state.id_floor ?? 0, await maxId(ctx.target, t.name), await sequenceOf(ctx.target, t.name));
      pairs = rows.map((r, i) => [r.id as number, base + 1 + i]);
      mapped.forEach((r, i) => {
        r.id = pairs[i]![1];
      });
      // Rows above the last recorded id are a chunk written before a crash, before the state said so.
      statements.push(
        ctx.target
          .prepare(`DELETE FROM ${q(t.name)} WHERE account_id = ? AND id > ?`)
          .bind(ctx.accountId, state.last_new_id ?? 0),
      );
    } else if (t.id === 'text') {
      // A text id is kept: this chunk's rows from an earlier attempt are replaced (this account's only).
      for (let i = 0; i < rows.length; i += 90) {
        const ids = rows.slice(i, i + 90).map((r) => r.id);
        statements.push(
          ctx.target
            .prepare(`DELETE FROM ${q(t.name)} WHERE account_id = ? AND id IN (${ids.map(() => '?').join(', ')})`)
            .bind(ctx.accountId, ...ids),
        );
      }
    }
    statements.push(...insertStatements(ctx.target, t, columns, mapped));
    try {
      await ctx.target.batch(statements);
      ctx.ops += 3;
      break;
    } catch (err) {
      // Another account's insert took one of the ids between the read of the sequence and the batch.
      if (attempt >= 3 || t.id !== 'serial' || !/UNIQUE|constraint/i.test(String(err))) throw err;
    }
  }
  if (moveFaults.failOnceAfterChunkOf === t.name) {
    moveFaults.failOnceAfterChunkOf = null;
    throw new Error(`Test fault: the copy of ${t.name} crashed after a chunk.`);
  }
  if (t.id === 'serial') {
    await ctx.maps.save(t.name, state.chunks ?? 0, pairs);
    state.last_new_id = pairs[pairs.length - 1]![1];
    ctx.ops++;
  }
  state.chunks = (state.chunks ?? 0) + 1;
  state.cursor = rows[rows.length - 1]!.__rowid as number;
  const progress = state.tables?.[t.name] ?? { rows: 0, done: false };
  state.tables = { ...state.tables, [t.name]: { ...progress, rows: progress.rows + rows.length } };
  state.rows_copied = (state.rows_copied ?? 0) + rows.length;
  return rows.length === COPY_CHUNK;
}

/** Columns a table's patch rewrites now that every map is known: back references and R2 keys. */
export function patchColumns(t: TenantTable, index: number, order: Map<string, number>): string[] {
  const back = Object.entries(t.refs)
    .filter(([, target]) => typeof target !== 'function' && (order.get(target) ?? -1) >= index)
    .map(([col]) => col);
  return [...back, ...(t.keys ?? [])];
}

const PATCH_PAGE = 50;

/** Patches the next page of a table's rows; false when done. */
export async function patchChunk(ctx: MoveContext, t: TenantTable, columns: string[], state: MoveState) {
  const rows = (
    await ctx.source
      .prepare(
        `SELECT rowid AS __rowid, id, ${columns.map(q).join(', ')} FROM ${q(t.name)}
          WHERE account_id = ? AND rowid > ? ORDER BY rowid LIMIT ${PATCH_PAGE}`,
      )
      .bind(ctx.accountId, state.cursor ?? 0)
      .all<Raw>()
  ).results;
  ctx.ops++;
  if (rows.length === 0) return false;
  await ctx.maps.load(['sites', 'content', 'images', t.name, ...columns.map((c) => t.refs[c]).filter(isName)]);
  const statements: D1PreparedStatement[] = [];
  for (const row of rows) {
    const newId = ctx.maps.remap(t.name, row.id as number);
    if (newId === null) continue;
    const values = columns.map((c) => {
      const v = row[c];
      const target = t.refs[c];
      if (target && typeof v === 'number') return ctx.maps.remap(refTarget(target, row)!, v);
      return typeof v === 'string' ? rewriteKeys(v, ctx.accountId, ctx.maps.remap) : v;
    });
    // A back reference was copied as null, a key column as it was: only a row that differs is written.
    const differs = columns.some((c, i) => (t.refs[c] ? row[c] != null : values[i] !== row[c]));
    if (!differs) continue;
    const set = columns.map((c) => `${q(c)} = ?`).join(', ');
    statements.push(
      ctx.target
        .prepare(`UPDATE ${q(t.name)} SET ${set} WHERE account_id = ? AND id = ?`)
        .bind(...values, ctx.accountId, newId),
    );
  }
  if (statements.length) await ctx.target.batch(statements);
  ctx.ops += 1 + Math.ceil(statements.length / 50);
  state.cursor = rows[rows.length - 1]!.__rowid as number;
  return rows.length === PATCH_PAGE;
}

const isName = (v: unknown): v is TenantTableName => typeof v === 'string';

/** FNV-1a of a string (32 bits): summed over rows, an order-free checksum of a table's stable columns. */
function fnv(s: string) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Rows of this account in a table and a checksum over the columns a move does not change. */
export async function tableDigest(ctx: MoveContext, db: D1Database, t: TenantTable) {
  const columns = stableColumns(t);
  let count = 0;
  let sum = 0;
  let cursor = 0;
  for (;;) {
    const rows = (
      await db
        .prepare(
          `SELECT rowid AS __rowid, ${columns.map(q).join(', ')} FROM ${q(t.name)}
            WHERE account_id = ? AND rowid > ? ORDER BY rowid LIMIT 1000`,
        )
        .bind(ctx.accountId, cursor)
        .all<Raw>()
    ).results;
    ctx.ops++;
    for (const row of rows) sum = (sum + fnv(JSON.stringify(columns.map((c) => row[c] ?? null)))) % 2 ** 48;
    count += rows.length;
    if (rows.length < 1000) return { count, sum };
    cursor = rows[rows.length - 1]!.__rowid as number;
  }
}

/** Deletes the next batch of this account's rows of a table on the source; false when none are left. */
export async function cleanChunk(ctx: MoveContext, t: TenantTable) {
  const res = await ctx.source
    .prepare(`DELETE FROM ${q(t.name)} WHERE rowid IN (SELECT rowid FROM ${q(t.name)} WHERE account_id = ? LIMIT 1000)`)
    .bind(ctx.accountId)
    .run();
  ctx.ops++;
  return res.meta.changes === 1000;
}
