/**
 * Whether a failed write broke a UNIQUE constraint (of `column`, written `table.column`, if given).
 * Drizzle wraps D1's error in a DrizzleQueryError whose own message is only "Failed query: …", so
 * the SQLite message has to be looked for along the `cause` chain, not in `String(err)`.
 */
export function isUniqueViolation(err: unknown, column?: string): boolean {
  const wanted = column ? `UNIQUE constraint failed: ${column}` : 'UNIQUE constraint failed';
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (String((e as { message?: unknown }).message ?? e).includes(wanted)) return true;
  }
  return false;
}
