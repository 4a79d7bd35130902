/**
 * `/api/v1/automation/scheduled-tasks`: the history of a site's rule starts (the seed's
 * ScheduledTask), newest first: one row per start, whether by the clock, an event or by hand, with
 * the run it made. Read-only: rows are written by the dispatcher when it starts a run.
 */
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import type { z } from 'zod';
import { scheduledTasks } from '../../core/schema/shard';
import { scheduledTasksListQuery } from '../../core/validation/automation';
import type { AppEnv } from '../env';
import { page } from '../http/respond';
import { scopedResource } from '../http/scoped-resource';
import { describe, query } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { tenantContext } from '../middleware/tenant';

type TaskRow = typeof scheduledTasks.$inferSelect;

const tasks = scopedResource<TaskRow, z.output<typeof scheduledTasksListQuery>>({
  table: scheduledTasks,
  scope: 'site-rows',
  noun: 'Scheduled task',
  plural: 'scheduled tasks',
  tags: ['automation'],
  orderable: {
    scheduled_at: scheduledTasks.scheduled_at,
    created_at: scheduledTasks.created_at,
    id: scheduledTasks.id,
  },
  defaultOrdering: '-scheduled_at',
  filters: (q) => [q.rule_id ? eq(scheduledTasks.automation_rule_id, q.rule_id) : undefined],
});

const present = (r: TaskRow) => ({
  id: r.id,
  site_id: r.site_id,
  rule_id: r.automation_rule_id,
  source: r.source,
  scheduled_at: r.scheduled_at,
  executed_at: r.executed_at,
  status: r.status,
  run_id: r.run_id,
  result: r.result,
  error_message: r.error_message,
  created_at: r.created_at,
});

export const scheduledTaskRoutes = new Hono<AppEnv>().get(
  '/',
  describe('Starts of rules (clock, event, by hand) with their runs, newest first: ?site_id=&rule_id=', ['automation']),
  authenticate,
  tenantContext,
  query(scheduledTasksListQuery),
  async (c) => {
    const q = c.req.valid('query');
    const { rows, count } = await tasks.list(c, q);
    return page(c, rows.map(present), count, q.page, q.page_size);
  },
);
