/**
 * The ideas resource and what other features do with ideas without a request (the automation's
 * tasks stage): its own module, so no feature imports the routes (the layer rule).
 */
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { authorProfiles, contentIdeas, tasks } from '../../core/schema/shard';
import { ideaListQuery } from '../../core/validation/planner';
import { forIdsWithinParamLimit, runBatch, type Statement } from '../db/batch';
import type { ShardDb } from '../db/shards';
import { NotFound, ValidationError } from '../http/errors';
import { scopedResource } from '../http/scoped-resource';
import type { Tenant } from '../middleware/tenant';
import { notifySite } from './notify';
import { likePattern } from './scope';

export const ideaResource = scopedResource<typeof contentIdeas.$inferSelect, z.output<typeof ideaListQuery>>({
  table: contentIdeas,
  scope: 'site-rows',
  noun: 'Idea',
  plural: 'ideas',
  tags: ['planner'],
  orderable: {
    idea_title: contentIdeas.idea_title,
    estimated_word_count: contentIdeas.estimated_word_count,
    status: contentIdeas.status,
    created_at: contentIdeas.created_at,
    id: contentIdeas.id,
  },
  defaultOrdering: '-created_at',
  filters: (q) => [
    q.cluster_id === 'none'
      ? isNull(contentIdeas.cluster_id)
      : q.cluster_id
        ? eq(contentIdeas.cluster_id, q.cluster_id)
        : undefined,
    q.status ? eq(contentIdeas.status, q.status) : undefined,
    q.content_structure ? eq(contentIdeas.content_structure, q.content_structure) : undefined,
    q.search ? sql`${contentIdeas.idea_title} LIKE ${likePattern(q.search)} ESCAPE '\\'` : undefined,
  ],
  listQuery: ideaListQuery,
  oneSitePerSelection: true,
  afterWrite: (c, tenant, siteIds) => {
    for (const siteId of siteIds) notifySite(c, tenant, siteId, ['ideas']);
  },
});

/** The writer's INSERT of new tasks (writer/tasks-service.ts queueTasksStatements: the writer owns `tasks`). */
export type QueueTasks = (db: ShardDb, rows: (typeof tasks.$inferInsert)[]) => Statement[];

/**
 * createTasksFromIdeas without a request (automation runs as the system bot): also returns the
 * site. The writer's statement builder is handed in: the writer already imports the planner, so the
 * planner importing the writer would make a folder cycle.
 */
export async function createTasksFromIdeasService(tenant: Tenant, ids: number[], queueTasksStatements: QueueTasks) {
  if (new Set(ids).size > 500) throw new ValidationError({ ids: ['At most 500 ideas at once.'] });
  const { siteIds, rows: selected } = await ideaResource.selection(tenant, ids, 'write');
  const siteId = siteIds[0]!;
  const unique = selected.map((r) => r.id);
  const a = tenant.account.id;
  // In chunks: D1 binds at most 100 parameters per statement.
  const ideas = [];
  const before = [];
  for (let at = 0; at < unique.length; at += 90) {
    const part = unique.slice(at, at + 90);
    ideas.push(
      ...(await tenant.db
        .select()
        .from(contentIdeas)
        .where(and(eq(contentIdeas.account_id, a), inArray(contentIdeas.id, part)))
        .all()),
    );
    before.push(
      ...(await tenant.db
        .select({ idea_id: tasks.idea_id })
        .from(tasks)
        .where(and(eq(tasks.account_id, a), inArray(tasks.idea_id, part)))
        .all()),
    );
  }
  const rows = ideas.map((idea) => ({
    account_id: a,
    site_id: idea.site_id,
    sector_id: idea.sector_id,
    cluster_id: idea.cluster_id,
    idea_id: idea.id,
    title: idea.idea_title,
    description: idea.description,
    target_keywords: idea.target_keywords,
    content_type: idea.content_type,
    content_structure: idea.content_structure,
    word_count_target: idea.estimated_word_count,
  }));
  await runBatch(tenant.db, [
    // Each statement under D1's 100 bound parameters (13 a task row: 7 rows a statement), one batch.
    ...queueTasksStatements(tenant.db, rows),
    ...forIdsWithinParamLimit(unique, (part) =>
      tenant.db
        .update(contentIdeas)
        .set({ status: 'scheduled' })
        .where(and(eq(contentIdeas.account_id, a), inArray(contentIdeas.id, part))),
    ),
  ]);
  return { siteId, created: ideas.length - before.length, already_had_tasks: before.length };
}

/** An idea's author must be a profile of the account (another account's id is a 404, never stored). */
export async function requireIdeaAuthor(tenant: Tenant, profileId: number | null | undefined) {
  if (profileId == null) return;
  const profile = await tenant.db
    .select({ id: authorProfiles.id })
    .from(authorProfiles)
    .where(and(eq(authorProfiles.account_id, tenant.account.id), eq(authorProfiles.id, profileId)))
    .get();
  if (!profile) throw new NotFound('Author profile');
}

/** A deleted author profile stops being any idea's author (in the writer's delete batch). */
export function clearIdeaAuthorStatement(db: ShardDb, accountId: number, profileId: number) {
  return db
    .update(contentIdeas)
    .set({ author_profile_id: null })
    .where(and(eq(contentIdeas.account_id, accountId), eq(contentIdeas.author_profile_id, profileId)));
}
