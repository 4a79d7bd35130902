import { Hono } from 'hono';
import { and, eq, sql } from 'drizzle-orm';
import { authorProfiles, tasks } from '../../core/schema/shard';
import { idsBody } from '../../core/validation/planner';
import { createTaskBody, generateContentBody, taskListQuery, updateTaskBody } from '../../core/validation/writer';
import { MAX_TASKS_PER_JOB } from './ai/generate-content';
import { chunk } from '../../durable-objects/site-coordinator/ai-function';
import { startJob } from '../jobs/start-job';
import { forIdsWithinParamLimit, runBatch, sqlList } from '../db/batch';
import type { AppEnv } from '../env';
import { NotFound } from '../http/errors';
import { orderingOf, pageOf } from '../http/list';
import { created, ok, page } from '../http/respond';
import { body, describe, idParam, query } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { tenantContext, type Tenant } from '../middleware/tenant';
import { createTasksFromIdeas } from '../planner/ideas-routes';
import { notifySite } from '../planner/notify';
import { likePattern, requireClusterInSite, requirePlacement, requireScopedRow, requireSelection, scopedWhere } from '../planner/scope';

const ORDERABLE = { title: tasks.title, status: tasks.status, word_count_target: tasks.word_count_target, created_at: tasks.created_at, updated_at: tasks.updated_at, id: tasks.id };

const loadTask = (tenant: Tenant, id: number) => () => tenant.db.select().from(tasks).where(and(eq(tasks.account_id, tenant.account.id), eq(tasks.id, id))).get();

/** The cluster and author profile a task points at must be the account's (the cluster in the task's site). */
async function requireReferences(tenant: Tenant, siteId: number, input: { cluster_id?: number | null | undefined; author_profile_id?: number | null | undefined }) {
  const a = tenant.account.id;
  await requireClusterInSite(tenant, siteId, input.cluster_id);
  if (input.author_profile_id != null) {
    const profile = await tenant.db.select({ id: authorProfiles.id }).from(authorProfiles).where(and(eq(authorProfiles.account_id, a), eq(authorProfiles.id, input.author_profile_id))).get();
    if (!profile) throw new NotFound('Author profile');
  }
}

export const taskRoutes = new Hono<AppEnv>();
taskRoutes.use('*', authenticate, tenantContext);

taskRoutes.get('/', describe('List writer tasks', ['writer']), query(taskListQuery), async (c) => {
  const tenant = c.get('tenant');
  const q = c.req.valid('query');
  const where = and(
    await scopedWhere(tenant, tasks, q),
    q.cluster_id ? eq(tasks.cluster_id, q.cluster_id) : undefined,
    q.status ? eq(tasks.status, q.status) : undefined,
    q.search ? sql`${tasks.title} LIKE ${likePattern(q.search)} ESCAPE '\\'` : undefined,
  );
  const { rows, count } = await pageOf(tenant.db, tasks, where, orderingOf(q.ordering, ORDERABLE, '-created_at', tasks.id), q);
  return page(c, rows, count, q.page, q.page_size);
});

taskRoutes.post('/', describe('Add a writer task by hand', ['writer']), body(createTaskBody), async (c) => {
  const tenant = c.get('tenant');
  const input = c.req.valid('json');
  await requirePlacement(tenant, input.site_id, input.sector_id);
  await requireReferences(tenant, input.site_id, input);
  const [row] = await tenant.db.insert(tasks).values({ ...input, account_id: tenant.account.id }).returning();
  notifySite(c, tenant, input.site_id, ['tasks']);
  return created(c, row);
});

taskRoutes.post('/bulk_create_from_ideas', describe('Create tasks from ideas (one per idea)', ['writer']), body(idsBody), async (c) => {
  const result = await createTasksFromIdeas(c, c.get('tenant'), c.req.valid('json').ids);
  return created(c, result, `${result.created} tasks created.`);
});

taskRoutes.post(
  '/auto_generate_content',
  describe('AI: write articles for the selected tasks (jobs of up to 50 tasks)', ['writer'], {
    description: 'Each article streams into its draft as it is written. 3 credits per article, held when accepted and charged only on success.',
  }),
  body(generateContentBody),
  async (c) => {
    const tenant = c.get('tenant');
    const { siteId, rows } = await requireSelection(tenant, tasks, c.req.valid('json').ids, 'Task');
    const jobs = [];
    for (const part of chunk(rows.map((r) => r.id), MAX_TASKS_PER_JOB)) jobs.push(await startJob(c, tenant, siteId, 'generate_content', { task_ids: part }));
    return ok(c, { task_id: jobs[0]!.id, job: jobs[0]!, task_ids: jobs.map((j) => j.id), jobs }, 202, 'Content generation started.');
  },
);

taskRoutes.post('/bulk_delete', describe('Delete many tasks', ['writer']), body(idsBody), async (c) => {
  const tenant = c.get('tenant');
  const { siteId, rows } = await requireSelection(tenant, tasks, c.req.valid('json').ids, 'Task');
  // One batch, each DELETE under D1's 100 bound parameters.
  await runBatch(tenant.db, forIdsWithinParamLimit(rows.map((r) => r.id), (ids) => sql`DELETE FROM tasks WHERE account_id = ${tenant.account.id} AND id IN (${sqlList(ids)})`));
  notifySite(c, tenant, siteId, ['tasks']);
  return ok(c, { deleted: rows.length });
});

taskRoutes.get('/:id', describe('One task', ['writer']), async (c) => {
  const tenant = c.get('tenant');
  return ok(c, await requireScopedRow(tenant, 'Task', loadTask(tenant, idParam(c)), 'read'));
});

taskRoutes.patch('/:id', describe('Edit a task', ['writer']), body(updateTaskBody), async (c) => {
  const tenant = c.get('tenant');
  const row = await requireScopedRow(tenant, 'Task', loadTask(tenant, idParam(c)), 'write');
  await requireReferences(tenant, row.site_id, c.req.valid('json'));
  const [updated] = await tenant.db.update(tasks).set(c.req.valid('json')).where(and(eq(tasks.account_id, tenant.account.id), eq(tasks.id, row.id))).returning();
  notifySite(c, tenant, row.site_id, ['tasks']);
  return ok(c, updated);
});

taskRoutes.delete('/:id', describe('Delete a task', ['writer']), async (c) => {
  const tenant = c.get('tenant');
  const row = await requireScopedRow(tenant, 'Task', loadTask(tenant, idParam(c)), 'write');
  await tenant.db.delete(tasks).where(and(eq(tasks.account_id, tenant.account.id), eq(tasks.id, row.id)));
  notifySite(c, tenant, row.site_id, ['tasks']);
  return ok(c, { id: row.id, deleted: true });
});
