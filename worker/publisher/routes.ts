import { Hono } from 'hono';
import { and, eq } from 'drizzle-orm';
import { publishingRecords } from '../../core/schema/shard';
import {
  publishBody,
  publishingRecordListQuery,
  wordpressSettingsBody,
  wordpressTestBody,
} from '../../core/validation/publisher';
import type { AppEnv } from '../env';
import { NotFound } from '../http/errors';
import { orderingOf, pageOf } from '../http/list';
import { ok, page } from '../http/respond';
import { body, describe, idParam, query } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { assertCan, tenantContext } from '../middleware/tenant';
import { requireSite, siteScope } from '../sites/access';
import { requireContent } from '../writer/content-access';
import { PublishFailed, publishContent } from './publish';
import {
  credentialsOf,
  publicWordPressSettings,
  saveWordPressSettings,
  testConnection,
  testConnectionError,
} from './settings';
import { WordPressError } from './wordpress-client';

const ORDERABLE = {
  created_at: publishingRecords.created_at,
  updated_at: publishingRecords.updated_at,
  status: publishingRecords.status,
  id: publishingRecords.id,
};

/**
 * The publisher module (mounted at /api/v1/publisher):
 *   GET/PUT /sites/:siteId/wordpress/        a site's WordPress connection (password write-only)
 *   POST    /sites/:siteId/wordpress/test/   Test Connection
 *   POST    /content/:contentId/publish/     publish to WordPress (draft or live)
 *   GET     /records/, /records/:id/         PublishingRecords
 * Access: reading settings and records needs read access to the site; changing or testing the
 * connection needs `sites:manage`; publishing needs `data:write` on the site (owners, admins,
 * editors granted the site). Other accounts' ids are 404.
 */
export const publisherRoutes = new Hono<AppEnv>()
  .use('*', authenticate, tenantContext)
  .get(
    '/sites/:siteId/wordpress',
    describe("The site's WordPress connection (the application password is never returned)", ['publisher']),
    async (c) => {
      const site = await requireSite(c.get('tenant'), idParam(c, 'siteId'), 'read');
      return ok(c, publicWordPressSettings(site));
    },
  )
  .put(
    '/sites/:siteId/wordpress',
    describe("Save the site's WordPress address, user and application password (stored encrypted)", ['publisher']),
    body(wordpressSettingsBody),
    async (c) => {
      const tenant = c.get('tenant');
      const site = await requireSite(tenant, idParam(c, 'siteId'), 'read');
      assertCan(tenant, 'sites:manage');
      const { site: saved, unlinked } = await saveWordPressSettings(c.env, tenant, site, c.req.valid('json'));
      return ok(
        c,
        publicWordPressSettings(saved),
        200,
        unlinked
          ? 'Saved. This is another WordPress site: content will be published there as new posts' +
              `${saved.wp_app_password_enc ? '' : '; enter its application password'}.`
          : 'Saved.',
      );
    },
  )
  .post(
    '/sites/:siteId/wordpress/test',
    describe('Test Connection: who the application password belongs to and what they may do', ['publisher'], {
      description: 'Uses the saved settings; any field in the body replaces the saved one for this test only.',
    }),
    body(wordpressTestBody),
    async (c) => {
      const tenant = c.get('tenant');
      const site = await requireSite(tenant, idParam(c, 'siteId'), 'read');
      assertCan(tenant, 'sites:manage');
      const credentials = await credentialsOf(c.env, site, c.req.valid('json'));
      try {
        return ok(c, await testConnection(c.env, credentials));
      } catch (err) {
        if (err instanceof WordPressError) throw testConnectionError(err);
        throw err;
      }
    },
  )
  .post(
    '/content/:contentId/publish',
    describe("Publish content to the site's WordPress (as a draft or live); every attempt leaves a PublishingRecord", [
      'publisher',
    ]),
    body(publishBody),
    async (c) => {
      const tenant = c.get('tenant');
      // Content on a site the user can't see is "Content not found", like another account's (404); a viewer's is 403.
      const { id } = await requireContent(tenant, idParam(c, 'contentId'), 'write');
      try {
        const result = await publishContent(c.env, tenant, id, c.req.valid('json'));
        const live = result.wordpress.status === 'publish';
        return ok(c, result, 200, live ? 'Published to WordPress.' : 'Saved to WordPress as a draft.');
      } catch (err) {
        if (!(err instanceof PublishFailed)) throw err;
        // The error envelope, plus the record that says what reached WordPress.
        return c.json(
          {
            success: false,
            error: err.error.message,
            code: err.error.code,
            ...(err.error.errors ? { errors: err.error.errors } : {}),
            record: err.record,
            request_id: c.get('requestId'),
          },
          err.error.status,
        );
      }
    },
  )
  .get(
    '/records',
    describe('Publishing records of the sites you can see', ['publisher']),
    query(publishingRecordListQuery),
    async (c) => {
      const tenant = c.get('tenant');
      const q = c.req.valid('query');
      const where = and(
        eq(publishingRecords.account_id, tenant.account.id),
        await siteScope(tenant, publishingRecords.site_id),
        q.site_id ? eq(publishingRecords.site_id, q.site_id) : undefined,
        q.content_id ? eq(publishingRecords.content_id, q.content_id) : undefined,
        q.status ? eq(publishingRecords.status, q.status) : undefined,
        q.destination ? eq(publishingRecords.destination, q.destination) : undefined,
      );
      const { rows, count } = await pageOf(
        tenant.db,
        publishingRecords,
        where,
        orderingOf(q.ordering, ORDERABLE, '-created_at', publishingRecords.id),
        q,
      );
      return page(c, rows, count, q.page, q.page_size);
    },
  )
  .get('/records/:id', describe('One publishing record', ['publisher']), async (c) => {
    const tenant = c.get('tenant');
    const row = await tenant.db
      .select()
      .from(publishingRecords)
      .where(
        and(
          eq(publishingRecords.account_id, tenant.account.id),
          eq(publishingRecords.id, idParam(c)),
          await siteScope(tenant, publishingRecords.site_id),
        ),
      )
      .get();
    if (!row) throw new NotFound('Publishing record');
    return ok(c, row);
  });
