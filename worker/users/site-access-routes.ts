import { Hono } from 'hono';
import { and, eq, inArray } from 'drizzle-orm';
import { siteAccessOf } from '../../core/access';
import { users } from '../../core/schema/control';
import { siteUserAccess, sites } from '../../core/schema/shard';
import { grantSiteAccessBody } from '../../core/validation/auth';
import { id, listQuery } from '../../core/validation/common';
import type { AppEnv } from '../env';
import { NotFound, ValidationError } from '../http/errors';
import { orderingOf, pageOf } from '../http/list';
import { created, ok, page } from '../http/respond';
import { body, describe, idParam, query } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { requirePermission, tenantContext } from '../middleware/tenant';
import { requireSite } from '../sites/access';
import { requireAccountUser } from './service';

const ORDERABLE = { created_at: siteUserAccess.created_at, id: siteUserAccess.id };

/** SiteUserAccess: which sites editors and viewers see. Owners and admins manage it. */
export const siteAccessRoutes = new Hono<AppEnv>()
  .use('*', authenticate, tenantContext, requirePermission('users:manage'))
  .get(
    '/',
    describe('List site grants (filter by site or user)', ['users']),
    query(listQuery.extend({ site_id: id.optional(), user_id: id.optional() })),
    async (c) => {
      const tenant = c.get('tenant');
      const q = c.req.valid('query');
      // Filtering by a site or user you can't see is "not found", as everywhere else (GET /sectors/?site_id=).
      if (q.site_id) await requireSite(tenant, q.site_id, 'read');
      if (q.user_id) await requireAccountUser(tenant, q.user_id);
      const where = and(
        eq(siteUserAccess.account_id, tenant.account.id),
        q.site_id ? eq(siteUserAccess.site_id, q.site_id) : undefined,
        q.user_id ? eq(siteUserAccess.user_id, q.user_id) : undefined,
      );
      const { rows, count } = await pageOf(
        tenant.db,
        siteUserAccess,
        where,
        orderingOf(q.ordering, ORDERABLE, 'created_at', siteUserAccess.id),
        q,
      );
      // Names for the page's rows (users live in the control DB, sites in the shard): two lookups, not N.
      const userIds = [...new Set(rows.map((r) => r.user_id))];
      const siteIds = [...new Set(rows.map((r) => r.site_id))];
      const [people, places] = await Promise.all([
        userIds.length
          ? tenant.control
              .select({ id: users.id, email: users.email, name: users.name, role: users.role })
              .from(users)
              .where(and(eq(users.account_id, tenant.account.id), inArray(users.id, userIds)))
              .all()
          : [],
        siteIds.length
          ? tenant.db
              .select({ id: sites.id, name: sites.name })
              .from(sites)
              .where(and(eq(sites.account_id, tenant.account.id), inArray(sites.id, siteIds)))
              .all()
          : [],
      ]);
      return page(
        c,
        rows.map((r) => ({
          ...r,
          user: people.find((p) => p.id === r.user_id) ?? null,
          site: places.find((p) => p.id === r.site_id) ?? null,
        })),
        count,
        q.page,
        q.page_size,
      );
    },
  )
  .post('/', describe('Grant a user access to a site', ['users']), body(grantSiteAccessBody), async (c) => {
    const tenant = c.get('tenant');
    const input = c.req.valid('json');
    const user = await requireAccountUser(tenant, input.user_id);
    await requireSite(tenant, input.site_id, 'read');
    if (siteAccessOf(user.role) === 'all') {
      throw new ValidationError({ user_id: [`A ${user.role} already sees every site of the account.`] });
    }
    await tenant.db
      .insert(siteUserAccess)
      .values({
        account_id: tenant.account.id,
        site_id: input.site_id,
        user_id: input.user_id,
        granted_by_user_id: tenant.user.id,
      })
      .onConflictDoNothing();
    const grant = await tenant.db
      .select()
      .from(siteUserAccess)
      .where(
        and(
          eq(siteUserAccess.account_id, tenant.account.id),
          eq(siteUserAccess.user_id, input.user_id),
          eq(siteUserAccess.site_id, input.site_id),
        ),
      )
      .get();
    return created(c, grant);
  })
  .delete('/:id', describe('Revoke a site grant', ['users']), async (c) => {
    const tenant = c.get('tenant');
    const grantId = idParam(c);
    const deleted = await tenant.db
      .delete(siteUserAccess)
      .where(and(eq(siteUserAccess.account_id, tenant.account.id), eq(siteUserAccess.id, grantId)))
      .returning();
    if (!deleted.length) throw new NotFound('Site grant');
    return ok(c, { id: grantId, deleted: true }, 200, 'Access revoked.');
  });
