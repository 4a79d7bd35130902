import { Hono } from 'hono';
import { createStrategyBody, strategyListQuery, updateStrategyBody } from '../../core/validation/strategies';
import type { AppEnv } from '../env';
import { created, ok, page } from '../http/respond';
import { body, describe, idParam, query } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { assertCan, requirePermission, tenantContext } from '../middleware/tenant';
import { createStrategy, deleteStrategy, getStrategy, listStrategies, updateStrategy } from './strategies-service';

const TAGS = ['system'];

/**
 * Content strategies per sector: CRUD; mounted at /v1/system/strategies. Any member reads the
 * strategies of sectors they can see; changes need settings:manage. A sector (or strategy) of
 * another account or of a site the user can't see is a 404. Per sector, at most one ACTIVE
 * strategy applies to each prompt type (409 otherwise). Guards per route (shared /v1/system prefix).
 */
export const strategyRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describe('List strategies (?sector_id, ?is_active, ?search)', TAGS),
    authenticate,
    tenantContext,
    query(strategyListQuery),
    async (c) => {
      const q = c.req.valid('query');
      const { rows, count } = await listStrategies(c.get('tenant'), q);
      return page(c, rows, count, q.page, q.page_size);
    },
  )
  .post(
    '/',
    describe('Create a strategy for a sector', TAGS),
    authenticate,
    tenantContext,
    requirePermission('settings:manage'),
    body(createStrategyBody),
    async (c) => {
      return created(c, await createStrategy(c.get('tenant'), c.req.valid('json')));
    },
  )
  .get('/:id', describe('A strategy', TAGS), authenticate, tenantContext, async (c) =>
    ok(c, await getStrategy(c.get('tenant'), idParam(c))),
  )
  .patch(
    '/:id',
    describe('Change a strategy (its sector stays)', TAGS),
    authenticate,
    tenantContext,
    body(updateStrategyBody),
    async (c) => {
      const tenant = c.get('tenant');
      const id = idParam(c);
      await getStrategy(tenant, id);
      assertCan(tenant, 'settings:manage');
      return ok(c, await updateStrategy(tenant, id, c.req.valid('json')));
    },
  )
  .delete('/:id', describe('Delete a strategy', TAGS), authenticate, tenantContext, async (c) => {
    const tenant = c.get('tenant');
    const id = idParam(c);
    await getStrategy(tenant, id);
    assertCan(tenant, 'settings:manage');
    await deleteStrategy(tenant, id);
    return ok(c, { id, deleted: true }, 200, 'Strategy deleted.');
  });
