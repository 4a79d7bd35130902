import { Hono } from 'hono';
import { and, eq, isNull } from 'drizzle-orm';
import { sites } from '../../core/schema/shard';
import { createSiteBody, siteListQuery, updateSiteBody } from '../../core/validation/sites';
import type { AppEnv } from '../env';
import { pageOf, orderingOf } from '../http/list';
import { created, ok, page } from '../http/respond';
import { body, describe, idParam, query } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { assertCan, requirePermission, tenantContext } from '../middleware/tenant';
import { requireSite, siteScope } from './access';
import { createSite, deleteSite, publicSite, siteSearch, updateSite } from './service';

const ORDERABLE = { name: sites.name, created_at: sites.created_at, status: sites.status, id: sites.id };

export const siteRoutes = new Hono<AppEnv>();
siteRoutes.use('*', authenticate, tenantContext);

siteRoutes.get('/', describe('List the sites you can see', ['sites']), query(siteListQuery), async (c) => {
  const tenant = c.get('tenant');
  const q = c.req.valid('query');
  const where = and(
    eq(sites.account_id, tenant.account.id),
    isNull(sites.deleted_at),
    await siteScope(tenant, sites.id),
    q.status ? eq(sites.status, q.status) : undefined,
    q.industry_id ? eq(sites.industry_id, q.industry_id) : undefined,
    siteSearch(q.search),
  );
  const { rows, count } = await pageOf(tenant.db, sites, where, orderingOf(q.ordering, ORDERABLE, 'name', sites.id), q);
  return page(c, rows.map(publicSite), count, q.page, q.page_size);
});

siteRoutes.post('/', describe('Create a site (within the plan limit)', ['sites']), requirePermission('sites:manage'), body(createSiteBody), async (c) => {
  const site = await createSite(c.get('tenant'), c.req.valid('json'));
  return created(c, publicSite(site));
});

siteRoutes.get('/:id', describe('One site', ['sites']), async (c) => {
  return ok(c, publicSite(await requireSite(c.get('tenant'), idParam(c), 'read')));
});

siteRoutes.patch('/:id', describe('Change a site', ['sites']), body(updateSiteBody), async (c) => {
  const tenant = c.get('tenant');
  const site = await requireSite(tenant, idParam(c), 'read');
  assertCan(tenant, 'sites:manage');
  return ok(c, publicSite(await updateSite(tenant, site, c.req.valid('json'))));
});

siteRoutes.delete('/:id', describe('Delete a site', ['sites']), async (c) => {
  const tenant = c.get('tenant');
  const site = await requireSite(tenant, idParam(c), 'read');
  assertCan(tenant, 'sites:manage');
  await deleteSite(tenant, site);
  return ok(c, { id: site.id, deleted: true }, 200, 'Site deleted.');
});

