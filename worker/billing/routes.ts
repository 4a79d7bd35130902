import { Hono } from 'hono';
import { and, eq, gte, lte, sql } from 'drizzle-orm';
import { z } from 'zod';
import { creditTransactions, creditUsageLogs } from '../../core/schema/shard';
import { budgetAlertsBody, usageSeriesQuery } from '../../core/validation/billing';
import { creditTransactionsQuery, usageQuery } from '../../core/validation/system';
import type { AppEnv } from '../env';
import { orderingOf, pageOf } from '../http/list';
import { ok, page } from '../http/respond';
import { body, describe, query } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { requirePermission, tenantContext } from '../middleware/tenant';
import { activeAlerts, alertsOf, saveAlerts } from './alerts';
import { balanceOf, grantCredits } from './ledger';
import { planLimits } from './limits';
import { usageSeries } from './usage-series';

/**
 * Balance, ledger and usage with cost: owners (and developers) only, per the access matrix. The
 * plan's limits with their usage are every member's (settings/account shows them): that route is
 * registered before the owner-only middleware, and Hono runs handlers in registration order.
 */
export const billingRoutes = new Hono<AppEnv>()
  .get(
    '/limits',
    describe('The plan’s limits (sites, users, keywords, clusters) with what the account uses', ['billing']),
    authenticate,
    tenantContext,
    async (c) => ok(c, await planLimits(c.get('tenant'))),
  )
  .use('*', authenticate, tenantContext, requirePermission('billing:read'))
  .get('/balance', describe('Credit balance: spendable now and held by running jobs', ['billing']), async (c) => {
    const tenant = c.get('tenant');
    const { balance, reserved } = await balanceOf(tenant.db, tenant.account.id);
    return ok(c, { balance, reserved, total: balance + reserved });
  })
  .get(
    '/transactions',
    describe('The credit ledger, newest first', ['billing']),
    query(creditTransactionsQuery),
    async (c) => {
      const tenant = c.get('tenant');
      const q = c.req.valid('query');
      const where = and(
        eq(creditTransactions.account_id, tenant.account.id),
        q.transaction_type ? sql`${creditTransactions.transaction_type} = ${q.transaction_type}` : undefined,
      );
      const order = orderingOf(
        q.ordering,
        { created_at: creditTransactions.created_at, amount: creditTransactions.amount, id: creditTransactions.id },
        '-created_at',
        creditTransactions.id,
      );
      const { rows, count } = await pageOf(tenant.db, creditTransactions, where, order, q);
      return page(c, rows, count, q.page, q.page_size);
    },
  )
  .get(
    '/usage',
    describe('AI usage with credits, tokens and cost (USD)', ['billing']),
    query(usageQuery),
    async (c) => {
      const tenant = c.get('tenant');
      const q = c.req.valid('query');
      const where = and(
        eq(creditUsageLogs.account_id, tenant.account.id),
        q.operation_type ? eq(creditUsageLogs.operation_type, q.operation_type) : undefined,
        q.since ? gte(creditUsageLogs.created_at, q.since) : undefined,
        q.until ? lte(creditUsageLogs.created_at, q.until) : undefined,
      );
      const order = orderingOf(
        q.ordering,
        {
          created_at: creditUsageLogs.created_at,
          credits_used: creditUsageLogs.credits_used,
          cost_usd: creditUsageLogs.cost_usd,
          id: creditUsageLogs.id,
        },
        '-created_at',
        creditUsageLogs.id,
      );
      const { rows, count } = await pageOf(tenant.db, creditUsageLogs, where, order, q);
      return page(c, rows, count, q.page, q.page_size);
    },
  )
  .get(
    '/usage/summary',
    describe('Usage totals per operation', ['billing']),
    query(usageQuery.pick({ since: true, until: true })),
    async (c) => {
      const tenant = c.get('tenant');
      const q = c.req.valid('query');
      const rows = await tenant.db
        .select({
          operation_type: creditUsageLogs.operation_type,
          jobs: sql<number>`count(*)`,
          credits: sql<number>`sum(${creditUsageLogs.credits_used})`,
          cost_usd: sql<number>`round(sum(${creditUsageLogs.cost_usd}), 6)`,
          tokens_input: sql<number>`sum(${creditUsageLogs.tokens_input})`,
          tokens_output: sql<number>`sum(${creditUsageLogs.tokens_output})`,
        })
        .from(creditUsageLogs)
        .where(
          and(
            eq(creditUsageLogs.account_id, tenant.account.id),
            q.since ? gte(creditUsageLogs.created_at, q.since) : undefined,
            q.until ? lte(creditUsageLogs.created_at, q.until) : undefined,
          ),
        )
        .groupBy(creditUsageLogs.operation_type)
        .all();
      return ok(c, rows);
    },
  )
  .get(
    '/usage/series',
    describe('Usage per day or month (UTC), by operation or by site', ['billing'], {
      description: 'At most 92 days or 24 months per request; `since` and `until` are whole buckets, inclusive.',
    }),
    query(usageSeriesQuery),
    async (c) => {
      const tenant = c.get('tenant');
      return ok(c, await usageSeries(tenant.db, tenant.account.id, c.req.valid('query')));
    },
  )
  .get('/budget-alerts', describe('Budget alerts per day and month', ['billing']), async (c) => {
    const tenant = c.get('tenant');
    return ok(c, await alertsOf(tenant.db, tenant.account.id));
  })
  .put(
    '/budget-alerts',
    describe('Replace the budget alerts (one per period; thresholds in % of the limit, ascending)', ['billing']),
    requirePermission('billing:manage'),
    body(budgetAlertsBody),
    async (c) => {
      const tenant = c.get('tenant');
      return ok(c, await saveAlerts(tenant.db, tenant.account.id, c.req.valid('json')), 200, 'Budget alerts saved.');
    },
  )
  .get(
    '/budget-alerts/active',
    describe('Budget thresholds crossed in the current day or month, with used and limit', ['billing']),
    async (c) => {
      const tenant = c.get('tenant');
      return ok(c, await activeAlerts(tenant.db, tenant.account.id));
    },
  )
  /** Developers top up or correct an account's credits (there is no payment provider yet). */
  .post(
    '/adjust',
    describe('Add or remove credits (developers only)', ['billing']),
    requirePermission('accounts:any'),
    body(
      z.object({
        amount: z
          .number()
          .int()
          .min(-1_000_000)
          .max(1_000_000)
          .refine((n) => n !== 0, 'Not zero.'),
        reason: z.string().trim().min(3).max(300),
        idempotency_key: z.string().min(8).max(100),
      }),
    ),
    async (c) => {
      const tenant = c.get('tenant');
      const input = c.req.valid('json');
      await grantCredits(tenant.db, {
        accountId: tenant.account.id,
        amount: input.amount,
        key: `adjust:${input.idempotency_key}`,
        type: 'adjustment',
        description: input.reason,
      });
      return ok(c, await balanceOf(tenant.db, tenant.account.id));
    },
  );
