/**
 * The Site Builder's AI routes (issue 12, scope 1), mounted at `/api/v1/site-builder` beside the
 * CRUD routes: the price of a structure before the click, and the two jobs — a blueprint's
 * structure and one page's content — handed to the site's coordinator (which holds the credits:
 * 402 when the account can't pay, nothing queued then).
 */
import { Hono } from 'hono';
import { generatePageContentBody, generateStructureBody } from '../../core/validation/site-builder';
import { balanceOf } from '../billing/ledger';
import type { AppEnv } from '../env';
import { ApiError, NotFound } from '../http/errors';
import { ok } from '../http/respond';
import { requireSiteOf } from '../http/site-access';
import { body, describe, idParam } from '../http/validate';
import { startJob } from '../jobs/start-job';
import { authenticate } from '../middleware/authenticate';
import { tenantContext } from '../middleware/tenant';
import { CREDITS_PER_STRUCTURE } from './ai/site-structure';
import { requireBlueprint } from './blueprints';
import { getPage, listAttachedClusters } from './service';

export const siteBuilderGenerateRoutes = new Hono<AppEnv>()
  .get(
    '/blueprints/:id/generate_structure/quote',
    describe("The credits a blueprint's structure generation costs, and the account's balance", ['site-builder']),
    authenticate,
    tenantContext,
    async (c) => {
      const tenant = c.get('tenant');
      await requireBlueprint(tenant, idParam(c), 'read');
      const { balance } = await balanceOf(tenant.db, tenant.account.id);
      return ok(c, { credits: CREDITS_PER_STRUCTURE, balance, affordable: balance >= CREDITS_PER_STRUCTURE });
    },
  )
  .post(
    '/blueprints/:id/generate_structure',
    describe("Generate a blueprint's pages, navigation and taxonomies from its clusters (a job)", ['site-builder']),
    authenticate,
    tenantContext,
    body(generateStructureBody),
    async (c) => {
      const tenant = c.get('tenant');
      const blueprint = await requireBlueprint(tenant, idParam(c), 'write');
      // Cluster-first planning: refused before any credits are held (the job checks again when it runs).
      if (!(await listAttachedClusters(tenant.db, tenant.account.id, blueprint.id)).length) {
        throw new ApiError(
          400,
          'Attach at least one cluster to the blueprint before generating its structure.',
          'no_clusters',
        );
      }
      const job = await startJob(c, tenant, blueprint.site_id, 'generate_site_structure', {
        blueprint_id: blueprint.id,
        replace: c.req.valid('json').replace,
      });
      return ok(c, { task_id: job.id, job }, 202, 'Structure generation started.');
    },
  )
  .post(
    '/pages/:id/generate_content',
    describe("Write a page's blocks with AI (a job; the page is 'generating' meanwhile)", ['site-builder']),
    authenticate,
    tenantContext,
    body(generatePageContentBody),
    async (c) => {
      const tenant = c.get('tenant');
      const page = await getPage(tenant.db, tenant.account.id, idParam(c));
      if (!page) throw new NotFound('Page');
      await requireSiteOf(tenant, page.site_id, 'write', 'Page');
      const job = await startJob(c, tenant, page.site_id, 'generate_page_content', { page_id: page.id });
      return ok(c, { task_id: job.id, job }, 202, 'Page content generation started.');
    },
  );
