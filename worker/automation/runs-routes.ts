/**
 * Automation runs, mounted at `/api/v1/automation/runs`: the history of a site's runs and the run
 * page's buttons (pause, resume, cancel, approve at the review gate, retry after a dead letter).
 * Each button is a compare-and-set on the run's version (worker/automation/runs-service.ts), then
 * a poke to the site's coordinator, which drives the run (run-hooks.ts) and tells every member.
 */
import { and, eq, type SQL } from 'drizzle-orm';
import { Hono } from 'hono';
import { AUTOMATION_RUN_STATUSES, type AutomationRunStatus } from '../../core/domain/enums';
import { automationRuns } from '../../core/schema/shard';
import { approveRunBody, runsListQuery } from '../../core/validation/automation';
import { automationRunsOf } from '../../durable-objects/site-coordinator/automation-runs-client';
import { coordinatorOf } from '../../durable-objects/site-coordinator/engine/client';
import type { AppEnv } from '../env';
import { BadRequest, Conflict, NotFound } from '../http/errors';
import { ok, page } from '../http/respond';
import { body, describe, query } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { type Tenant, tenantContext } from '../middleware/tenant';
import { requireSite, requireSiteOf, siteScope, type AccessMode } from '../sites/access';
import { systemBotTenant } from './actor';
import { handOver } from './dispatch';
import {
  isTerminal,
  listRuns,
  loadRun,
  type RunPatch,
  type RunRow,
  recordOf,
  stagesOf,
  updateRun,
  viewOf,
} from './runs-service';
import { approveArticles } from './stages';

const RUN_ID = /^run-\d{1,15}-[0-9a-f]{16}$/;

/** A run of the account on a site the user can see (else 404); `write` also needs data:write (else 403). */
async function requireRun(tenant: Tenant, runId: string, mode: AccessMode) {
  const found = RUN_ID.test(runId) ? await loadRun(tenant.db, tenant.account.id, runId) : null;
  if (!found) throw new NotFound('Run');
  await requireSiteOf(tenant, found.run.site_id, mode, 'Run');
  return found;
}

type Found = Awaited<ReturnType<typeof requireRun>>;

/**
 * Changes a run by compare-and-set, retried a few times against the coordinator's own writes: `decide`
 * sees the run as it is now and returns the patch, or throws the 409 that fits its status.
 */
async function changeRun(tenant: Tenant, found: Found, decide: (status: AutomationRunStatus, run: RunRow) => RunPatch) {
  let current = found;
  for (let attempt = 0; attempt < 5; attempt++) {
    const next = await updateRun(tenant.db, current.run, decide(current.run.status, current.run));
    if (next) return { ...current, run: next };
    current = (await loadRun(tenant.db, tenant.account.id, current.run.id)) ?? current;
  }
  throw new Conflict('The run is changing right now; try again.', 'run_changed');
}

const specOf = (tenant: Tenant, found: Found) => ({
  run_id: found.run.id,
  account_id: tenant.account.id,
  shard: tenant.shard,
  site_id: found.run.site_id,
});

/** Asks the run's coordinator to look at it now (it is not driving it any more: nothing to do). */
const poke = (c: { env: AppEnv['Bindings'] }, found: Found) =>
  automationRunsOf(c.env, found.run.account_id, found.run.site_id).pokeRun(found.run.id);

function finishedConflict(status: AutomationRunStatus) {
  if (isTerminal(status)) throw new Conflict(`The run has ended (${status}).`, 'run_finished');
}

export const runRoutes = new Hono<AppEnv>()
  .use('*', authenticate, tenantContext)
  .get('/', describe('Automation runs, newest first', ['automation']), query(runsListQuery), async (c) => {
    const tenant = c.get('tenant');
    const q = c.req.valid('query');
    const where: (SQL | undefined)[] = [
      eq(automationRuns.account_id, tenant.account.id),
      await siteScope(tenant, automationRuns.site_id),
    ];
    if (q.site_id !== undefined) {
      await requireSite(tenant, q.site_id, 'read');
      where.push(eq(automationRuns.site_id, q.site_id));
    }
    if (q.rule_id !== undefined) where.push(eq(automationRuns.rule_id, q.rule_id));
    if (q.status !== undefined) {
      if (!(AUTOMATION_RUN_STATUSES as readonly string[]).includes(q.status))
        throw new BadRequest(`status is one of ${AUTOMATION_RUN_STATUSES.join(', ')}.`, 'invalid_status');
      where.push(eq(automationRuns.status, q.status as AutomationRunStatus));
    }
    const { views, count } = await listRuns(tenant.db, and(...where), q.page_size, (q.page - 1) * q.page_size);
    return page(c, views, count, q.page, q.page_size);
  })
  .get('/:runId', describe('One automation run: its seven stages, credits, review gate', ['automation']), async (c) => {
    const tenant = c.get('tenant');
    const found = await requireRun(tenant, c.req.param('runId'), 'read');
    return ok(c, await viewOf(tenant.db, found.run, found.rule.rule_name));
  })
  .post(
    '/:runId/pause',
    describe('Pause a running run: its running jobs finish, nothing new starts', ['automation']),
    async (c) => {
      const tenant = c.get('tenant');
      const found = await changeRun(tenant, await requireRun(tenant, c.req.param('runId'), 'write'), (status) => {
        finishedConflict(status);
        if (status !== 'running' && status !== 'queued')
          throw new Conflict(`Only a running run can be paused; this one is ${status}.`, 'run_not_running');
        return { status: 'paused' };
      });
      return ok(c, await viewOf(tenant.db, found.run, found.rule.rule_name));
    },
  )
  .post('/:runId/resume', describe('Resume a paused run where it stopped', ['automation']), async (c) => {
    const tenant = c.get('tenant');
    const found = await changeRun(tenant, await requireRun(tenant, c.req.param('runId'), 'write'), (status) => {
      finishedConflict(status);
      if (status !== 'paused')
        throw new Conflict(`Only a paused run can be resumed; this one is ${status}.`, 'run_not_paused');
      return { status: 'running' };
    });
    await handOver(c.env, specOf(tenant, found));
    return ok(c, await viewOf(tenant.db, found.run, found.rule.rule_name));
  })
  .post(
    '/:runId/cancel',
    describe('Cancel a run: its queued and running jobs are cancelled and their credit holds released', ['automation']),
    async (c) => {
      const tenant = c.get('tenant');
      const found = await changeRun(tenant, await requireRun(tenant, c.req.param('runId'), 'write'), (status) => {
        finishedConflict(status);
        return { status: 'cancelled', finished_at: Date.now() };
      });
      // The coordinator cancels them too when poked (and any a racing step had just started).
      const coordinator = coordinatorOf(c.env, tenant.account.id, found.run.site_id);
      const by = tenant.user.name || tenant.user.email;
      for (const jobId of stagesOf(found.run).flatMap((s) => s.job_ids)) await coordinator.cancel(jobId, by);
      await poke(c, found);
      return ok(c, await viewOf(tenant.db, found.run, found.rule.rule_name));
    },
  )
  .post(
    '/:runId/approve',
    describe('Let the held articles (all, or content_ids) through the review gate: they are scheduled', ['automation']),
    body(approveRunBody),
    async (c) => {
      const tenant = c.get('tenant');
      const found = await requireRun(tenant, c.req.param('runId'), 'write');
      if (found.run.status !== 'awaiting_review') {
        finishedConflict(found.run.status);
        throw new Conflict(`The run is not waiting for review (${found.run.status}).`, 'run_not_awaiting_review');
      }
      // Publishes a run schedules fire as the system bot, whoever approved them (spec: "Actor").
      const bot = await systemBotTenant(c.env, tenant.account.id);
      const approval = await approveArticles(
        c.env,
        bot,
        recordOf(found.run, found.rule),
        c.req.valid('json').content_ids,
      );
      await poke(c, found);
      const now = await loadRun(tenant.db, tenant.account.id, found.run.id);
      return ok(c, { run: await viewOf(tenant.db, now!.run, now!.rule.rule_name), approval });
    },
  )
  .post('/:runId/retry', describe('Send a dead-lettered run to its coordinator again', ['automation']), async (c) => {
    const tenant = c.get('tenant');
    const found = await changeRun(tenant, await requireRun(tenant, c.req.param('runId'), 'write'), (status, run) => {
      if (status !== 'failed' || !run.dead_letter)
        throw new Conflict(
          'Only a run whose message reached the dead-letter queue can be retried.',
          'run_not_retryable',
        );
      return { status: 'queued', dead_letter: null, error: null, finished_at: null };
    });
    const spec = specOf(tenant, found);
    await c.env.EVENTS.send({ v: 1, type: 'automation.run', ...spec });
    return ok(c, await viewOf(tenant.db, found.run, found.rule.rule_name), 202, 'Sent again.');
  });
