import { Hono } from 'hono';
import { and, eq } from 'drizzle-orm';
import { publishingRecords } from '../../core/schema/shard';
import {
  calendarQuery,
  publishBody,
  publishingRecordListQuery,
  unpublishBody,
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
import { notifySite } from '../planner/notify';
import { requireContent } from '../writer/content-access';
import { siteCalendar } from './calendar';
import { PublishFailed, publishContent } from './publish';
import { schedulePublish, unschedulePublish } from './schedule';
import { publishToSite } from './site-publish';
import {
  credentialsOf,
  publicWordPressSettings,
  saveWordPressSettings,
  testConnection,
  testConnectionError,
} from './settings';
import { wordpressConnectionOf } from '../integration/connection';
import { WordPressError } from '../integration/wordpress-client';

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
 *   POST    /content/:contentId/publish/     publish to WordPress (draft or live) or the IGNY8 site, now or
 *                                            at publish_at (scheduled: the site coordinator fires it once)
 *   POST    /content/:contentId/unschedule/  take a schedule back
 *   POST    /content/:contentId/unpublish/   take an article off the IGNY8 site
 *   GET     /calendar/?site_id=&from=&to=    scheduled, published and failed items (≤ 92 days)
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
      const tenant = c.get('tenant');
      const site = await requireSite(tenant, idParam(c, 'siteId'), 'read');
      return ok(
        c,
        publicWordPressSettings(site.id, await wordpressConnectionOf(tenant.db, tenant.account.id, site.id)),
      );
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
      const { connection, unlinked } = await saveWordPressSettings(c.env, tenant, site.id, c.req.valid('json'));
      notifySite(c, tenant, site.id, ['integrations']);
      return ok(
        c,
        publicWordPressSettings(site.id, connection),
        200,
        unlinked
          ? 'Saved. This is another WordPress site: content will be published there as new posts' +
              `${connection.passwordSealed ? '' : '; enter its application password'}.`
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
      const saved = await wordpressConnectionOf(tenant.db, tenant.account.id, site.id);
      const credentials = await credentialsOf(c.env, saved, c.req.valid('json'));
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
    describe(
      'Publish content to WordPress (draft or live) or to the IGNY8 site, now or at publish_at; ' +
        'every attempt leaves a PublishingRecord',
      ['publisher'],
      {
        description:
          'A future publish_at schedules it (content.status scheduled; 400 if in the past). IGNY8 now: 202 with ' +
          'the record, the deployment and its job (409 site_not_deployed when the site has no live deployment).',
      },
    ),
    body(publishBody),
    async (c) => {
      const tenant = c.get('tenant');
      // Content on a site the user can't see is "Content not found", like another account's (404); a viewer's is 403.
      const { id, site_id } = await requireContent(tenant, idParam(c, 'contentId'), 'write');
      const input = c.req.valid('json');
      if (input.publish_at) {
        const scheduled = await schedulePublish(c.env, tenant, id, {
          destination: input.destination,
          wpStatus: input.status ?? 'publish',
          publishAt: input.publish_at,
          origin: new URL(c.req.url).origin,
        });
        notifySite(c, tenant, site_id, ['content']);
        const where = input.destination === 'igny8' ? 'the IGNY8 site' : 'WordPress';
        return ok(c, scheduled, 200, `Scheduled for ${input.publish_at.toISOString()} to ${where}.`);
      }
      if (input.destination === 'igny8') {
        const started = await publishToSite(c, tenant, id, 'publish');
        notifySite(c, tenant, site_id, ['content']);
        return ok(c, started, 202, 'Publishing to the IGNY8 site: it is live when the deploy finishes.');
      }
      try {
        const result = await publishContent(c.env, tenant, id, { status: input.status ?? 'draft' });
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
  .post(
    '/content/:contentId/unschedule',
    describe('Take a scheduled publish back: the content returns to its status before', ['publisher']),
    async (c) => {
      const tenant = c.get('tenant');
      const { id, site_id } = await requireContent(tenant, idParam(c, 'contentId'), 'write');
      const result = await unschedulePublish(c.env, tenant, id);
      notifySite(c, tenant, site_id, ['content']);
      return ok(c, result, 200, `Unscheduled; back to ${result.content.status}.`);
    },
  )
  .post(
    '/content/:contentId/unpublish',
    describe('Take an article off the IGNY8 site (an incremental deploy removes it)', ['publisher']),
    body(unpublishBody),
    async (c) => {
      const tenant = c.get('tenant');
      const { id, site_id } = await requireContent(tenant, idParam(c, 'contentId'), 'write');
      const started = await publishToSite(c, tenant, id, 'unpublish');
      notifySite(c, tenant, site_id, ['content']);
      return ok(c, started, 202, 'Removing it from the IGNY8 site: gone when the deploy finishes.');
    },
  )
  .get(
    '/calendar',
    describe('Scheduled, published and failed items of a site per destination, in a window of ≤ 92 days', [
      'publisher',
    ]),
    query(calendarQuery),
    async (c) => ok(c, await siteCalendar(c.get('tenant'), c.req.valid('query'))),
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
