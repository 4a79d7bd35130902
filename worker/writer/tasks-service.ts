/**
 * The writer owns the `tasks` table (core/schema/owners.ts): the planner queues ideas through
 * these functions. They return statements unrun, for the caller's single D1 batch (DESIGN §7: the
 * tasks and the ideas' new status land together or not at all).
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { tasks } from '../../core/schema/shard';
import { forIdsWithinParamLimit, withinParamLimit, type Statement } from '../db/batch';
import type { ShardDb } from '../db/shards';
import { idList } from '../db/id-list';

export type NewTask = typeof tasks.$inferInsert;

/**
 * Queues tasks, one statement per chunk under D1's 100 bound parameters; an idea that already has
 * a task keeps it (the unique index on idea_id: creating tasks twice is harmless).
 */
export function queueTasksStatements(db: ShardDb, rows: NewTask[]): Statement[] {
  return withinParamLimit(rows, (part) => db.insert(tasks).values(part).onConflictDoNothing());
}

/** The sectors' tasks, deleted with the sectors (for the sectors' one batch). */
export function deleteSectorsTasksStatements(db: ShardDb, accountId: number, sectorIds: number[]): Statement[] {
  return forIdsWithinParamLimit(sectorIds, (ids) =>
    db.delete(tasks).where(and(eq(tasks.account_id, accountId), inArray(tasks.sector_id, ids))),
  );
}

/**
 * An article deleted: the task that wrote it stays (its idea is still queued work) but no longer
 * points at it, so "Generate" can write it again.
 */
export function unlinkContentTasksStatement(db: ShardDb, accountId: number, contentIds: readonly number[]) {
  return db
    .update(tasks)
    .set({ content_id: null, status: 'queued' })
    .where(and(eq(tasks.account_id, accountId), sql`${tasks.content_id} IN ${idList(contentIds)}`));
}
