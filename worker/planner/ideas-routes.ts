import { Hono, type Context } from 'hono';
import { and, eq } from 'drizzle-orm';
import { contentIdeas } from '../../core/schema/shard';
import { createIdeaBody, ideaListQuery, ideaSelectionBody, updateIdeaBody } from '../../core/validation/planner';
import type { AppEnv } from '../env';
import { queueTasksStatements } from '../writer/tasks-service';
import { created } from '../http/respond';
import { body, describe } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { tenantContext, type Tenant } from '../middleware/tenant';
import { notifySite } from './notify';
import { createTasksFromIdeasService, ideaResource, requireIdeaAuthor } from './ideas-service';
import { requireClusterInSite, requirePlacement } from './scope';

/**
 * Writer tasks from ideas (one per idea; an idea that already has a task is skipped). The task
 * keeps the idea's outline through idea_id, so content generation follows it. The route's version
 * also tells the site's members (the service is the automation's, whose runner announces changes).
 */
export async function createTasksFromIdeas(c: Context<AppEnv>, tenant: Tenant, ids: number[]) {
  const { siteId, ...result } = await createTasksFromIdeasService(tenant, ids, queueTasksStatements);
  notifySite(c, tenant, siteId, ['ideas', 'tasks']);
  return result;
}

const IDEAS_PER_CALL = 500;

export const ideaRoutes = new Hono<AppEnv>()
  .use('*', authenticate, tenantContext)
  .route('/', ideaResource.routes({ list: ideaListQuery }))
  .post('/', describe('Add an idea by hand', ['planner']), body(createIdeaBody), async (c) => {
    const tenant = c.get('tenant');
    const input = c.req.valid('json');
    await requirePlacement(tenant, input.site_id, input.sector_id);
    await requireClusterInSite(tenant, input.site_id, input.cluster_id);
    await requireIdeaAuthor(tenant, input.author_profile_id);
    const [row] = await tenant.db
      .insert(contentIdeas)
      .values({ ...input, account_id: tenant.account.id })
      .returning();
    notifySite(c, tenant, input.site_id, ['ideas']);
    return created(c, row);
  })
  .post(
    '/create_tasks',
    describe('Turn ideas into writer tasks (by ids or by the list filter)', ['planner']),
    body(ideaSelectionBody),
    async (c) => {
      const tenant = c.get('tenant');
      const { rows } = await ideaResource.resolve(tenant, c.req.valid('json'), 'write');
      const ids = rows.map((r) => r.id);
      const result = { created: 0, already_had_tasks: 0 };
      // The service takes 500 ideas a call (one D1 batch each): a larger filter goes in parts.
      for (let at = 0; at < ids.length; at += IDEAS_PER_CALL) {
        const part = await createTasksFromIdeas(c, tenant, ids.slice(at, at + IDEAS_PER_CALL));
        result.created += part.created;
        result.already_had_tasks += part.already_had_tasks;
      }
      return created(c, result, `${result.created} tasks created.`);
    },
  )
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
          await requireIdeaAuthor(tenant, input.author_profile_id);
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
