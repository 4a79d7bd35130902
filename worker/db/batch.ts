import { is, SQL } from 'drizzle-orm';
import { SQLiteAsyncDialect } from 'drizzle-orm/sqlite-core';
import type { ControlDb, ShardDb } from './shards';

/**
 * One D1 batch (a transaction) from a mix of drizzle query builders and raw `sql` templates.
 * drizzle's own batch() can't bind raw `sql` statements on D1 (0.45), and the conditional money
 * movements of worker/billing/ledger.ts need raw SQL inside the same transaction as builder
 * statements.
 */
export type Statement = SQL | { toSQL(): { sql: string; params: unknown[] } };

const dialect = new SQLiteAsyncDialect();

export function toQuery(statement: Statement) {
  return is(statement, SQL) ? dialect.sqlToQuery(statement) : statement.toSQL();
}

export async function runBatch(db: ShardDb | ControlDb, statements: Statement[]) {
  if (statements.length === 0) return [];
  const d1 = db.$client;
  return d1.batch(
    statements.map((s) => {
      const q = toQuery(s);
      return d1.prepare(q.sql).bind(...(q.params as unknown[]));
    }),
  );
}

/** D1 binds at most 100 parameters per statement (STACK.md). */
export const D1_MAX_PARAMS = 100;

/**
 * Multi-row statements that each stay under D1's 100 bound parameters. The rows per statement come
 * from what a row really binds (drizzle binds every column it fills, defaults included, so a
 * hand-counted constant goes stale when a column is added: 7 content rows once bound 119), measured
 * on single-row statements of the first rows.
 */
export function withinParamLimit<T>(rows: readonly T[], build: (part: T[]) => Statement): Statement[] {
  if (rows.length === 0) return [];
  const perRow = Math.max(1, ...rows.slice(0, 20).map((row) => toQuery(build([row])).params.length));
  const size = Math.max(1, Math.floor(D1_MAX_PARAMS / perRow));
  const out: Statement[] = [];
  for (let i = 0; i < rows.length; i += size) out.push(build(rows.slice(i, i + size)));
  return out;
}
