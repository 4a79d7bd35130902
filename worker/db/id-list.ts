import { type SQL, sql } from 'drizzle-orm';

/**
 * `(SELECT value FROM json_each(?))`: any number of ids as ONE bound parameter. D1 binds at most
 * 100 parameters per statement, so `IN (?, ?, …)` would need a statement per 90 ids; this keeps a
 * bulk action over thousands of rows to one statement per table in its batch.
 */
export function idList(ids: readonly number[]): SQL {
  return sql`(SELECT value FROM json_each(${JSON.stringify(ids)}))`;
}
