import { Hono } from 'hono';
import { and, asc, count, eq, isNull, ne } from 'drizzle-orm';
import { renameAccountBody } from '../../core/validation/auth';
import { accounts, industries, industrySectors, plans, users } from '../../core/schema/control';
import { sites } from '../../core/schema/shard';
import { renameAccount } from '../auth/accounts';
import { controlDb } from '../db/shards';
import type { AppEnv } from '../env';
import { ok } from '../http/respond';
import { body, describe } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { requirePermission, tenantContext } from '../middleware/tenant';

/** Global catalogues (industries with their sector templates, plans) and the account itself. */
export const catalogRoutes = new Hono<AppEnv>()
  .get('/industries', describe('Industries and their sector templates', ['catalog'], { auth: false }), async (c) => {
    const control = controlDb(c.env);
    const [inds, secs] = await control.batch([
      control.select().from(industries).where(eq(industries.is_active, true)).orderBy(asc(industries.name)),
      control
        .select()
        .from(industrySectors)
        .where(eq(industrySectors.is_active, true))
        .orderBy(asc(industrySectors.name)),
    ]);
    return ok(
      c,
      inds.map((i) => ({ ...i, sectors: secs.filter((s) => s.industry_id === i.id) })),
    );
  })
  .get('/plans', describe('Plans and their limits', ['catalog'], { auth: false }), async (c) => {
    const rows = await controlDb(c.env)
      .select()
      .from(plans)
      .where(eq(plans.is_active, true))
      .orderBy(asc(plans.price_cents))
      .all();
    return ok(c, rows);
  });

export const accountRoutes = new Hono<AppEnv>()
  .use('*', authenticate, tenantContext)
  .get('/', describe('The account, its plan, limits and usage', ['account']), async (c) => {
    const tenant = c.get('tenant');
    const [row, userCount, siteCount] = await Promise.all([
      tenant.control
        .select({ account: accounts, plan: plans })
        .from(accounts)
        .innerJoin(plans, eq(plans.id, accounts.plan_id))
        .where(eq(accounts.id, tenant.account.id))
        .get(),
      tenant.control
        .select({ n: count() })
        .from(users)
        .where(and(eq(users.account_id, tenant.account.id), ne(users.status, 'disabled')))
        .get(),
      tenant.db
        .select({ n: count() })
        .from(sites)
        .where(and(eq(sites.account_id, tenant.account.id), isNull(sites.deleted_at)))
        .get(),
    ]);
    return ok(c, {
      ...row!.account,
      plan: row!.plan,
      usage: { users: userCount?.n ?? 0, sites: siteCount?.n ?? 0 },
    });
  })
  .patch(
    '/',
    describe('Rename the account (owner)', ['account']),
    requirePermission('billing:manage'),
    body(renameAccountBody),
    async (c) => {
      const tenant = c.get('tenant');
      // The account row is auth's (core/schema/owners.ts).
      const row = await renameAccount(tenant.control, tenant.account.id, c.req.valid('json').name);
      // The signed-in tenant's account exists: authenticate loaded it for this request.
      return ok(c, row!);
    },
  );
