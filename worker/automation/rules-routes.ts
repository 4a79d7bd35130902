/**
 * `/api/v1/automation/rules`: a site's automation rules (CRUD), and per rule `run_now/`, `dry_run/`,
 * `pause/` and `resume/`. Reads need the site; writes and runs need data:write on it (viewers get
 * 403); rules of another account or of a site the user can't see are 404 on every route.
 */
import { eq, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { z } from 'zod';
import { automationRules } from '../../core/schema/shard';
import { createRuleBody, rulesListQuery, runNowBody, updateRuleBody } from '../../core/validation/automation';
import type { Tenant } from '../db/tenant';
import type { AppEnv } from '../env';
import { BadRequest } from '../http/errors';
import { created, ok, page } from '../http/respond';
import { scopedResource } from '../http/scoped-resource';
import { requireSite } from '../http/site-access';
import { body, describe, idParam, query } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { tenantContext } from '../middleware/tenant';
import { notifySite } from '../planner/notify';
import { startRun } from './dispatch';
import { assertAffordable, firstStageInput, usedTodayByRule } from './estimate-check';
import { planRun } from './rule-plan';
import {
  configOfRule,
  createRule,
  deleteRule,
  presentRules,
  type RuleRow,
  setRuleActive,
  updateRule,
} from './rules-service';

const TAGS = ['automation'];

const rules = scopedResource<RuleRow, z.output<typeof rulesListQuery>>({
  table: automationRules,
  scope: 'site-rows',
  noun: 'Automation rule',
  plural: 'automation rules',
  tags: TAGS,
  orderable: {
    name: automationRules.name,
    created_at: automationRules.created_at,
    updated_at: automationRules.updated_at,
    next_run_at: automationRules.next_run_at,
    id: automationRules.id,
  },
  defaultOrdering: '-created_at',
  filters: (q) => [
    q.trigger ? eq(automationRules.trigger, q.trigger) : undefined,
    q.is_active ? eq(automationRules.is_active, q.is_active === 'true') : undefined,
    q.search ? sql`${automationRules.name} LIKE ${`%${q.search.replace(/[\\%_]/g, '\\$&')}%`} ESCAPE '\\'` : undefined,
  ],
});

const viewOf = async (tenant: Tenant, row: RuleRow) => (await presentRules(tenant.db, tenant.account.id, [row]))[0]!;

/** A run's key: the client's Idempotency-Key (a retried POST finds the same run) or a fresh one. */
function manualKey(header: string | undefined) {
  const key = header?.trim();
  if (key && key.length > 200) throw new BadRequest('Idempotency-Key is at most 200 characters.');
  return `manual:${key || crypto.randomUUID()}`;
}

export const ruleRoutes = new Hono<AppEnv>()
  .use('*', authenticate, tenantContext)
  .get(
    '/',
    describe('Automation rules of a site (or of every site you can see): ?site_id=&trigger=&is_active=', TAGS),
    query(rulesListQuery),
    async (c) => {
      const tenant = c.get('tenant');
      const q = c.req.valid('query');
      const { rows, count } = await rules.list(c, q);
      return page(c, await presentRules(tenant.db, tenant.account.id, rows), count, q.page, q.page_size);
    },
  )
  .post(
    '/',
    describe('Create a rule: trigger (schedule with cron + IANA zone, event, manual), stages, caps, publishing', TAGS),
    body(createRuleBody),
    async (c) => {
      const tenant = c.get('tenant');
      const input = c.req.valid('json');
      await requireSite(tenant, input.site_id, 'write');
      const row = await createRule(tenant, input);
      notifySite(c, tenant, row.site_id, ['automation_rules']);
      return created(c, await viewOf(tenant, row));
    },
  )
  .get(
    '/:id',
    describe('A rule with its next runs, its schedule in words and its most credits a run', TAGS),
    async (c) => {
      const tenant = c.get('tenant');
      return ok(c, await viewOf(tenant, await rules.require(tenant, idParam(c), 'read')));
    },
  )
  .patch(
    '/:id',
    describe('Change a rule (send the version you read: 409 rule_changed if it moved on)', TAGS),
    body(updateRuleBody),
    async (c) => {
      const tenant = c.get('tenant');
      const row = await rules.require(tenant, idParam(c), 'write');
      const updated = await updateRule(tenant, row, c.req.valid('json'));
      notifySite(c, tenant, row.site_id, ['automation_rules']);
      return ok(c, await viewOf(tenant, updated));
    },
  )
  .delete('/:id', describe('Delete a rule (409 while one of its runs is unfinished)', TAGS), async (c) => {
    const tenant = c.get('tenant');
    const row = await rules.require(tenant, idParam(c), 'write');
    await deleteRule(tenant, row);
    notifySite(c, tenant, row.site_id, ['automation_rules']);
    return ok(c, { id: row.id, deleted: true as const }, 200, 'Rule deleted.');
  })
  .post(
    '/:id/run_now',
    describe('Start a run now without moving the schedule (402 when the balance cannot cover it)', TAGS, {
      description:
        'Send Idempotency-Key to make retries safe. With {"dry_run": true} nothing is created: the answer is the plan.',
    }),
    body(runNowBody),
    async (c) => {
      const tenant = c.get('tenant');
      const rule = await rules.require(tenant, idParam(c), 'write');
      if (c.req.valid('json').dry_run) return ok(c, { run: null, plan: await planRun(tenant, rule) });
      const config = configOfRule(rule);
      const [input, used] = await Promise.all([
        firstStageInput(tenant.db, rule, config),
        usedTodayByRule(tenant.db, rule),
      ]);
      await assertAffordable(tenant, config, input.count, used);
      const run = await startRun(c.env, {
        tenant,
        rule,
        source: 'manual',
        dedupeKey: manualKey(c.req.header('idempotency-key')),
        payload: null,
        dryRun: false,
      });
      notifySite(c, tenant, rule.site_id, ['automation_rules', 'automation_runs']);
      return ok(c, { run, plan: null }, 202, 'Run started.');
    },
  )
  .post(
    '/:id/dry_run',
    describe('What a run would take in, cost and publish when, creating nothing', TAGS),
    async (c) => {
      const tenant = c.get('tenant');
      const rule = await rules.require(tenant, idParam(c), 'write');
      return ok(c, { run: null, plan: await planRun(tenant, rule) });
    },
  )
  .post('/:id/pause', describe('Switch the rule off: it starts no run until resumed', TAGS), async (c) => {
    const tenant = c.get('tenant');
    const row = await setRuleActive(tenant, await rules.require(tenant, idParam(c), 'write'), false);
    notifySite(c, tenant, row.site_id, ['automation_rules']);
    return ok(c, await viewOf(tenant, row));
  })
  .post('/:id/resume', describe('Switch the rule on: its next run is the next cron time from now', TAGS), async (c) => {
    const tenant = c.get('tenant');
    const row = await setRuleActive(tenant, await rules.require(tenant, idParam(c), 'write'), true);
    notifySite(c, tenant, row.site_id, ['automation_rules']);
    return ok(c, await viewOf(tenant, row));
  });
