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
