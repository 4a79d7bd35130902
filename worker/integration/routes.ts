import { and, eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { INTEGRATION_PLATFORMS } from '../../core/domain/enums';
import { integrationEvents, siteIntegrations } from '../../core/schema/shard';
import { id, listQuery } from '../../core/validation/common';
import { wordpressAppPassword, wordpressUrl, wordpressUsername } from '../../core/validation/publisher';
import type { AppEnv } from '../env';
import { NotFound } from '../http/errors';
import { orderingOf, pageOf } from '../http/list';
import { created, ok, page } from '../http/respond';
import { body, describe, idParam, query } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { assertCan, type Tenant, tenantContext } from '../middleware/tenant';
import { notifySite } from '../planner/notify';
import { credentialsOf, saveWordPressSettings, testConnection, testConnectionError } from '../publisher/settings';
import { requireSite, siteScope } from '../sites/access';
import { unlinkSiteFromWordPressStatement } from '../writer/content-service';
import { unlinkSiteMediaStatement } from '../writer/images-service';
import { integrationById, integrationOf, type IntegrationRow, wordpressConnectionOf } from './connection';
import { checkHealth, healthEvent } from './health';
import {
  deleteIntegrationStatements,
  integrationChanged,
  integrationExists,
  recordEvent,
  saveHealthStatements,
  updateIntegrationSettings,
} from './service';
import { healthView, integrationView, openDriftCounts } from './view';
import { rotateAndPushWebhook } from './webhook';
import { WordPressError } from './wordpress-client';

const TAGS = ['integration'];

const createIntegrationBody = z
  .object({
    site_id: id,
    platform: z.enum(['wordpress']),
    url: wordpressUrl,
    username: wordpressUsername,
    app_password: wordpressAppPassword.optional(),
    sync_enabled: z.boolean().default(false),
  })
  .strict();

const updateIntegrationBody = z
  .object({
    url: wordpressUrl,
    username: wordpressUsername,
    app_password: wordpressAppPassword.nullable(),
    sync_enabled: z.boolean(),
    version: z.number().int().positive(),
  })
  .partial()
  .required({ version: true })
  .strict();

const integrationsListQuery = listQuery.extend({
  site_id: id.optional(),
  platform: z.enum(INTEGRATION_PLATFORMS).optional(),
});

const warningsNote = (warnings: string[]) => (warnings.length ? ` (${warnings.length} warnings)` : '');
const origin = (c: Context<AppEnv>) => new URL(c.req.url).origin;

/**
 * An integration of the account on a site the user can see (else 404, also for another account's
 * id); `manage` also needs settings:manage (else 403: integrations are settings, like AI keys).
 */
async function requireIntegration(tenant: Tenant, integrationId: number, manage: boolean) {
  const row = await integrationById(tenant.db, tenant.account.id, integrationId);
  if (!row) throw new NotFound('Integration');
  try {
    await requireSite(tenant, row.site_id, 'read');
  } catch (err) {
    if (err instanceof NotFound) throw new NotFound('Integration');
    throw err;
  }
  if (manage) assertCan(tenant, 'settings:manage');
  return row;
}

async function present(tenant: Tenant, row: IntegrationRow, c: Context<AppEnv>) {
  const drift = await openDriftCounts(tenant.db, tenant.account.id, [row.id]);
  return integrationView(row, origin(c), drift.get(row.id) ?? 0);
}

const EVENT_ORDER = { created_at: integrationEvents.created_at, id: integrationEvents.id };

/**
 * The integration module's connections (mounted at /api/v1/integration; sync and drift are in
 * sync-routes.ts, the signed webhooks in webhook-routes.ts):
 *   GET/POST         /integrations/                 list (?site_id=&platform=) / connect a site to WordPress
 *   GET/PATCH/DELETE /integrations/:id/             one connection (PATCH needs the version read: 409 when stale)
 *   POST             /integrations/:id/test/        Test Connection (recorded as a 'test' event)
 *   GET/POST         /integrations/:id/health/      the last health check / check now
 *   GET              /integrations/:id/history/     its events, newest first
 *   POST             /integrations/:id/webhook_secret/  a new webhook secret (shown once), sent to the plugin
 * Access: reading needs the site visible; every change needs settings:manage (owners and admins).
 * The site's WordPress connection is the same one `GET/PUT /publisher/sites/:id/wordpress/` shows.
 */
export const integrationRoutes = new Hono<AppEnv>()
  .use('*', authenticate, tenantContext)
  .get(
    '/integrations',
    describe('Integrations of the sites you can see', TAGS),
    query(integrationsListQuery),
    async (c) => {
      const tenant = c.get('tenant');
      const q = c.req.valid('query');
      if (q.site_id) await requireSite(tenant, q.site_id, 'read');
      const where = and(
        eq(siteIntegrations.account_id, tenant.account.id),
        await siteScope(tenant, siteIntegrations.site_id),
        q.site_id ? eq(siteIntegrations.site_id, q.site_id) : undefined,
        q.platform ? eq(siteIntegrations.platform, q.platform) : undefined,
      );
      const order = orderingOf(
        q.ordering,
        { site_id: siteIntegrations.site_id, created_at: siteIntegrations.created_at, id: siteIntegrations.id },
        'site_id',
        siteIntegrations.id,
      );
      const { rows, count } = await pageOf(tenant.db, siteIntegrations, where, order, q);
      const drift = await openDriftCounts(
        tenant.db,
        tenant.account.id,
        rows.map((r) => r.id),
      );
      const views = rows.map((r) => integrationView(r, origin(c), drift.get(r.id) ?? 0));
      return page(c, views, count, q.page, q.page_size);
    },
  )
  .post(
    '/integrations',
    describe('Connect a site to WordPress (one integration per site and platform: 409 integration_exists)', TAGS, {
      description:
        'The application password is stored encrypted and never returned. A webhook secret is made and sent to ' +
        'the companion plugin (best effort: a failure is recorded in the history).',
    }),
    body(createIntegrationBody),
    async (c) => {
      const tenant = c.get('tenant');
      const input = c.req.valid('json');
      await requireSite(tenant, input.site_id, 'read');
      assertCan(tenant, 'settings:manage');
      if (await integrationOf(tenant.db, tenant.account.id, input.site_id, input.platform))
        throw integrationExists(input.platform);
      const { connection } = await saveWordPressSettings(
        c.env,
        tenant,
        input.site_id,
        { wp_url: input.url, wp_username: input.username, wp_app_password: input.app_password },
        { sync_enabled: input.sync_enabled },
      );
      let row = connection.integration;
      if (row.credentials_enc) row = (await rotateAndPushWebhook(c.env, tenant.db, row, origin(c))).integration;
      notifySite(c, tenant, row.site_id, ['integrations']);
      return created(c, await present(tenant, row, c), 'Connected.');
    },
  )
  .get('/integrations/:id', describe('One integration', TAGS), async (c) => {
    const tenant = c.get('tenant');
    return ok(c, await present(tenant, await requireIntegration(tenant, idParam(c), false), c));
  })
  .patch(
    '/integrations/:id',
    describe('Change an integration (send the version you read: 409 integration_changed when stale)', TAGS, {
      description:
        'Another WordPress address unlinks the articles from the old one and drops the saved password unless a ' +
        'new one is sent (as the publisher settings do).',
    }),
    body(updateIntegrationBody),
    async (c) => {
      const tenant = c.get('tenant');
      const row = await requireIntegration(tenant, idParam(c), true);
      const { version, sync_enabled, ...connection } = c.req.valid('json');
      if (row.version !== version) throw integrationChanged();
      let saved: IntegrationRow;
      if (Object.keys(connection).length === 0) {
        saved = await updateIntegrationSettings(tenant.db, row, { sync_enabled }, version);
      } else {
        const result = await saveWordPressSettings(
          c.env,
          tenant,
          row.site_id,
          { wp_url: connection.url, wp_username: connection.username, wp_app_password: connection.app_password },
          { sync_enabled, version },
        );
        saved = result.connection.integration;
      }
      notifySite(c, tenant, saved.site_id, ['integrations']);
      return ok(c, await present(tenant, saved, c), 200, 'Saved.');
    },
  )
  .delete(
    '/integrations/:id',
    describe('Disconnect: the integration, its history and drift are deleted', TAGS, {
      description:
        'Articles are unlinked from their WordPress posts (a later connection may be another WordPress, where ' +
        'those post ids are other posts).',
    }),
    async (c) => {
      const tenant = c.get('tenant');
      const row = await requireIntegration(tenant, idParam(c), true);
      const a = tenant.account.id;
      const [first, ...rest] = [
        ...deleteIntegrationStatements(tenant.db, row),
        unlinkSiteFromWordPressStatement(tenant.db, a, row.site_id),
        unlinkSiteMediaStatement(tenant.db, a, row.site_id),
      ];
      await tenant.db.batch([first!, ...rest]);
      notifySite(c, tenant, row.site_id, ['integrations', 'content']);
      return ok(c, { id: row.id, deleted: true }, 200, 'Disconnected.');
    },
  )
  .post(
    '/integrations/:id/test',
    describe('Test Connection: who the application password belongs to and what they may do', TAGS),
    async (c) => {
      const tenant = c.get('tenant');
      const row = await requireIntegration(tenant, idParam(c), true);
      const started = Date.now();
      try {
        const saved = await wordpressConnectionOf(tenant.db, tenant.account.id, row.site_id);
        const result = await testConnection(c.env, await credentialsOf(c.env, saved));
        await recordEvent(tenant.db, row, {
          kind: 'test',
          status: 'ok',
          summary: `Connected as ${result.user.slug}${warningsNote(result.warnings)}.`,
          detail: { warnings: result.warnings },
          duration_ms: Date.now() - started,
        });
        return ok(c, result);
      } catch (err) {
        const error = err instanceof WordPressError ? testConnectionError(err) : err;
        await recordEvent(tenant.db, row, {
          kind: 'test',
          status: 'failed',
          summary: error instanceof Error ? error.message : 'Test failed.',
          detail: { code: (error as { code?: string }).code ?? null },
          duration_ms: Date.now() - started,
        });
        throw error;
      }
    },
  )
  .get('/integrations/:id/health', describe('The last health check', TAGS), async (c) => {
    const tenant = c.get('tenant');
    return ok(c, healthView(await requireIntegration(tenant, idParam(c), false)));
  })
  .post(
    '/integrations/:id/health',
    describe('Check health now: auth, REST reachable, companion plugin and version, capabilities, latency', TAGS),
    async (c) => {
      const tenant = c.get('tenant');
      const row = await requireIntegration(tenant, idParam(c), true);
      const report = await checkHealth(c.env, row);
      const [first, second] = saveHealthStatements(tenant.db, row, report, healthEvent(report));
      await tenant.db.batch([first, second]);
      notifySite(c, tenant, row.site_id, ['integrations']);
      return ok(c, report, 200, `WordPress is ${report.status}.`);
    },
  )
  .get(
    '/integrations/:id/history',
    describe("The integration's history: tests, health checks, syncs, webhooks, pushes, pulls", TAGS),
    query(listQuery),
    async (c) => {
      const tenant = c.get('tenant');
      const row = await requireIntegration(tenant, idParam(c), false);
      const q = c.req.valid('query');
      const where = and(
        eq(integrationEvents.account_id, tenant.account.id),
        eq(integrationEvents.integration_id, row.id),
      );
      const order = orderingOf(q.ordering, EVENT_ORDER, '-created_at', integrationEvents.id);
      const { rows, count } = await pageOf(tenant.db, integrationEvents, where, order, q);
      return page(c, rows, count, q.page, q.page_size);
    },
  )
  .post(
    '/integrations/:id/webhook_secret',
    describe('A new webhook secret: returned once, stored encrypted, sent to the companion plugin', TAGS, {
      description: 'The old secret stops working at once. `pushed` says whether the plugin took the new one.',
    }),
    async (c) => {
      const tenant = c.get('tenant');
      const row = await requireIntegration(tenant, idParam(c), true);
      const rotated = await rotateAndPushWebhook(c.env, tenant.db, row, origin(c));
      notifySite(c, tenant, row.site_id, ['integrations']);
      return ok(
        c,
        {
          secret: rotated.secret,
          pushed: rotated.pushed,
          integration: await present(tenant, rotated.integration, c),
        },
        200,
        rotated.push_message,
      );
    },
  );
