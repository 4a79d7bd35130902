import { Hono, type Context } from 'hono';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { contentIdeas, tasks } from '../../core/schema/shard';
import { createIdeaBody, ideaListQuery, idsBody, updateIdeaBody } from '../../core/validation/planner';
import { chunk } from '../../durable-objects/site-coordinator/ai-function';
import { forIdsWithinParamLimit, runBatch, withinParamLimit } from '../db/batch';
import type { AppEnv } from '../env';
import { ValidationError } from '../http/errors';
import { orderingOf, pageOf } from '../http/list';
import { created, ok, page } from '../http/respond';
import { body, describe, idParam, query } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { tenantContext, type Tenant } from '../middleware/tenant';
import { notifySite } from './notify';
import { likePattern, requireClusterInSite, requirePlacement, requireScopedRow, requireSelection, scopedWhere } from './scope';

const ORDERABLE = {
  idea_title: contentIdeas.idea_title,
  estimated_word_count: contentIdeas.estimated_word_count,
  status: contentIdeas.status,
  created_at: contentIdeas.created_at,
  id: contentIdeas.id,
};

const loadIdea = (tenant: Tenant, id: number) => () =>
  tenant.db.select().from(contentIdeas).where(and(eq(contentIdeas.account_id, tenant.account.id), eq(contentIdeas.id, id))).get();

export const ideaRoutes = new Hono<AppEnv>();
ideaRoutes.use('*', authenticate, tenantContext);

ideaRoutes.get('/', describe('List content ideas', ['planner']), query(ideaListQuery), async (c) => {
  const tenant = c.get('tenant');
  const q = c.req.valid('query');
  const where = and(
    await scopedWhere(tenant, contentIdeas, q),
    q.cluster_id === 'none' ? isNull(contentIdeas.cluster_id) : q.cluster_id ? eq(contentIdeas.cluster_id, q.cluster_id) : undefined,
    q.status ? eq(contentIdeas.status, q.status) : undefined,
    q.content_structure ? eq(contentIdeas.content_structure, q.content_structure) : undefined,
    q.search ? sql`${contentIdeas.idea_title} LIKE ${likePattern(q.search)} ESCAPE '\\'` : undefined,
  );
  const { rows, count } = await pageOf(tenant.db, contentIdeas, where, orderingOf(q.ordering, ORDERABLE, '-created_at', contentIdeas.id), q);
  return page(c, rows, count, q.page, q.page_size);
});

ideaRoutes.post('/', describe('Add an idea by hand', ['planner']), body(createIdeaBody), async (c) => {
  const tenant = c.get('tenant');
  const input = c.req.valid('json');
  await requirePlacement(tenant, input.site_id, input.sector_id);
  await requireClusterInSite(tenant, input.site_id, input.cluster_id);
  const [row] = await tenant.db.insert(contentIdeas).values({ ...input, account_id: tenant.account.id }).returning();
  notifySite(c, tenant, input.site_id, ['ideas']);
  return created(c, row);
});

/**
 * Writer tasks from ideas (one per idea; an idea that already has a task is skipped). The task
 * keeps the idea's outline through idea_id, so content generation follows it.
 */
export async function createTasksFromIdeas(c: Context<AppEnv>, tenant: Tenant, ids: number[]) {
  if (new Set(ids).size > 500) throw new ValidationError({ ids: ['At most 500 ideas at once.'] });
  const { siteId, rows: selected } = await requireSelection(tenant, contentIdeas, ids, 'Idea');
  const unique = selected.map((r) => r.id);
  const a = tenant.account.id;
  // In chunks: D1 binds at most 100 parameters per statement.
  const ideas = [];
  const before = [];
  for (const part of chunk(unique, 90)) {
    ideas.push(...(await tenant.db.select().from(contentIdeas).where(and(eq(contentIdeas.account_id, a), inArray(contentIdeas.id, part))).all()));
    before.push(...(await tenant.db.select({ idea_id: tasks.idea_id }).from(tasks).where(and(eq(tasks.account_id, a), inArray(tasks.idea_id, part))).all()));
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
    ...withinParamLimit(rows, (part) => tenant.db.insert(tasks).values(part).onConflictDoNothing()),
    ...forIdsWithinParamLimit(unique, (part) => tenant.db.update(contentIdeas).set({ status: 'scheduled' }).where(and(eq(contentIdeas.account_id, a), inArray(contentIdeas.id, part)))),
  ]);
  notifySite(c, tenant, siteId, ['ideas', 'tasks']);
  return { created: ideas.length - before.length, already_had_tasks: before.length };
}

ideaRoutes.post('/create_tasks', describe('Turn ideas into writer tasks', ['planner']), body(idsBody), async (c) => {
  const result = await createTasksFromIdeas(c, c.get('tenant'), c.req.valid('json').ids);
  return created(c, result, `${result.created} tasks created.`);
});

ideaRoutes.post('/bulk_delete', describe('Delete many ideas', ['planner']), body(idsBody), async (c) => {
  const tenant = c.get('tenant');
  const { siteId, rows } = await requireSelection(tenant, contentIdeas, c.req.valid('json').ids, 'Idea');
  // One batch, each DELETE under D1's 100 bound parameters.
  await runBatch(
    tenant.db,
    forIdsWithinParamLimit(rows.map((r) => r.id), (ids) => tenant.db.delete(contentIdeas).where(and(eq(contentIdeas.account_id, tenant.account.id), inArray(contentIdeas.id, ids)))),
  );
  notifySite(c, tenant, siteId, ['ideas']);
  return ok(c, { deleted: rows.length });
});

ideaRoutes.get('/:id', describe('One idea with its outline', ['planner']), async (c) => {
  const tenant = c.get('tenant');
  return ok(c, await requireScopedRow(tenant, 'Idea', loadIdea(tenant, idParam(c)), 'read'));
});

ideaRoutes.patch('/:id', describe('Edit an idea (title, outline, status...)', ['planner']), body(updateIdeaBody), async (c) => {
  const tenant = c.get('tenant');
  const row = await requireScopedRow(tenant, 'Idea', loadIdea(tenant, idParam(c)), 'write');
  const input = c.req.valid('json');
  await requireClusterInSite(tenant, row.site_id, input.cluster_id);
  const [updated] = await tenant.db.update(contentIdeas).set(input).where(and(eq(contentIdeas.account_id, tenant.account.id), eq(contentIdeas.id, row.id))).returning();
  notifySite(c, tenant, row.site_id, ['ideas']);
  return ok(c, updated);
});

ideaRoutes.delete('/:id', describe('Delete an idea', ['planner']), async (c) => {
  const tenant = c.get('tenant');
  const row = await requireScopedRow(tenant, 'Idea', loadIdea(tenant, idParam(c)), 'write');
  await tenant.db.delete(contentIdeas).where(and(eq(contentIdeas.account_id, tenant.account.id), eq(contentIdeas.id, row.id)));
  notifySite(c, tenant, row.site_id, ['ideas']);
  return ok(c, { id: row.id, deleted: true });
});
