import { and, count, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { DEPLOYMENT_STATUSES } from '../../core/domain/enums';
import { deploymentRecords, pageBlueprints, siteBlueprintClusters, siteBlueprints } from '../../core/schema/shard';
import { domain, id, listQuery } from '../../core/validation/common';
import type { AppEnv } from '../env';
import { BadRequest, Conflict, NotFound } from '../http/errors';
import { orderingOf, pageOf } from '../http/list';
import { ok, page } from '../http/respond';
import { body, describe, idParam, query } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { assertCan, tenantContext, type Tenant } from '../middleware/tenant';
import { notifySite } from '../planner/notify';
import { requireSite, requireSiteOf, siteScope } from '../sites/access';
import { readManifest } from './deploy-files';
import { deploymentView, startSiteDeploy, type DeploymentRow } from './deploy-start';
import { directoryOfSite, flipLiveVersion, setSiteHostname } from './site-directory';

const listDeploymentsQuery = listQuery.extend({
  site_id: id.optional(),
  blueprint_id: id.optional(),
  status: z.enum(DEPLOYMENT_STATUSES).optional(),
});
/** The deploy takes its base URL from the site (hostname) or the request: nothing to send. */
const deployBody = z.object({}).strict();
const hostnameBody = z.object({ hostname: domain.nullable() }).strict();

const ORDERABLE = {
  created_at: deploymentRecords.created_at,
  version: deploymentRecords.version,
  status: deploymentRecords.status,
  id: deploymentRecords.id,
};

const originOf = (url: string) => new URL(url).origin;

async function requireDeployment(tenant: Tenant, deploymentId: number): Promise<DeploymentRow> {
  const row = await tenant.db
    .select()
    .from(deploymentRecords)
    .where(
      and(
        eq(deploymentRecords.account_id, tenant.account.id),
        eq(deploymentRecords.id, deploymentId),
        await siteScope(tenant, deploymentRecords.site_id),
      ),
    )
    .get();
  if (!row) throw new NotFound('Deployment');
  return row;
}

/**
 * Deployments of IGNY8-hosted sites (mounted at /api/v1/publisher):
 *   GET  /deployments/                 list (site_id, blueprint_id, status filters; paginated)
 *   GET  /deployments/:id/             one
 *   POST /blueprints/:id/deploy/       deploy the blueprint (a job: 202 {deployment, job})
 *   POST /deployments/:id/rollback/    make a kept version live again (synchronous)
 *   PUT  /sites/:siteId/hostname/      the site's custom hostname ({hostname | null})
 * Reading needs read access to the site; deploy and rollback a writer role (owner, admin, editor
 * with the site); the hostname `sites:manage` (owner, admin). Other accounts' ids are 404.
 */
export const deploymentRoutes = new Hono<AppEnv>()
  // Guards per route, not `use('*')`: this app shares its mount point with publisherRoutes.
  .get(
    '/deployments',
    describe('Deployments of the sites you can see', ['publisher']),
    authenticate,
    tenantContext,
    query(listDeploymentsQuery),
    async (c) => {
      const tenant = c.get('tenant');
      const q = c.req.valid('query');
      const where = and(
        eq(deploymentRecords.account_id, tenant.account.id),
        await siteScope(tenant, deploymentRecords.site_id),
        q.site_id ? eq(deploymentRecords.site_id, q.site_id) : undefined,
        q.blueprint_id ? eq(deploymentRecords.site_blueprint_id, q.blueprint_id) : undefined,
        q.status ? eq(deploymentRecords.status, q.status) : undefined,
      );
      const order = orderingOf(q.ordering, ORDERABLE, '-id', deploymentRecords.id);
      const { rows, count: total } = await pageOf(tenant.db, deploymentRecords, where, order, q);
      const sitesOf = [...new Set(rows.map((r) => r.site_id))];
      const dirs = new Map(
        await Promise.all(sitesOf.map(async (s) => [s, await directoryOfSite(c.env, tenant.account.id, s)] as const)),
      );
      const origin = originOf(c.req.url);
      const results = rows.map((r) => deploymentView(r, dirs.get(r.site_id) ?? null, origin));
      return page(c, results, total, q.page, q.page_size);
    },
  )
  .get('/deployments/:id', describe('One deployment', ['publisher']), authenticate, tenantContext, async (c) => {
    const tenant = c.get('tenant');
    const row = await requireDeployment(tenant, idParam(c));
    const dir = await directoryOfSite(c.env, tenant.account.id, row.site_id);
    return ok(c, deploymentView(row, dir, originOf(c.req.url)));
  })
  .post(
    '/blueprints/:id/deploy',
    describe('Deploy a blueprint: render the site to the edge and make it live (a job)', ['publisher'], {
      description: 'Needs at least one page and one attached cluster. 409 deploy_in_progress while one runs.',
    }),
    authenticate,
    tenantContext,
    body(deployBody),
    async (c) => {
      const tenant = c.get('tenant');
      const blueprint = await tenant.db
        .select({ id: siteBlueprints.id, site_id: siteBlueprints.site_id })
        .from(siteBlueprints)
        .where(and(eq(siteBlueprints.account_id, tenant.account.id), eq(siteBlueprints.id, idParam(c))))
        .get();
      if (!blueprint) throw new NotFound('Blueprint');
      await requireSiteOf(tenant, blueprint.site_id, 'write', 'Blueprint');
      const of = (table: typeof pageBlueprints | typeof siteBlueprintClusters) =>
        tenant.db
          .select({ n: count() })
          .from(table)
          .where(and(eq(table.account_id, tenant.account.id), eq(table.site_blueprint_id, blueprint.id)));
      const [[pages], [clusters]] = await tenant.db.batch([of(pageBlueprints), of(siteBlueprintClusters)]);
      if (!pages?.n) throw new BadRequest('Add at least one page before deploying.', 'blueprint_incomplete');
      if (!clusters?.n) throw new BadRequest('Attach at least one cluster before deploying.', 'blueprint_incomplete');
      const started = await startSiteDeploy(c, tenant, {
        siteId: blueprint.site_id,
        blueprintId: blueprint.id,
        kind: 'full',
      });
      notifySite(c, tenant, blueprint.site_id, ['deployments']);
      return ok(c, started, 202, `Deploying version ${started.deployment.version}.`);
    },
  )
  .post(
    '/deployments/:id/rollback',
    describe('Make a kept version live again (instant: the live pointer flips back)', ['publisher']),
    authenticate,
    tenantContext,
    async (c) => {
      const tenant = c.get('tenant');
      const target = await requireDeployment(tenant, idParam(c));
      await requireSiteOf(tenant, target.site_id, 'write', 'Deployment');
      const dir = await directoryOfSite(c.env, tenant.account.id, target.site_id);
      const origin = originOf(c.req.url);
      if (dir?.live_deployment_id === target.id) return ok(c, { deployment: deploymentView(target, dir, origin) });
      const kept =
        dir &&
        target.deployed_at &&
        (target.status === 'deployed' || target.status === 'rolled_back') &&
        (await readManifest(c.env.MEDIA, tenant.account.id, target.site_id, target.version));
      if (!kept) throw new Conflict('This deployment has no kept version to go back to.', 'not_rollbackable');
      const flipped = await flipLiveVersion(
        c.env,
        { accountId: tenant.account.id, siteId: target.site_id, version: target.version, deploymentId: target.id },
        dir.live_version,
      );
      if (!flipped) throw new Conflict('The live version changed meanwhile: look again.', 'live_changed');
      const now = new Date();
      const previous = dir.live_deployment_id;
      await tenant.db.batch([
        tenant.db
          .update(deploymentRecords)
          .set({ status: 'deployed', updated_at: now })
          .where(and(eq(deploymentRecords.account_id, tenant.account.id), eq(deploymentRecords.id, target.id))),
        tenant.db
          .update(deploymentRecords)
          .set({ status: 'rolled_back', updated_at: now })
          .where(
            and(
              eq(deploymentRecords.account_id, tenant.account.id),
              eq(deploymentRecords.id, previous ?? 0),
              eq(deploymentRecords.status, 'deployed'),
            ),
          ),
      ]);
      const [row, after] = await Promise.all([
        requireDeployment(tenant, target.id),
        directoryOfSite(c.env, tenant.account.id, target.site_id),
      ]);
      // Everyone on the site sees which version is live now (the Publisher's history, the builder's live link).
      notifySite(c, tenant, target.site_id, ['deployments', 'blueprints']);
      return ok(c, { deployment: deploymentView(row, after, origin) }, 200, `Version ${target.version} is live again.`);
    },
  )
  .put(
    '/sites/:siteId/hostname',
    describe("Set or clear the site's custom hostname (served when its DNS points here)", ['publisher']),
    authenticate,
    tenantContext,
    body(hostnameBody),
    async (c) => {
      const tenant = c.get('tenant');
      const site = await requireSite(tenant, idParam(c, 'siteId'), 'read');
      assertCan(tenant, 'sites:manage');
      const { hostname } = c.req.valid('json');
      const appHost = (c.env.APP_HOSTNAME ?? '').toLowerCase();
      if (hostname && (hostname === appHost || hostname === new URL(c.req.url).hostname))
        throw new BadRequest("That is the app's own hostname.", 'hostname_reserved');
      const dir = await setSiteHostname(
        c.env,
        { accountId: tenant.account.id, siteId: site.id, shard: tenant.shard, slug: site.slug },
        hostname,
      );
      return ok(c, { slug: dir.slug, hostname: dir.hostname, live_version: dir.live_version });
    },
  );
