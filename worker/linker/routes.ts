/**
 * The Linker API (issue 11, scope item 5), mounted at `/api/v1/linker`: an article's link
 * suggestions and the decisions on them, batch linking as a site-coordinator job, the site's link
 * report, and the site's linking settings. Suggestions come from the draft room (its live
 * document); an accepted one is put into the shared draft by the room.
 */
import { Hono } from 'hono';
import { content } from '../../core/schema/shard';
import { linkerSettingsBody, processBody, siteQuery, suggestionsQuery } from '../../core/validation/linker';
import type { AppEnv } from '../env';
import { ok } from '../http/respond';
import { requireSite } from '../http/site-access';
import { body, describe, idParam, query } from '../http/validate';
import { startJob } from '../jobs/start-job';
import { authenticate } from '../middleware/authenticate';
import { tenantContext } from '../middleware/tenant';
import { requireSelection } from '../planner/scope';
import { notifySite } from '../planner/notify';
import { requireContent } from '../writer/content-access';
import { linkReport } from './report';
import {
  acceptSuggestion,
  linkerSettingsOf,
  listSuggestions,
  rejectSuggestion,
  requireSuggestion,
  saveLinkerSettings,
  suggestionView,
} from './service';

export const linkerRoutes = new Hono<AppEnv>()
  .get(
    '/suggestions',
    describe("An article's internal link suggestions, pending first", ['linker']),
    authenticate,
    tenantContext,
    query(suggestionsQuery),
    async (c) => {
      const tenant = c.get('tenant');
      const { id } = await requireContent(tenant, c.req.valid('query').content_id, 'read');
      const rows = await listSuggestions(tenant.db, tenant.account.id, id);
      return ok(c, rows.map(suggestionView));
    },
  )
  .post(
    '/suggestions/:id/accept',
    describe('Put the suggested link into the shared draft (stale when its words or its target are gone)', ['linker']),
    authenticate,
    tenantContext,
    async (c) => {
      const tenant = c.get('tenant');
      const row = await requireSuggestion(tenant.db, tenant.account.id, idParam(c));
      await requireContent(tenant, row.content_id, 'write');
      const decided = await acceptSuggestion(c.env, tenant.db, row, tenant.user.id);
      // Co-editors' Links tabs and the Linker page follow the decision at once.
      notifySite(c, tenant, row.site_id, ['link_suggestions']);
      return ok(c, suggestionView(decided));
    },
  )
  .post(
    '/suggestions/:id/reject',
    describe('Reject a suggestion (it is not suggested again)', ['linker']),
    authenticate,
    tenantContext,
    async (c) => {
      const tenant = c.get('tenant');
      const row = await requireSuggestion(tenant.db, tenant.account.id, idParam(c));
      await requireContent(tenant, row.content_id, 'write');
      const decided = await rejectSuggestion(tenant.db, row, tenant.user.id);
      notifySite(c, tenant, row.site_id, ['link_suggestions']);
      return ok(c, suggestionView(decided));
    },
  )
  .post(
    '/process',
    describe('Batch linking (a job with live progress): suggest or apply links, outbound, inbound or both', ['linker']),
    authenticate,
    tenantContext,
    body(processBody),
    async (c) => {
      const tenant = c.get('tenant');
      const { content_ids, mode, direction } = c.req.valid('json');
      const { siteId, rows } = await requireSelection(tenant, content, content_ids, 'Content');
      const settings = await linkerSettingsOf(tenant.db, tenant.account.id, siteId);
      const job = await startJob(c, tenant, siteId, 'link_content', {
        content_ids: rows.map((r) => r.id),
        mode,
        direction,
        ai_pass: settings.ai_pass,
        max_links: settings.max_links,
      });
      return ok(c, { task_id: job.id, job }, 202, 'Linking started.');
    },
  )
  .get(
    '/report',
    describe("A site's orphan pages, broken links and cluster hub↔spoke links", ['linker']),
    authenticate,
    tenantContext,
    query(siteQuery),
    async (c) => {
      const tenant = c.get('tenant');
      const { site_id } = c.req.valid('query');
      await requireSite(tenant, site_id, 'read');
      return ok(c, await linkReport(tenant.db, tenant.account.id, site_id));
    },
  )
  .get(
    '/settings',
    describe("A site's linking settings (defaults until saved)", ['linker']),
    authenticate,
    tenantContext,
    query(siteQuery),
    async (c) => {
      const tenant = c.get('tenant');
      const { site_id } = c.req.valid('query');
      await requireSite(tenant, site_id, 'read');
      return ok(c, await linkerSettingsOf(tenant.db, tenant.account.id, site_id));
    },
  )
  .put(
    '/settings',
    describe("Change a site's linking settings: max_links (0–10), ai_pass, inbound_on_publish", ['linker']),
    authenticate,
    tenantContext,
    query(siteQuery),
    body(linkerSettingsBody),
    async (c) => {
      const tenant = c.get('tenant');
      const { site_id } = c.req.valid('query');
      await requireSite(tenant, site_id, 'write');
      return ok(c, await saveLinkerSettings(tenant.db, tenant.account.id, site_id, c.req.valid('json')));
    },
  );
