import { Hono } from 'hono';
import { and, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { authorProfiles, tasks } from '../../core/schema/shard';
import { idsBody } from '../../core/validation/planner';
import { createTaskBody, taskListQuery, taskSelectionBody, updateTaskBody } from '../../core/validation/writer';
import { MAX_TASKS_PER_JOB } from './ai/generate-content';
import { startJob } from '../jobs/start-job';
import type { AppEnv } from '../env';
import { NotFound } from '../http/errors';
import { scopedResource } from '../http/scoped-resource';
import { created, ok } from '../http/respond';
import { body, describe } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { tenantContext, type Tenant } from '../middleware/tenant';
import { createTasksFromIdeas } from '../planner/ideas-routes';
import { notifySite } from '../planner/notify';
import { likePattern, requireClusterInSite, requirePlacement } from '../planner/scope';

const taskResource = scopedResource<typeof tasks.$inferSelect, z.output<typeof taskListQuery>>({
  table: tasks,
  scope: 'site-rows',
  noun: 'Task',
  plural: 'tasks',
  tags: ['writer'],
  orderable: {
    title: tasks.title,
    status: tasks.status,
    word_count_target: tasks.word_count_target,
    created_at: tasks.created_at,
    updated_at: tasks.updated_at,
    id: tasks.id,
  },
  defaultOrdering: '-created_at',
  filters: (q) => [
    q.cluster_id ? eq(tasks.cluster_id, q.cluster_id) : undefined,
    q.status ? eq(tasks.status, q.status) : undefined,
    q.search ? sql`${tasks.title} LIKE ${likePattern(q.search)} ESCAPE '\\'` : undefined,
  ],
  listQuery: taskListQuery,
  oneSitePerSelection: true,
  afterWrite: (c, tenant, siteIds) => {
    for (const siteId of siteIds) notifySite(c, tenant, siteId, ['tasks']);
  },
});

/** The cluster and author profile a task points at must be the account's (the cluster in the task's site). */
async function requireReferences(
  tenant: Tenant,
  siteId: number,
  input: { cluster_id?: number | null | undefined; author_profile_id?: number | null | undefined },
) {
  const a = tenant.account.id;
  await requireClusterInSite(tenant, siteId, input.cluster_id);
  if (input.author_profile_id != null) {
    const profile = await tenant.db
      .select({ id: authorProfiles.id })
      .from(authorProfiles)
      .where(and(eq(authorProfiles.account_id, a), eq(authorProfiles.id, input.author_profile_id)))
      .get();
    if (!profile) throw new NotFound('Author profile');
  }
}

export const taskRoutes = new Hono<AppEnv>()
  .use('*', authenticate, tenantContext)
  .route('/', taskResource.routes({ list: taskListQuery }))
  .post('/', describe('Add a writer task by hand', ['writer']), body(createTaskBody), async (c) => {
    const tenant = c.get('tenant');
    const input = c.req.valid('json');
    await requirePlacement(tenant, input.site_id, input.sector_id);
    await requireReferences(tenant, input.site_id, input);
    const [row] = await tenant.db
      .insert(tasks)
      .values({ ...input, account_id: tenant.account.id })
      .returning();
    notifySite(c, tenant, input.site_id, ['tasks']);
    // An INSERT … RETURNING of one row returns that row.
    return created(c, row!);
  })
  .post(
    '/bulk_create_from_ideas',
    describe('Create tasks from ideas (one per idea)', ['writer']),
    body(idsBody),
    async (c) => {
      const result = await createTasksFromIdeas(c, c.get('tenant'), c.req.valid('json').ids);
      return created(c, result, `${result.created} tasks created.`);
    },
  )
  .post(
    '/auto_generate_content',
    describe('AI: write articles for the selected tasks (jobs of up to 50 tasks)', ['writer'], {
      description:
        'Each article streams into its draft as it is written. ' +
        '3 credits per article, held when accepted and charged only on success. ' +
        'By ids (up to 500) or by the list filter.',
    }),
    body(taskSelectionBody),
    async (c) => {
      const tenant = c.get('tenant');
      const { siteIds, rows } = await taskResource.resolve(tenant, c.req.valid('json'), 'write');
      const siteId = siteIds[0]!;
      const ids = rows.map((r) => r.id);
      const jobs = [];
      for (let at = 0; at < ids.length; at += MAX_TASKS_PER_JOB) {
        const part = ids.slice(at, at + MAX_TASKS_PER_JOB);
        jobs.push(await startJob(c, tenant, siteId, 'generate_content', { task_ids: part }));
      }
      return ok(
        c,
        { task_id: jobs[0]!.id, job: jobs[0]!, task_ids: jobs.map((j) => j.id), jobs },
        202,
        'Content generation started.',
      );
    },
  )
  .route(
    '/',
    taskResource.routes({
      bulkDelete: true,
      get: true,
      patch: {
        body: updateTaskBody,
        summary: 'Edit a task',
        apply: async (_c, tenant, row, input) => {
          await requireReferences(tenant, row.site_id, input);
          const [updated] = await tenant.db
            .update(tasks)
            .set(input)
            .where(and(eq(tasks.account_id, tenant.account.id), eq(tasks.id, row.id)))
            .returning();
          return updated;
        },
      },
      delete: { summary: 'Delete a task' },
    }),
  );
