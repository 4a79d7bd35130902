import { is, sql, SQL } from 'drizzle-orm';
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

/**
 * Runs the statements as ONE D1 batch (a transaction). When it fails, the error says which
 * statement failed: its index and its SQL (placeholders only: bound values can be personal data
 * or secrets, so they are never logged or put in the message). A statement that binds more than
 * D1's 100 parameters is refused before anything is sent (D1 would refuse the whole batch with
 * "too many SQL variables", naming no statement).
 */
export async function runBatch(db: ShardDb | ControlDb, statements: Statement[]) {
  if (statements.length === 0) return [];
  const d1 = db.$client;
  const queries = statements.map((s) => toQuery(s));
  const oversized = queries.findIndex((q) => q.params.length > D1_MAX_PARAMS);
  if (oversized >= 0) {
    throw batchFailure(
      queries,
      [oversized],
      `binds ${queries[oversized]!.params.length} parameters; D1 allows ${D1_MAX_PARAMS} per statement`,
    );
  }
  const prepared = queries.map((q) => d1.prepare(q.sql).bind(...(q.params as unknown[])));
  try {
    return await d1.batch(prepared);
  } catch (err) {
    const reason = errorText(err);
    throw batchFailure(queries, await locateFailure(d1, queries, reason), reason, err);
  }
}

type Query = { sql: string; params: unknown[] };

/** A failed D1 batch, naming the statement(s) that failed by index and SQL (never bound values). */
export class BatchStatementError extends Error {
  override name = 'BatchStatementError';
  constructor(
    message: string,
    /** Indexes (0-based) of the statements the failure was traced to: empty if it could not be. */
    readonly statements: number[],
    readonly total: number,
    /** The SQL of those statements, whitespace collapsed, placeholders only. */
    readonly sql: string[],
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

const MAX_SQL_IN_MESSAGE = 300;
const sqlText = (q: Query) => q.sql.replace(/\s+/g, ' ').trim();
const clip = (text: string) => (text.length > MAX_SQL_IN_MESSAGE ? `${text.slice(0, MAX_SQL_IN_MESSAGE)}…` : text);

/** The SQLite message of a D1 error (D1's own messages carry no bound values). */
function errorText(err: unknown) {
  return String((err as { message?: unknown })?.message ?? err);
}

function batchFailure(queries: Query[], at: number[], reason: string, cause?: unknown) {
  const total = queries.length;
  const sqls = at.map((i) => sqlText(queries[i]!));
  const which =
    at.length === 0
      ? `a statement of ${total} (not traced)`
      : at.length === 1
        ? `statement ${at[0]} of ${total} (${clip(sqls[0]!)})`
        : `one of statements ${at.join(', ')} of ${total} (${at.map((i, k) => `${i}: ${clip(sqls[k]!)}`).join(' | ')})`;
  const error = new BatchStatementError(`D1 batch failed at ${which}: ${reason}`, at, total, sqls, cause);
  console.error(
    JSON.stringify({
      level: 'error',
      message: 'D1 batch failed',
      statements: at,
      of: total,
      sql: sqls.map(clip),
      error: reason,
    }),
  );
  return error;
}

/**
 * Which statement of a failed batch failed. A statement SQLite can't compile (syntax, a missing
 * table or column, too many variables) is found by EXPLAIN, which compiles without running
 * anything, bisecting the batch in a few round trips. A failure at run time (a constraint) names
 * its table: the statements that write that table are the candidates.
 */
async function locateFailure(d1: D1Database, queries: Query[], reason: string): Promise<number[]> {
  try {
    const explain = (from: number, to: number) =>
      d1.batch(queries.slice(from, to).map((q) => d1.prepare(`EXPLAIN ${q.sql}`).bind(...(q.params as unknown[]))));
    const compiles = async (from: number, to: number) =>
      explain(from, to).then(
        () => true,
        () => false,
      );
    if (!(await compiles(0, queries.length))) {
      let [from, to] = [0, queries.length];
      while (to - from > 1) {
        const mid = Math.floor((from + to) / 2);
        if (!(await compiles(from, mid))) to = mid;
        else from = mid;
      }
      return [from];
    }
  } catch {
    /* tracing is best effort */
  }
  const table = /constraint failed: [`"]?(\w+)[`"]?\./i.exec(reason)?.[1];
  if (!table) return [];
  const writes = new RegExp(
    `^\\s*(?:insert(?:\\s+or\\s+\\w+)?\\s+into|update(?:\\s+or\\s+\\w+)?|delete\\s+from)\\s+[\`"]?${table}[\`"]?[\\s(]`,
    'i',
  );
  return queries.flatMap((q, i) => (writes.test(q.sql) ? [i] : []));
}

/** D1 binds at most 100 parameters per statement (STACK.md). */
export const D1_MAX_PARAMS = 100;

/**
 * Multi-row statements that each stay under D1's 100 bound parameters, for a list of any length:
 * `build` makes one statement from a part of the rows, and the parts are as large as D1 allows.
 * What a row binds and what the statement binds besides the rows are measured on statements of
 * one and two rows (drizzle binds every column it fills, defaults included, so a hand-counted
 * constant goes stale when a column is added: 7 content rows once bound 119); every statement is
 * then checked, and a part that still binds too many (rows that bind more than the first ones) is
 * made smaller. The statements go into ONE batch with the rest of the job's writes.
 */
export function withinParamLimit<T>(rows: readonly T[], build: (part: T[]) => Statement): Statement[] {
  if (rows.length === 0) return [];
  const count = (part: T[]) => toQuery(build(part)).params.length;
  const one = count(rows.slice(0, 1));
  const perRow = rows.length > 1 ? Math.max(1, count(rows.slice(0, 2)) - one) : one;
  const fixed = Math.max(0, one - perRow);
  const size = Math.max(1, Math.floor((D1_MAX_PARAMS - fixed) / perRow));
  const out: Statement[] = [];
  for (let i = 0; i < rows.length; ) {
    const rest = rows.length - i;
    const attempt = (n: number) => {
      const statement = build(rows.slice(i, i + n));
      return { n, statement, fits: toQuery(statement).params.length <= D1_MAX_PARAMS };
    };
    let best = attempt(Math.min(size, rest));
    if (!best.fits) {
      // The most rows from here that fit (binary search between 0 and the estimate).
      let [lo, hi] = [0, best.n];
      let found: ReturnType<typeof attempt> | null = null;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        const tried = attempt(mid);
        if (tried.fits) [lo, found] = [mid, tried];
        else hi = mid;
      }
      if (!found) found = lo === 0 ? attempt(1) : attempt(lo);
      if (!found.fits)
        throw new Error(
          `One row binds ${toQuery(found.statement).params.length} parameters; ` +
            `D1 allows ${D1_MAX_PARAMS} per statement.`,
        );
      best = found;
    }
    out.push(best.statement);
    i += best.n;
  }
  return out;
}

/**
 * `column IN (…ids)` statements over a list of ids of any length, each under D1's limit (the
 * statements go into ONE batch). `build` gets the ids of one statement.
 */
export function forIdsWithinParamLimit(ids: readonly number[], build: (ids: number[]) => Statement): Statement[] {
  return withinParamLimit([...new Set(ids)], build);
}

/** The SQL list `?, ?, …` of the values, for raw `sql` templates. */
export function sqlList(values: readonly unknown[]) {
  return sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );
}
