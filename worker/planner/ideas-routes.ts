import { Hono, type Context } from 'hono';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { contentIdeas, tasks } from '../../core/schema/shard';
import { createIdeaBody, ideaListQuery, idsBody, updateIdeaBody } from '../../core/validation/planner';
import { forIdsWithinParamLimit, runBatch, withinParamLimit } from '../db/batch';
import { queueTasksStatements } from '../writer/tasks-service';
import type { AppEnv } from '../env';
import { ValidationError } from '../http/errors';
import { scopedResource } from '../http/scoped-resource';
import { created } from '../http/respond';
import { body, describe } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { tenantContext, type Tenant } from '../middleware/tenant';
import { notifySite } from './notify';
import { likePattern, requireClusterInSite, requirePlacement } from './scope';

const ideaResource = scopedResource<typeof contentIdeas.$inferSelect, z.output<typeof ideaListQuery>>({
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
  oneSitePerSelection: true,
  afterWrite: (c, tenant, siteIds) => {
    for (const siteId of siteIds) notifySite(c, tenant, siteId, ['ideas']);
  },
});

/**
 * Writer tasks from ideas (one per idea; an idea that already has a task is skipped). The task
 * keeps the idea's outline through idea_id, so content generation follows it.
 */
export async function createTasksFromIdeas(c: Context<AppEnv>, tenant: Tenant, ids: number[]) {
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
  notifySite(c, tenant, siteId, ['ideas', 'tasks']);
  return { created: ideas.length - before.length, already_had_tasks: before.length };
}

export const ideaRoutes = new Hono<AppEnv>()
  .use('*', authenticate, tenantContext)
  .route('/', ideaResource.routes({ list: ideaListQuery }))
  .post('/', describe('Add an idea by hand', ['planner']), body(createIdeaBody), async (c) => {
    const tenant = c.get('tenant');
    const input = c.req.valid('json');
    await requirePlacement(tenant, input.site_id, input.sector_id);
    await requireClusterInSite(tenant, input.site_id, input.cluster_id);
    const [row] = await tenant.db
      .insert(contentIdeas)
      .values({ ...input, account_id: tenant.account.id })
      .returning();
    notifySite(c, tenant, input.site_id, ['ideas']);
    return created(c, row);
  })
  .post('/create_tasks', describe('Turn ideas into writer tasks', ['planner']), body(idsBody), async (c) => {
    const result = await createTasksFromIdeas(c, c.get('tenant'), c.req.valid('json').ids);
    return created(c, result, `${result.created} tasks created.`);
  })
  .route(
    '/',
    ideaResource.routes({
      bulkDelete: true,
      get: true,
      patch: {
        body: updateIdeaBody,
        summary: 'Edit an idea (title, outline, status...)',
        apply: async (_c, tenant, row, input) => {
          await requireClusterInSite(tenant, row.site_id, input.cluster_id);
          const [updated] = await tenant.db
            .update(contentIdeas)
            .set(input)
            .where(and(eq(contentIdeas.account_id, tenant.account.id), eq(contentIdeas.id, row.id)))
            .returning();
          return updated;
        },
      },
      delete: { summary: 'Delete an idea' },
    }),
  );
