import { type Context, Hono } from 'hono';
import { every } from 'hono/combine';
import {
  adminAccountPatch,
  adminAccountsQuery,
  auditQuery,
  creditAdjustmentBody,
  deadLettersQuery,
  planBody,
  planPatch,
  planPatchQuery,
} from '../../core/validation/admin';
import { createPlan, listPlans, updatePlan } from '../catalog/plans';
import { controlDb } from '../db/shards';
import type { AppEnv } from '../env';
import { replayDeadLetter } from '../events/dead-letters';
import { Conflict } from '../http/errors';
import { created, ok, page } from '../http/respond';
import { body, describe, idParam, query } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { requirePermission, tenantContext } from '../middleware/tenant';
import { accountDetail, adjustCredits, changeAccount, listAccounts, type Actor } from './accounts';
import { auditStatement } from './audit';
import { auditStatementWhen } from './conditional-audit';
import { deadLetter, listAudit, listDeadLetters } from './logs';

/**
 * The developer console (developer role only, 'system:admin'): mounted at /v1/admin. The guard is per
 * route, since the shard moves share the prefix (/v1/admin/moves, worker/admin/moves-routes.ts).
 */
const developerOnly = every(authenticate, tenantContext, requirePermission('system:admin'));

/** Who makes this admin change, from which request: the audit row's common part. */
// biome-ignore lint/suspicious/noExplicitAny: any route's context (its path and input types differ)
const actorOf = (c: Context<AppEnv, any, any>): Actor => {
  const tenant = c.get('tenant');
  return {
    actorUserId: tenant.user.id,
    actorAccountId: tenant.user.account_id,
    method: c.req.method,
    path: new URL(c.req.url).pathname,
    requestId: c.get('requestId'),
  };
};

export const adminRoutes = new Hono<AppEnv>()
  .get(
    '/accounts',
    developerOnly,
    describe('Accounts: search by name, slug or owner email; filter by status', ['admin']),
    query(adminAccountsQuery),
    async (c) => {
      const q = c.req.valid('query');
      const { rows, count } = await listAccounts(c.env, q);
      return page(c, rows, count, q.page, q.page_size);
    },
  )
  .get(
    '/accounts/:id',
    developerOnly,
    describe('One account: users, plan, subscription, balance, recent transactions', ['admin']),
    async (c) => ok(c, await accountDetail(c.env, idParam(c))),
  )
  .patch(
    '/accounts/:id',
    developerOnly,
    describe('Suspend, reactivate or change the plan of an account', ['admin']),
    body(adminAccountPatch),
    async (c) => ok(c, await changeAccount(c.env, idParam(c), c.req.valid('json'), actorOf(c))),
  )
  .post(
    '/accounts/:id/credits',
    developerOnly,
    describe('Add or remove credits with a reason (idempotent by key)', ['admin']),
    body(creditAdjustmentBody),
    async (c) => ok(c, await adjustCredits(c.env, idParam(c), c.req.valid('json'), actorOf(c))),
  )
  .get('/plans', developerOnly, describe('Every plan with its account count', ['admin']), async (c) =>
    ok(c, await listPlans(controlDb(c.env))),
  )
  .post('/plans', developerOnly, describe('Create a plan', ['admin']), body(planBody), async (c) => {
    const control = controlDb(c.env);
    const input = c.req.valid('json');
    const audit = auditStatement(control, {
      ...actorOf(c),
      targetAccountId: null,
      action: 'plan.create',
      detail: { after: input },
    });
    return created(c, await createPlan(control, input, [audit]));
  })
  .patch(
    '/plans/:id',
    developerOnly,
    describe('Change a plan (deactivating one in use needs ?force=true)', ['admin']),
    query(planPatchQuery),
    body(planPatch),
    async (c) => {
      const control = controlDb(c.env);
      const id = idParam(c);
      const patch = c.req.valid('json');
      const audit = auditStatement(control, {
        ...actorOf(c),
        targetAccountId: null,
        action: 'plan.update',
        detail: { plan_id: id, change: patch, force: c.req.valid('query').force },
      });
      const { after } = await updatePlan(control, id, patch, { force: c.req.valid('query').force }, [audit]);
      return ok(c, after);
    },
  )
  .get(
    '/dead-letters',
    developerOnly,
    describe('Dead letters, newest first', ['admin']),
    query(deadLettersQuery),
    async (c) => {
      const q = c.req.valid('query');
      const { rows, count } = await listDeadLetters(controlDb(c.env), q);
      return page(c, rows, count, q.page, q.page_size);
    },
  )
  .get('/dead-letters/:id', developerOnly, describe('One dead letter with its body', ['admin']), async (c) =>
    ok(c, await deadLetter(controlDb(c.env), idParam(c))),
  )
  .post(
    '/dead-letters/:id/replay',
    developerOnly,
    describe('Send a dead letter to the queue again (once)', ['admin']),
    async (c) => {
      const letter = await deadLetter(controlDb(c.env), idParam(c));
      const actor = actorOf(c);
      const replayed = await replayDeadLetter(c.env, letter, actor.actorUserId, (notReplayed) => [
        auditStatementWhen(
          {
            ...actor,
            targetAccountId: letter.account_id,
            action: 'dead_letter.replay',
            detail: { dead_letter_id: letter.id, message_id: letter.message_id, event_type: letter.event_type },
          },
          notReplayed,
        ),
      ]);
      if (!replayed) throw new Conflict('This dead letter was already replayed.', 'already_replayed');
      return ok(c, await deadLetter(controlDb(c.env), letter.id));
    },
  )
  .get(
    '/audit',
    developerOnly,
    describe('The audit log: cross-account requests and admin changes', ['admin']),
    query(auditQuery),
    async (c) => {
      const q = c.req.valid('query');
      const { rows, count } = await listAudit(controlDb(c.env), q);
      return page(c, rows, count, q.page, q.page_size);
    },
  );
