import { Hono } from 'hono';
import {
  authorProfileListQuery,
  createAuthorProfileBody,
  updateAuthorProfileBody,
} from '../../core/validation/author-profiles';
import type { AppEnv } from '../env';
import { created, ok, page } from '../http/respond';
import { body, describe, idParam, query } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { assertCan, requirePermission, tenantContext } from '../middleware/tenant';
import {
  createAuthorProfile,
  deleteAuthorProfile,
  getAuthorProfile,
  listAuthorProfiles,
  updateAuthorProfile,
} from './author-profiles-service';

const TAGS = ['system'];

/**
 * Author profiles: CRUD (settings:manage to change, any member reads); mounted at /v1/system/author-profiles.
 * Guards per route (the /v1/system prefix is shared with other modules: worker/app.ts). Routes on an
 * id check existence first, so another account's id is a 404 whatever the role.
 */
export const authorProfileRoutes = new Hono<AppEnv>()
  .get(
    '/',
    describe('List author profiles (?search, ?is_active)', TAGS),
    authenticate,
    tenantContext,
    query(authorProfileListQuery),
    async (c) => {
      const q = c.req.valid('query');
      const { rows, count } = await listAuthorProfiles(c.get('tenant'), q);
      return page(c, rows, count, q.page, q.page_size);
    },
  )
  .post(
    '/',
    describe('Create an author profile (name unique per account: 409)', TAGS),
    authenticate,
    tenantContext,
    requirePermission('settings:manage'),
    body(createAuthorProfileBody),
    async (c) => {
      return created(c, await createAuthorProfile(c.get('tenant'), c.req.valid('json')));
    },
  )
  .get('/:id', describe('An author profile', TAGS), authenticate, tenantContext, async (c) =>
    ok(c, await getAuthorProfile(c.get('tenant'), idParam(c))),
  )
  .patch(
    '/:id',
    describe('Change an author profile', TAGS),
    authenticate,
    tenantContext,
    body(updateAuthorProfileBody),
    async (c) => {
      const tenant = c.get('tenant');
      const id = idParam(c);
      await getAuthorProfile(tenant, id);
      assertCan(tenant, 'settings:manage');
      return ok(c, await updateAuthorProfile(tenant, id, c.req.valid('json')));
    },
  )
  .delete(
    '/:id',
    describe('Delete an author profile', TAGS, {
      description:
        'Sites that had it as their default author, and tasks and ideas that named it, fall back ' +
        "(their author is set to none in the same transaction): a task then uses its idea's author, " +
        "then its site's default, then none.",
    }),
    authenticate,
    tenantContext,
    async (c) => {
      const tenant = c.get('tenant');
      const id = idParam(c);
      await getAuthorProfile(tenant, id);
      assertCan(tenant, 'settings:manage');
      await deleteAuthorProfile(tenant, id);
      return ok(c, { id, deleted: true }, 200, 'Author profile deleted.');
    },
  );
