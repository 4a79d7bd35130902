import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { drizzle } from 'drizzle-orm/d1';
import type { ShardDb } from '../../worker/db/shards';

/**
 * A D1 binding over Node's built-in SQLite (`node:sqlite`, in memory), for unit specs that run in
 * plain Node. It is D1-shaped, not a drizzle sqlite-proxy: runBatch (worker/db/batch.ts) and the
 * ledger talk to `db.$client` through D1's prepare/bind/batch, so this keeps them unchanged.
 * Like D1, batch() is one transaction: a statement that throws rolls the whole batch back.
 */
type Row = Record<string, unknown>;
interface Meta {
  changes: number;
  last_row_id: number;
  duration: number;
  rows_read: number;
  rows_written: number;
}

/** D1 turns booleans into 0/1 and refuses nothing else we bind; node:sqlite takes neither booleans nor undefined. */
function bindable(value: unknown): SQLInputValue {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === undefined) return null;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return value as SQLInputValue;
}

class SqlitePrepared {
  constructor(
    private readonly db: DatabaseSync,
    readonly sql: string,
    private readonly params: SQLInputValue[] = [],
  ) {}

  bind(...values: unknown[]) {
    return new SqlitePrepared(this.db, this.sql, values.map(bindable));
  }

  /** Runs now (synchronously, so batch() can wrap statements in one transaction). */
  execute(arrays = false): { results: unknown[]; meta: Meta } {
    const stmt: StatementSync = this.db.prepare(this.sql);
    if (stmt.columns().length === 0) {
      const { changes, lastInsertRowid } = stmt.run(...this.params);
      return { results: [], meta: meta(Number(changes), Number(lastInsertRowid)) };
    }
    stmt.setReturnArrays(arrays);
    const results = stmt.all(...this.params);
    return { results, meta: meta(/\breturning\b/i.test(this.sql) ? results.length : 0, 0) };
  }

  async all<T = Row>() {
    const { results, meta } = this.execute();
    return { success: true as const, results: results as T[], meta };
  }

  async first<T = Row>(column?: string): Promise<T | null> {
    const row = this.execute().results[0] as Row | undefined;
    if (!row) return null;
    return (column === undefined ? row : row[column]) as T;
  }

  async run() {
    return this.all();
  }

  async raw<T = unknown[]>(options?: { columnNames?: boolean }): Promise<T[]> {
    const rows = this.execute(true).results as T[];
    if (!options?.columnNames) return rows;
    const names = this.db
      .prepare(this.sql)
      .columns()
      .map((c) => c.name);
    return [names as T, ...rows];
  }
}

function meta(changes: number, lastRowId: number): Meta {
  return { changes, last_row_id: lastRowId, duration: 0, rows_read: 0, rows_written: changes };
}

export class SqliteD1 {
  readonly sqlite = new DatabaseSync(':memory:');

  prepare(sql: string) {
    return new SqlitePrepared(this.sqlite, sql);
  }

  async batch(statements: SqlitePrepared[]) {
    this.sqlite.exec('BEGIN');
    try {
      const results = statements.map((s) => ({ success: true as const, ...s.execute() }));
      this.sqlite.exec('COMMIT');
      return results;
    } catch (err) {
      this.sqlite.exec('ROLLBACK');
      throw err;
    }
  }

  async exec(sql: string) {
    this.sqlite.exec(sql);
    return { count: 1, duration: 0 };
  }

  /** The same .sql files `wrangler d1 migrations apply` runs, in order. */
  migrate(folder: string) {
    const files = readdirSync(folder)
      .filter((f) => f.endsWith('.sql'))
      .sort();
    for (const file of files) this.sqlite.exec(readFileSync(join(folder, file), 'utf8'));
    return this;
  }
}

/** A shard database in memory with migrations/shard applied, as drizzle's D1 driver sees it. */
export function memoryShard(): { d1: SqliteD1; db: ShardDb } {
  const d1 = new SqliteD1().migrate(join(import.meta.dirname, '../../migrations/shard'));
  return { d1, db: drizzle(d1 as unknown as D1Database) as ShardDb };
}
