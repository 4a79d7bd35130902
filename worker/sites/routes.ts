import { Hono } from 'hono';
import { eq } from 'drizzle-orm';
import type { z } from 'zod';
import { sites, type SiteRow } from '../../core/schema/shard';
import { createSiteBody, siteListQuery, updateSiteBody } from '../../core/validation/sites';
import type { AppEnv } from '../env';
import { scopedResource } from '../http/scoped-resource';
import { created } from '../http/respond';
import { body, describe } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { requirePermission, tenantContext } from '../middleware/tenant';
import { createSite, deleteSitesStatements, publicSite, siteSearch, updateSite } from './service';

const siteResource = scopedResource<
  SiteRow & { site_id: number },
  z.output<typeof siteListQuery>,
  ReturnType<typeof publicSite>
>({
  table: sites,
  scope: 'site',
  noun: 'Site',
  plural: 'sites',
  tags: ['sites'],
  writePermission: 'sites:manage',
  orderable: { name: sites.name, created_at: sites.created_at, status: sites.status, id: sites.id },
  defaultOrdering: 'name',
  filters: (q) => [
    q.status ? eq(sites.status, q.status) : undefined,
    q.industry_id ? eq(sites.industry_id, q.industry_id) : undefined,
    siteSearch(q.search),
  ],
  present: publicSite,
  deleteStatements: (tenant, ids) => deleteSitesStatements(tenant, ids),
});

export const siteRoutes = new Hono<AppEnv>()
  .use('*', authenticate, tenantContext)
  .route('/', siteResource.routes({ list: siteListQuery, bulkDelete: true }))
  .post(
    '/',
    describe('Create a site (within the plan limit)', ['sites']),
    requirePermission('sites:manage'),
    body(createSiteBody),
    async (c) => {
      const site = await createSite(c.get('tenant'), c.req.valid('json'));
      return created(c, publicSite(site));
    },
  )
  .route(
    '/',
    siteResource.routes({
      get: true,
      patch: {
        body: updateSiteBody,
        summary: 'Change a site',
        apply: (_c, tenant, site, input) => updateSite(tenant, site, input),
      },
      delete: { summary: 'Delete a site', message: 'Site deleted.' },
    }),
  );
