/**
 * `/api/v1/site-builder/pages`: a blueprint's pages in navigation order, their typed blocks, the
 * whole order at once, and edits guarded by the page's version (409 `page_changed`).
 */
import { Hono } from 'hono';
import { pageCreateBody, pageListQuery, pageOrderBody, pageUpdateBody } from '../../core/validation/site-builder';
import type { AppEnv } from '../env';
import { created, ok, page } from '../http/respond';
import { body, describe, idParam, query } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { tenantContext } from '../middleware/tenant';
import { notifySite } from '../planner/notify';
import { requireBlueprint } from './blueprints';
import { createPage, deletePage, presentPage, reorderPages, requirePage, updatePage } from './pages';
import { listPages } from './service';

const TAGS = ['site-builder'];

export const pageRoutes = new Hono<AppEnv>()
  .use('*', authenticate, tenantContext)
  .get('/', describe("A blueprint's pages in navigation order", TAGS), query(pageListQuery), async (c) => {
    const tenant = c.get('tenant');
    const q = c.req.valid('query');
    const blueprint = await requireBlueprint(tenant, q.blueprint_id, 'read');
    const all = await listPages(tenant.db, tenant.account.id, blueprint.id);
    const from = (q.page - 1) * q.page_size;
    return page(c, all.slice(from, from + q.page_size).map(presentPage), all.length, q.page, q.page_size);
  })
  .post(
    '/',
    describe('Add a page (slug derived from the title unless given; last in the order)', TAGS),
    body(pageCreateBody),
    async (c) => {
      const tenant = c.get('tenant');
      const input = c.req.valid('json');
      const blueprint = await requireBlueprint(tenant, input.blueprint_id, 'write');
      const row = await createPage(tenant, blueprint, input);
      notifySite(c, tenant, row.site_id, ['pages']);
      return created(c, presentPage(row));
    },
  )
  .post(
    '/reorder',
    describe("Set the whole order of a blueprint's pages (every page once, with its parent)", TAGS),
    body(pageOrderBody),
    async (c) => {
      const tenant = c.get('tenant');
      const input = c.req.valid('json');
      const blueprint = await requireBlueprint(tenant, input.blueprint_id, 'write');
      const rows = await reorderPages(tenant, blueprint, input);
      notifySite(c, tenant, blueprint.site_id, ['pages']);
      return ok(c, rows.map(presentPage));
    },
  )
  .get('/:id', describe('A page with its blocks', TAGS), async (c) => {
    const row = await requirePage(c.get('tenant'), idParam(c), 'read');
    return ok(c, presentPage(row));
  })
  .patch(
    '/:id',
    describe('Change a page (send the version you edited: 409 page_changed when it moved on)', TAGS),
    body(pageUpdateBody),
    async (c) => {
      const tenant = c.get('tenant');
      const row = await requirePage(tenant, idParam(c), 'write');
      const updated = await updatePage(tenant, row, c.req.valid('json'));
      notifySite(c, tenant, row.site_id, ['pages']);
      return ok(c, presentPage(updated));
    },
  )
  .delete('/:id', describe('Delete a page (pages under it move to the top level)', TAGS), async (c) => {
    const tenant = c.get('tenant');
    const row = await requirePage(tenant, idParam(c), 'write');
    await deletePage(tenant, row);
    notifySite(c, tenant, row.site_id, ['pages']);
    return ok(c, null, 200, 'Page deleted.');
  });
