import { Hono } from 'hono';
import { and, eq, sql } from 'drizzle-orm';
import { sectors } from '../../core/schema/shard';
import {
  createSectorBody,
  sectorListQuery,
  sectorsFromTemplatesBody,
  updateSectorBody,
} from '../../core/validation/sites';
import type { AppEnv } from '../env';
import { NotFound } from '../http/errors';
import { orderingOf, pageOf } from '../http/list';
import { created, ok, page } from '../http/respond';
import { body, describe, idParam, query } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { assertCan, tenantContext, type Tenant } from '../middleware/tenant';
import { requireSite, siteScope } from '../sites/access';
import {
  deleteSector,
  insertSectors,
  sectorFromInput,
  sectorFromTemplate,
  templatesByIds,
  updateSector,
} from './service';

const ORDERABLE = { name: sectors.name, created_at: sectors.created_at, status: sectors.status, id: sectors.id };

/** A sector and its site, if the user can see that site (else 404). */
async function requireSector(tenant: Tenant, id: number) {
  const sector = await tenant.db
    .select()
    .from(sectors)
    .where(and(eq(sectors.account_id, tenant.account.id), eq(sectors.id, id)))
    .get();
  if (!sector) throw new NotFound('Sector');
  try {
    return { sector, site: await requireSite(tenant, sector.site_id, 'read') };
  } catch (err) {
    if (err instanceof NotFound) throw new NotFound('Sector');
    throw err;
  }
}

export const sectorRoutes = new Hono<AppEnv>();
sectorRoutes.use('*', authenticate, tenantContext);

sectorRoutes.get('/', describe('List sectors (of one site with ?site_id=)', ['sectors']), query(sectorListQuery), async (c) => {
  const tenant = c.get('tenant');
  const q = c.req.valid('query');
  if (q.site_id) await requireSite(tenant, q.site_id, 'read');
  const pattern = q.search ? `%${q.search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%` : null;
  const where = and(
    eq(sectors.account_id, tenant.account.id),
    await siteScope(tenant, sectors.site_id),
    sql`${sectors.site_id} IN (SELECT id FROM sites WHERE account_id = ${tenant.account.id} AND deleted_at IS NULL)`,
    q.site_id ? eq(sectors.site_id, q.site_id) : undefined,
    q.status ? eq(sectors.status, q.status) : undefined,
    pattern ? sql`${sectors.name} LIKE ${pattern} ESCAPE '\\'` : undefined,
  );
  const { rows, count } = await pageOf(tenant.db, sectors, where, orderingOf(q.ordering, ORDERABLE, 'name', sectors.id), q);
  return page(c, rows, count, q.page, q.page_size);
});

sectorRoutes.post(
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
      ? { ...fromTemplate, ...(input.name ? sectorFromInput({ name: input.name }) : {}), industry_sector_id: template!.id, status: input.status ?? 'active' }
      : sectorFromInput({ name: input.name!, description: input.description, status: input.status });
    if (input.description !== undefined) row.description = input.description;
    const [sector] = await insertSectors(tenant, site, [row]);
    return created(c, sector);
  },
);

sectorRoutes.post(
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
);

sectorRoutes.get('/:id', describe('One sector', ['sectors']), async (c) => {
  return ok(c, (await requireSector(c.get('tenant'), idParam(c))).sector);
});

sectorRoutes.patch('/:id', describe('Rename, describe, activate or deactivate a sector', ['sectors']), body(updateSectorBody), async (c) => {
  const tenant = c.get('tenant');
  const { sector, site } = await requireSector(tenant, idParam(c));
  assertCan(tenant, 'sites:manage');
  return ok(c, await updateSector(tenant, sector, site, c.req.valid('json')));
});

sectorRoutes.delete('/:id', describe('Delete a sector and all data under it', ['sectors']), async (c) => {
  const tenant = c.get('tenant');
  const { sector } = await requireSector(tenant, idParam(c));
  assertCan(tenant, 'sites:manage');
  await deleteSector(tenant, sector.id);
  return ok(c, { id: sector.id, deleted: true }, 200, 'Sector deleted.');
});
