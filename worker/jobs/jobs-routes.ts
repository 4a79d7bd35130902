import { Hono } from 'hono';
import { and, eq } from 'drizzle-orm';
import { aiTaskLogs } from '../../core/schema/shard';
import { jobListQuery } from '../../core/validation/system';
import { coordinatorOf } from '../../durable-objects/site-coordinator/engine/client';
import { startJob } from './start-job';
import type { AppEnv } from '../env';
import { BadRequest, NotFound } from '../http/errors';
import { ok } from '../http/respond';
import { describe, query } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { tenantContext, type Tenant } from '../middleware/tenant';
import { requireSite, type AccessMode } from '../sites/access';

const JOB_ID = /^[A-Za-z0-9-]{8,64}$/;

/** A job by id, through its AITaskLog (account-scoped), if the user can see its site. */
async function requireJob(tenant: Tenant, jobId: string, mode: AccessMode) {
  if (!JOB_ID.test(jobId)) throw new NotFound('Task');
  const log = await tenant.db
    .select({ site_id: aiTaskLogs.site_id, function_name: aiTaskLogs.function_name, payload: aiTaskLogs.payload })
    .from(aiTaskLogs)
    .where(and(eq(aiTaskLogs.account_id, tenant.account.id), eq(aiTaskLogs.job_id, jobId)))
    .get();
  if (!log) throw new NotFound('Task');
  try {
    await requireSite(tenant, log.site_id, mode);
  } catch (err) {
    if (err instanceof NotFound) throw new NotFound('Task');
    throw err;
  }
  return log;
}

/** `/api/v1/system/settings/task_progress/{task_id}/`: the seed's polling endpoint, kept for its clients. */
export const taskProgressRoutes = new Hono<AppEnv>()
  .use('*', authenticate, tenantContext)
  .get(
    '/:taskId',
    describe('Progress of an AI job (polling; the UI gets the same over the site socket)', ['system']),
    async (c) => {
      const tenant = c.get('tenant');
      const jobId = c.req.param('taskId');
      const log = await requireJob(tenant, jobId, 'read');
      const job = await coordinatorOf(c.env, tenant.account.id, log.site_id).getJob(jobId);
      if (!job) throw new NotFound('Task');
      // The seed's shape (state + meta) next to the full job.
      const state =
        job.status === 'succeeded'
          ? 'SUCCESS'
          : job.status === 'failed' || job.status === 'cancelled'
            ? 'FAILURE'
            : 'PROGRESS';
      return ok(c, { state, meta: { phase: job.phase, percentage: job.progress, message: job.message }, job });
    },
  );

export const jobRoutes = new Hono<AppEnv>()
  .use('*', authenticate, tenantContext)
  .get('/', describe('AI jobs of a site, newest first', ['system']), query(jobListQuery), async (c) => {
    const tenant = c.get('tenant');
    const q = c.req.valid('query');
    await requireSite(tenant, q.site_id, 'read');
    return ok(c, await coordinatorOf(c.env, tenant.account.id, q.site_id).listJobs(q.limit));
  })
  .post(
    '/:jobId/cancel',
    describe('Cancel a queued or running job (its credits are released)', ['system']),
    async (c) => {
      const tenant = c.get('tenant');
      const jobId = c.req.param('jobId');
      const log = await requireJob(tenant, jobId, 'write');
      const job = await coordinatorOf(c.env, tenant.account.id, log.site_id).cancel(
        jobId,
        tenant.user.name || tenant.user.email,
      );
      if (!job) throw new NotFound('Task');
      return ok(c, job);
    },
  )
  .post('/:jobId/retry', describe('Run a failed or cancelled job again, as a new job', ['system']), async (c) => {
    const tenant = c.get('tenant');
    const jobId = c.req.param('jobId');
    const log = await requireJob(tenant, jobId, 'write');
    const old = await coordinatorOf(c.env, tenant.account.id, log.site_id).getJob(jobId);
    if (!old) throw new NotFound('Task');
    if (old.status !== 'failed' && old.status !== 'cancelled')
      throw new BadRequest(`Only failed or cancelled jobs can be retried; this one is ${old.status}.`, 'not_retryable');
    const job = await startJob(c, tenant, log.site_id, log.function_name, log.payload, jobId);
    return ok(c, { task_id: job.id, job }, 202, 'Retry started.');
  });
