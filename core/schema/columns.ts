import { integer } from 'drizzle-orm/sqlite-core';

/**
 * Column builders shared by the control and shard schemas. Property names are snake_case on
 * purpose: rows go out over the API as they are, in the field names the seed's API clients know.
 */

export const id = () => integer().primaryKey({ autoIncrement: true });

/** Milliseconds since the epoch; Drizzle hands back a Date, which JSON renders as ISO-8601. */
export const timestamp = () => integer({ mode: 'timestamp_ms' });

export const createdAt = () =>
  timestamp()
    .notNull()
    .$defaultFn(() => new Date());

export const updatedAt = () =>
  timestamp()
    .notNull()
    .$defaultFn(() => new Date())
    .$onUpdateFn(() => new Date());

export const bool = () => integer({ mode: 'boolean' });
