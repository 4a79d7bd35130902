import { Hono } from 'hono';
import { eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { sectors } from '../../core/schema/shard';
import {
  createSectorBody,
  sectorListQuery,
  sectorsFromTemplatesBody,
  updateSectorBody,
} from '../../core/validation/sites';
import type { AppEnv } from '../env';
import { scopedResource } from '../http/scoped-resource';
import { created } from '../http/respond';
import { body, describe } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { assertCan, tenantContext } from '../middleware/tenant';
import { requireSite } from '../sites/access';
import {
  deleteSectorsStatements,
  insertSectors,
  sectorFromInput,
  sectorFromTemplate,
  templatesByIds,
  updateSector,
} from './service';

const sectorResource = scopedResource<typeof sectors.$inferSelect, z.output<typeof sectorListQuery>>({
  table: sectors,
  scope: 'site-rows',
  noun: 'Sector',
  plural: 'sectors',
  tags: ['sectors'],
  writePermission: 'sites:manage',
  orderable: { name: sectors.name, created_at: sectors.created_at, status: sectors.status, id: sectors.id },
  defaultOrdering: 'name',
  filters: (q) => [
    q.status ? eq(sectors.status, q.status) : undefined,
    q.search
      ? sql`${sectors.name} LIKE ${`%${q.search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`} ESCAPE '\\'`
      : undefined,
  ],
  deleteStatements: (tenant, ids) => deleteSectorsStatements(tenant, ids),
});

export const sectorRoutes = new Hono<AppEnv>()
  .use('*', authenticate, tenantContext)
  .route('/', sectorResource.routes({ list: sectorListQuery, bulkDelete: true }))
  .post(
    '/',
    describe('Add a sector to a site (at most 5 active per site)', ['sectors']),
    body(createSectorBody),
    async (c) => {
      const tenant = c.get('tenant');
      const input = c.req.valid('json');
      const site = await requireSite(tenant, input.site_id, 'read');
      assertCan(tenant, 'sites:manage');
      const [template] = await templatesByIds(tenant, input.industry_sector_id ? [input.industry_sector_id] : []);
      const fromTemplate = template ? sectorFromTemplate(template) : null;
      const row = fromTemplate
        ? {
            ...fromTemplate,
            ...(input.name ? sectorFromInput({ name: input.name }) : {}),
            industry_sector_id: template!.id,
            status: input.status ?? 'active',
          }
        : sectorFromInput({ name: input.name!, description: input.description, status: input.status });
      if (input.description !== undefined) row.description = input.description;
      const [sector] = await insertSectors(tenant, site, [row]);
      // One row in, one row back (insertSectors returns what it inserted).
      return created(c, sector!);
    },
  )
  .post(
    '/from_templates',
    describe('Add several sectors from industry templates, all or none', ['sectors']),
    body(sectorsFromTemplatesBody),
    async (c) => {
      const tenant = c.get('tenant');
      const input = c.req.valid('json');
      const site = await requireSite(tenant, input.site_id, 'read');
      assertCan(tenant, 'sites:manage');
      const templates = await templatesByIds(tenant, [...new Set(input.industry_sector_ids)]);
      return created(c, await insertSectors(tenant, site, templates.map(sectorFromTemplate)));
    },
  )
  .route(
    '/',
    sectorResource.routes({
      get: true,
      patch: {
        body: updateSectorBody,
        summary: 'Rename, describe, activate or deactivate a sector',
        apply: async (_c, tenant, sector, input) =>
          updateSector(tenant, sector, await requireSite(tenant, sector.site_id, 'read'), input),
      },
      delete: { summary: 'Delete a sector and all data under it', message: 'Sector deleted.' },
    }),
  );
