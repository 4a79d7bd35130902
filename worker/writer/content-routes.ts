import { Hono } from 'hono';
import { content } from '../../core/schema/shard';
import { createContentBody } from '../../core/validation/draft';
import type { AppEnv } from '../env';
import { created } from '../http/respond';
import { body, describe } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { tenantContext } from '../middleware/tenant';
import { requirePlacement } from '../planner/scope';

/**
 * Minimal content create, mounted at `/api/v1/writer/content` (until the Writer module's content
 * API exists): a manual, empty draft in a sector of a site the user may write. Its DraftRoom starts
 * empty; the AI writer or an editor fills it.
 */
export const contentRoutes = new Hono<AppEnv>();

contentRoutes.post('/', describe('Create an empty content draft', ['writer']), authenticate, tenantContext, body(createContentBody), async (c) => {
  const tenant = c.get('tenant');
  const input = c.req.valid('json');
  const { site, sector } = await requirePlacement(tenant, input.site_id, input.sector_id, 'write');
  const row = await tenant.db
    .insert(content)
    .values({ account_id: tenant.account.id, site_id: site.id, sector_id: sector.id, title: input.title, source: 'manual', status: 'draft' })
    .returning()
    .get();
  return created(c, row);
});
