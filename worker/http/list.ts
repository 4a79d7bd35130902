import { asc, count, desc, type SQL } from 'drizzle-orm';
import type { BatchItem } from 'drizzle-orm/batch';
import type { SelectedFields } from 'drizzle-orm/sqlite-core';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { ListQuery } from '../../core/validation/common';
import type { ShardDb, ControlDb } from '../db/shards';
import { ValidationError } from './errors';

/**
 * `?ordering=name` / `?ordering=-created_at` against an allow-list of columns. The row id is always
 * the last sort key so that pages are stable when many rows share a value.
 */
export function orderingOf(
  requested: string | undefined,
  allowed: Record<string, SQLiteColumn>,
  fallback: string,
  idColumn: SQLiteColumn,
): SQL[] {
  const spec = requested || fallback;
  const descending = spec.startsWith('-');
  const field = descending ? spec.slice(1) : spec;
  // An own-property lookup: `allowed[field]` would find `constructor`, `__proto__` or `toString` on
  // Object.prototype and hand drizzle a function instead of a column (a 500).
  const column = Object.hasOwn(allowed, field) ? allowed[field] : undefined;
  if (!column) {
    throw new ValidationError({
      ordering: [`Order by one of: ${Object.keys(allowed).join(', ')} (prefix - for descending).`],
    });
  }
  return [descending ? desc(column) : asc(column), descending ? desc(idColumn) : asc(idColumn)];
}

/**
 * One page of rows and the total count, fetched in a single D1 round trip (batch). `columns`
 * picks what a row carries (default: every column); `alongside` is one more query answered in the
 * same round trip (a list's access check), its rows returned as `alongside`.
 */
export async function pageOf<T extends SQLiteTable, A = never>(
  db: ShardDb | ControlDb,
  table: T,
  where: SQL | undefined,
  order: SQL[],
  q: Pick<ListQuery, 'page' | 'page_size'>,
  options: { columns?: SelectedFields; alongside?: BatchItem<'sqlite'> & PromiseLike<A> } = {},
) {
  const select = options.columns ? db.select(options.columns) : db.select();
  const rowsQuery = select
    .from(table as SQLiteTable)
    .where(where)
    .orderBy(...order)
    .limit(q.page_size)
    .offset((q.page - 1) * q.page_size);
  const countQuery = db
    .select({ n: count() })
    .from(table as SQLiteTable)
    .where(where);
  if (options.alongside) {
    const [rows, totals, alongside] = await db.batch([rowsQuery, countQuery, options.alongside]);
    return { rows: rows as T['$inferSelect'][], count: totals[0]?.n ?? 0, alongside: alongside as A };
  }
  const [rows, totals] = await db.batch([rowsQuery, countQuery]);
  return { rows: rows as T['$inferSelect'][], count: totals[0]?.n ?? 0, alongside: undefined };
}
