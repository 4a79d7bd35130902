import { and, desc, eq, inArray } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { DRIFT_STATUSES } from '../../core/domain/enums';
import { content, integrationDrift } from '../../core/schema/shard';
import { id, listQuery } from '../../core/validation/common';
import type { AppEnv } from '../env';
import { BadRequest, NotFound } from '../http/errors';
import { pageOf } from '../http/list';
import { ok, page } from '../http/respond';
import { body, describe, idParam, query } from '../http/validate';
import { startJob } from '../jobs/start-job';
import { authenticate } from '../middleware/authenticate';
import { tenantContext, type Tenant } from '../middleware/tenant';
import { notifySite } from '../planner/notify';
import { requireBlueprint } from '../site-builder/blueprints';
import { requireSiteOf, siteScope } from '../sites/access';
import { integrationById, wordpressCredentialsFor } from './connection';
import { dismissDrift, driftView, pullDrift, requireDrift, titleOf } from './sync/drift';
import { pushTaxonomies } from './sync/taxonomy-push';

const driftListQuery = listQuery.extend({ site_id: id.optional(), status: z.enum(DRIFT_STATUSES).optional() });
const pushBody = z.object({ blueprint_id: id }).strict();
const noBody = z.object({}).strict();

/** An integration of a site the member can see (else 404); `write` also needs a writer role (else 403). */
async function requireIntegration(tenant: Tenant, integrationId: number, mode: 'read' | 'write') {
  const row = await integrationById(tenant.db, tenant.account.id, integrationId);
  if (!row) throw new NotFound('Integration');
  await requireSiteOf(tenant, row.site_id, mode, 'Integration');
  if (row.platform !== 'wordpress')
    throw new BadRequest(`Sync is only available for WordPress, not ${row.platform}.`, 'platform_not_supported');
  return row;
}

/**
 * WordPress sync, drift and taxonomy push (mounted at /api/v1/integration, before the connection routes):
 *   POST /integrations/:id/sync/             the site's posts, pages and terms into the inventory (a job: 202)
 *   POST /integrations/:id/push_taxonomies/  a blueprint's categories and tags to WordPress {blueprint_id}
 *   GET  /drift/                             our articles edited in WordPress (site_id, status; paginated)
 *   POST /drift/:id/pull/                    the WordPress text as a new draft version "Pulled from WordPress"
 *   POST /drift/:id/dismiss/                 keep our text
 * Reading needs read access to the site; the rest a writer role (viewers 403). Other accounts' ids are 404.
 */
export const integrationSyncRoutes = new Hono<AppEnv>()
  // Guards per route, not `use('*')`: this app shares its mount point with the connection routes.
  .post(
    '/integrations/:id/sync',
    describe("Sync the site's WordPress posts, pages and terms into the inventory (a job)", ['integration'], {
      description: 'No credits. Bodies are read for prominent terms only, never stored. Progress on the site socket.',
    }),
    authenticate,
    tenantContext,
    body(noBody),
    async (c) => {
      const tenant = c.get('tenant');
      const integration = await requireIntegration(tenant, idParam(c), 'write');
      // 422 wp_not_configured naming what is missing, before a job is queued.
      await wordpressCredentialsFor(c.env, integration);
      const job = await startJob(c, tenant, integration.site_id, 'sync_integration', {
        integration_id: integration.id,
      });
      notifySite(c, tenant, integration.site_id, ['integrations']);
      return ok(c, { job }, 202, 'Sync started.');
    },
  )
  .post(
    '/integrations/:id/push_taxonomies',
    describe("Create a blueprint's categories and tags in WordPress (missing ones only)", ['integration']),
    authenticate,
    tenantContext,
    body(pushBody),
    async (c) => {
      const tenant = c.get('tenant');
      const integration = await requireIntegration(tenant, idParam(c), 'write');
      const blueprint = await requireBlueprint(tenant, c.req.valid('json').blueprint_id, 'read');
      if (blueprint.site_id !== integration.site_id)
        throw new BadRequest('That blueprint belongs to another site.', 'blueprint_other_site');
      const pushed = await pushTaxonomies(c.env, tenant, integration, blueprint.id);
      notifySite(c, tenant, integration.site_id, ['integrations']);
      return ok(c, pushed, 200, `${pushed.created} created, ${pushed.existing} already in WordPress.`);
    },
  )
  .get(
    '/drift',
    describe('Articles edited in WordPress after we published them', ['integration']),
    authenticate,
    tenantContext,
    query(driftListQuery),
    async (c) => {
      const tenant = c.get('tenant');
      const q = c.req.valid('query');
      const where = and(
        eq(integrationDrift.account_id, tenant.account.id),
        await siteScope(tenant, integrationDrift.site_id),
        q.site_id ? eq(integrationDrift.site_id, q.site_id) : undefined,
        q.status ? eq(integrationDrift.status, q.status) : undefined,
      );
      const order = [desc(integrationDrift.detected_at), desc(integrationDrift.id)];
      const { rows, count } = await pageOf(tenant.db, integrationDrift, where, order, q);
      const ids = [...new Set(rows.map((r) => r.content_id))];
      const titles = new Map(
        ids.length
          ? (
              await tenant.db
                .select({ id: content.id, title: content.title })
                .from(content)
                .where(and(eq(content.account_id, tenant.account.id), inArray(content.id, ids)))
                .all()
            ).map((r) => [r.id, r.title])
          : [],
      );
      return page(
        c,
        rows.map((r) => driftView(r, titles.get(r.content_id) ?? null)),
        count,
        q.page,
        q.page_size,
      );
    },
  )
  .post(
    '/drift/:id/pull',
    describe('Pull the WordPress text into a new draft version ("Pulled from WordPress")', ['integration']),
    authenticate,
    tenantContext,
    body(noBody),
    async (c) => {
      const tenant = c.get('tenant');
      const row = await requireDrift(tenant, idParam(c));
      await requireSiteOf(tenant, row.site_id, 'write', 'Drift');
      const saved = await pullDrift(c.env, tenant, row);
      notifySite(c, tenant, row.site_id, ['integrations', 'content']);
      return ok(c, driftView(saved, await titleOf(tenant.db, tenant.account.id, saved.content_id)), 200, 'Pulled.');
    },
  )
  .post(
    '/drift/:id/dismiss',
    describe('Dismiss a WordPress edit (keep our text)', ['integration']),
    authenticate,
    tenantContext,
    body(noBody),
    async (c) => {
      const tenant = c.get('tenant');
      const row = await requireDrift(tenant, idParam(c));
      await requireSiteOf(tenant, row.site_id, 'write', 'Drift');
      const saved = await dismissDrift(tenant, row);
      notifySite(c, tenant, row.site_id, ['integrations']);
      return ok(c, driftView(saved, await titleOf(tenant.db, tenant.account.id, saved.content_id)), 200, 'Dismissed.');
    },
  );
