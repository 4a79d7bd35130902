import { Hono } from 'hono';
import { createVersionBody } from '../../core/validation/draft';
import type { AppEnv } from '../env';
import { NotFound } from '../http/errors';
import { created, ok, page } from '../http/respond';
import { body, describe, idParam } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { tenantContext } from '../middleware/tenant';
import { requireContent } from './content-access';
import { draftRoomOf } from '../../durable-objects/draft-room/client';

/**
 * The draft of a content item over REST, mounted at `/api/v1/writer/content`: its current HTML
 * projection (from the live room, not the possibly older row) and its named versions in R2.
 * Reading needs access to the content's site; saving and restoring versions need a role that writes.
 */
export const draftRoutes = new Hono<AppEnv>()
  // Guards per route, not `use('*')`: this app shares its mount point with contentRoutes.
  .get(
    '/:id/draft',
    describe('The draft as HTML, from the live document', ['writer']),
    authenticate,
    tenantContext,
    async (c) => {
      const tenant = c.get('tenant');
      const draft = await requireContent(tenant, idParam(c), 'read');
      const room = draftRoomOf(c.env, tenant.account.id, draft.id);
      const [snapshot, generation] = await Promise.all([room.snapshotHtml(), room.generation()]);
      return ok(c, { content_id: draft.id, ...snapshot, generation });
    },
  )
  .get(
    '/:id/versions',
    describe('Named versions of the draft, newest first', ['writer']),
    authenticate,
    tenantContext,
    async (c) => {
      const tenant = c.get('tenant');
      const draft = await requireContent(tenant, idParam(c), 'read');
      const versions = await draftRoomOf(c.env, tenant.account.id, draft.id).listVersions();
      return page(c, versions, versions.length, 1, Math.max(1, versions.length));
    },
  )
  .post(
    '/:id/versions',
    describe('Save the draft as a named version', ['writer']),
    authenticate,
    tenantContext,
    body(createVersionBody),
    async (c) => {
      const tenant = c.get('tenant');
      const draft = await requireContent(tenant, idParam(c), 'write');
      const version = await draftRoomOf(c.env, tenant.account.id, draft.id).saveVersion(
        c.req.valid('json').name,
        tenant.user.id,
      );
      return created(c, version, 'Version saved.');
    },
  )
  .post(
    '/:id/versions/:versionId/restore',
    describe('Restore a version for everyone editing (the current draft is saved as a version first)', ['writer']),
    authenticate,
    tenantContext,
    async (c) => {
      const tenant = c.get('tenant');
      const draft = await requireContent(tenant, idParam(c), 'write');
      const result = await draftRoomOf(c.env, tenant.account.id, draft.id).restoreVersion(
        c.req.param('versionId') ?? '',
        tenant.user.id,
      );
      if (!result) throw new NotFound('Version');
      return ok(c, result, 200, 'Version restored.');
    },
  );
