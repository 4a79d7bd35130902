/**
 * `/api/v1/site-builder/blueprints`: blueprints, the clusters attached to them (with coverage) and
 * their taxonomy terms. Reads need the site; writes a writer role on it (viewers get 403); ids of
 * other accounts or of sites the user can't see are 404.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import { z } from 'zod';
import { siteBlueprints, sites } from '../../core/schema/shard';
import {
  blueprintClusterBody,
  blueprintCreateBody,
  blueprintListQuery,
  blueprintUpdateBody,
  taxonomyBody,
  taxonomyUpdateBody,
} from '../../core/validation/site-builder';
import type { AppEnv } from '../env';
import { orderingOf, pageOf } from '../http/list';
import { created, ok, page } from '../http/respond';
import { requireSite, siteScope } from '../http/site-access';
import { body, describe, idParam, query } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { tenantContext } from '../middleware/tenant';
import { notifySite } from '../planner/notify';
import { createBlueprint, deleteBlueprint, presentBlueprints, requireBlueprint, updateBlueprint } from './blueprints';
import { attachCluster, detachCluster, listBlueprintClusters } from './clusters';
import { listTaxonomies } from './service';
import { createTaxonomy, deleteTaxonomy, presentTaxonomy, requireTaxonomy, updateTaxonomy } from './taxonomies';

const TAGS = ['site-builder'];
const originOf = (c: Context<AppEnv>) => new URL(c.req.url).origin;

const deleteQuery = z.object({
  force: z
    .enum(['true', 'false'])
    .default('false')
    .describe('Delete even while the blueprint is the live site (its deployed files stay online)'),
});

export const blueprintRoutes = new Hono<AppEnv>()
  .use('*', authenticate, tenantContext)
  .get(
    '/',
    describe('Blueprints of a site (or of every site you can see), newest change first', TAGS),
    query(blueprintListQuery),
    async (c) => {
      const tenant = c.get('tenant');
      const q = c.req.valid('query');
      if (q.site_id) await requireSite(tenant, q.site_id, 'read');
      const liveSites = sql`${siteBlueprints.site_id} IN (SELECT ${sites.id} FROM ${sites}
        WHERE ${and(eq(sites.account_id, tenant.account.id), isNull(sites.deleted_at))})`;
      const where = and(
        eq(siteBlueprints.account_id, tenant.account.id),
        q.site_id ? eq(siteBlueprints.site_id, q.site_id) : await siteScope(tenant, siteBlueprints.site_id),
        liveSites,
        q.search
          ? sql`${siteBlueprints.name} LIKE ${`%${q.search.replace(/[\\%_]/g, '\\$&')}%`} ESCAPE '\\'`
          : undefined,
      );
      const order = orderingOf(
        q.ordering,
        {
          name: siteBlueprints.name,
          created_at: siteBlueprints.created_at,
          updated_at: siteBlueprints.updated_at,
          id: siteBlueprints.id,
        },
        '-updated_at',
        siteBlueprints.id,
      );
      const { rows, count } = await pageOf(tenant.db, siteBlueprints, where, order, q);
      return page(c, await presentBlueprints(tenant, rows, originOf(c)), count, q.page, q.page_size);
    },
  )
  .post('/', describe('Create a blueprint (with its home page)', TAGS), body(blueprintCreateBody), async (c) => {
    const tenant = c.get('tenant');
    const input = c.req.valid('json');
    await requireSite(tenant, input.site_id, 'write');
    const row = await createBlueprint(tenant, input);
    notifySite(c, tenant, row.site_id, ['blueprints', 'pages']);
    const [view] = await presentBlueprints(tenant, [row], originOf(c));
    return created(c, view!);
  })
  .get('/:id', describe('A blueprint', TAGS), async (c) => {
    const tenant = c.get('tenant');
    const row = await requireBlueprint(tenant, idParam(c), 'read');
    const [view] = await presentBlueprints(tenant, [row], originOf(c));
    return ok(c, view!);
  })
  .patch(
    '/:id',
    describe('Change a blueprint: name, description, type, theme, config (merged)', TAGS),
    body(blueprintUpdateBody),
    async (c) => {
      const tenant = c.get('tenant');
      const row = await requireBlueprint(tenant, idParam(c), 'write');
      const updated = await updateBlueprint(tenant, row, c.req.valid('json'));
      notifySite(c, tenant, row.site_id, ['blueprints']);
      const [view] = await presentBlueprints(tenant, [updated], originOf(c));
      return ok(c, view!);
    },
  )
  .delete(
    '/:id',
    describe('Delete a blueprint with its pages, cluster links and taxonomies (409 while live unless force)', TAGS),
    query(deleteQuery),
    async (c) => {
      const tenant = c.get('tenant');
      const row = await requireBlueprint(tenant, idParam(c), 'write');
      await deleteBlueprint(tenant, row, c.req.valid('query').force === 'true', originOf(c));
      notifySite(c, tenant, row.site_id, ['blueprints', 'pages']);
      return ok(c, null, 200, 'Blueprint deleted.');
    },
  )
  .get('/:id/clusters', describe("A blueprint's clusters with their coverage", TAGS), async (c) => {
    const tenant = c.get('tenant');
    const row = await requireBlueprint(tenant, idParam(c), 'read');
    return ok(c, await listBlueprintClusters(tenant, row));
  })
  .post(
    '/:id/clusters',
    describe("Attach a cluster of the blueprint's site (hub, supporting or attribute)", TAGS),
    body(blueprintClusterBody),
    async (c) => {
      const tenant = c.get('tenant');
      const row = await requireBlueprint(tenant, idParam(c), 'write');
      const link = await attachCluster(tenant, row, c.req.valid('json'));
      notifySite(c, tenant, row.site_id, ['blueprints']);
      return created(c, link);
    },
  )
  .delete('/:id/clusters/:linkId', describe('Detach a cluster from a blueprint', TAGS), async (c) => {
    const tenant = c.get('tenant');
    const row = await requireBlueprint(tenant, idParam(c), 'write');
    await detachCluster(tenant, row, idParam(c, 'linkId'));
    notifySite(c, tenant, row.site_id, ['blueprints']);
    return ok(c, null, 200, 'Cluster detached.');
  })
  .get('/:id/taxonomies', describe("A blueprint's categories, tags and other terms", TAGS), async (c) => {
    const tenant = c.get('tenant');
    const row = await requireBlueprint(tenant, idParam(c), 'read');
    const terms = await listTaxonomies(tenant.db, tenant.account.id, row.id);
    return ok(c, terms.map(presentTaxonomy));
  })
  .post(
    '/:id/taxonomies',
    describe('Add a taxonomy term (slug derived from the name unless given)', TAGS),
    body(taxonomyBody),
    async (c) => {
      const tenant = c.get('tenant');
      const row = await requireBlueprint(tenant, idParam(c), 'write');
      const term = await createTaxonomy(tenant, row, c.req.valid('json'));
      notifySite(c, tenant, row.site_id, ['blueprints']);
      return created(c, presentTaxonomy(term));
    },
  )
  .patch('/:id/taxonomies/:taxId', describe('Change a taxonomy term', TAGS), body(taxonomyUpdateBody), async (c) => {
    const tenant = c.get('tenant');
    const row = await requireBlueprint(tenant, idParam(c), 'write');
    const term = await requireTaxonomy(tenant, row, idParam(c, 'taxId'));
    const updated = await updateTaxonomy(tenant, row, term, c.req.valid('json'));
    notifySite(c, tenant, row.site_id, ['blueprints']);
    return ok(c, presentTaxonomy(updated));
  })
  .delete('/:id/taxonomies/:taxId', describe('Delete a taxonomy term', TAGS), async (c) => {
    const tenant = c.get('tenant');
    const row = await requireBlueprint(tenant, idParam(c), 'write');
    const term = await requireTaxonomy(tenant, row, idParam(c, 'taxId'));
    await deleteTaxonomy(tenant, row, term);
    notifySite(c, tenant, row.site_id, ['blueprints']);
    return ok(c, null, 200, 'Taxonomy deleted.');
  });
