import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { authRoutes } from './auth/routes';
import { ticketRoutes } from './auth/ticket-routes';
import { benchRoutes } from './bench/routes';
import { billingRoutes } from './billing/routes';
import { automationRoutes } from './automation/routes';
import { runRoutes } from './automation/runs-routes';
import { integrationRoutes } from './integration/routes';
import { integrationSyncRoutes } from './integration/sync-routes';
import { integrationWebhookRoutes } from './integration/webhook-routes';
import { accountRoutes, catalogRoutes } from './catalog/routes';
import { docsRoutes } from './docs/routes';
import type { AppEnv } from './env';
import { PayloadTooLarge } from './http/errors';
import { notFoundRoute, onError } from './http/on-error';
import { ok } from './http/respond';
import { requestId } from './middleware/request-id';
import { clusterRoutes } from './planner/clusters-routes';
import { linkerRoutes } from './linker/routes';
import { optimizerRoutes } from './optimizer/routes';
import { deploymentRoutes } from './publisher/deployments-routes';
import { publisherRoutes } from './publisher/routes';
import { MAX_IMPORT_BYTES } from './planner/csv-routes';
import { ideaRoutes } from './planner/ideas-routes';
import { keywordRoutes } from './planner/keywords-routes';
import { sectorRoutes } from './sectors/routes';
import { siteBuilderGenerateRoutes } from './site-builder/generate-routes';
import { siteBuilderRoutes } from './site-builder/routes';
import { sitePreviewRoutes } from './site-renderer/preview-routes';
import { siteRoutes } from './sites/routes';
import { siteAccessRoutes } from './users/site-access-routes';
import { aiSettingsRoutes, promptRoutes } from './system/ai-settings-routes';
import { jobRoutes, taskProgressRoutes } from './jobs/jobs-routes';
import { userRoutes } from './users/routes';
import { contentRoutes } from './writer/content-routes';
import { draftRoutes } from './writer/draft-routes';
import { draftTestRoutes } from './writer/draft-test-routes';
import { imageRoutes } from './writer/images-routes';
import { taskRoutes } from './writer/tasks-routes';
import { authorProfileRoutes } from './writer/author-profiles-routes';
import { strategyRoutes } from './writer/strategies-routes';
import { reparseRoutes } from './writer/reparse-routes';
import { aiCallRoutes } from './system/ai-calls-routes';
import { statusRoutes } from './system/status-routes';
import { adminRoutes } from './admin/routes';
import { moveRoutes } from './admin/moves-routes';
import { adminTestRoutes } from './admin/test-routes';
import { recordCrossAccountRequest } from './admin/cross-account';
import { onCrossAccountRequest } from './middleware/tenant';
import { exportRoutes } from './exports/routes';
import { passwordResetRoutes } from './auth/password-reset-routes';
import { sessionRoutes } from './auth/session-routes';

/** JSON bodies above this are refused before they are read (CSV import has its own, larger cap). */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;
/** Bodies larger than JSON: CSV imports, and site asset uploads (which enforce their own, smaller cap). */
const IMPORT_PATH = /\/import\/?$|\/site-builder\/assets\/?$/;

/**
 * The API: one Hono app per resource, mounted under the seed's module prefixes. `strict: false`
 * makes `/sites` and `/sites/` the same route, since the seed's clients use trailing slashes.
 * One chain, so the app's type carries every route's input and output (AppType, for the web's
 * typed client).
 */
export function createApi() {
  // The developer console audits a developer's requests for other accounts (tenantContext can't import it).
  onCrossAccountRequest(recordCrossAccountRequest);
  const jsonLimit = bodyLimit({
    maxSize: MAX_JSON_BODY_BYTES,
    onError: () => {
      throw new PayloadTooLarge(MAX_JSON_BODY_BYTES);
    },
  });
  const importLimit = bodyLimit({
    maxSize: MAX_IMPORT_BYTES + 64 * 1024,
    onError: () => {
      throw new PayloadTooLarge(MAX_IMPORT_BYTES);
    },
  });
  const api = new Hono<AppEnv>({ strict: false })
    .basePath('/api')
    .use('*', requestId)
    .use('*', (c, next) => (IMPORT_PATH.test(c.req.path) ? importLimit(c, next) : jsonLimit(c, next)))
    .onError(onError)
    .notFound(notFoundRoute)
    .get('/health', (c) => ok(c, { status: 'ok' }))
    // auth module: session, users, sites, sectors, site access, catalogues, account
    .route('/v1/auth/password-reset', passwordResetRoutes)
    .route('/v1/auth/session', sessionRoutes)
    .route('/v1/auth', authRoutes)
    .route('/v1/auth/tickets', ticketRoutes)
    .route('/v1/auth/users', userRoutes)
    .route('/v1/auth/site-access', siteAccessRoutes)
    .route('/v1/auth/sites', siteRoutes)
    .route('/v1/auth/sectors', sectorRoutes)
    .route('/v1/auth/account/exports', exportRoutes)
    .route('/v1/auth/account', accountRoutes)
    .route('/v1/auth', catalogRoutes)
    // planner module
    .route('/v1/planner/keywords', keywordRoutes)
    .route('/v1/planner/clusters', clusterRoutes)
    .route('/v1/planner/ideas', ideaRoutes)
    // system module: AI jobs, progress polling (the seed's path), AI settings and prompts
    .route('/v1/system/settings/task_progress', taskProgressRoutes)
    .route('/v1/system/settings/integrations', aiSettingsRoutes)
    .route('/v1/system/jobs', jobRoutes)
    .route('/v1/system/prompts', promptRoutes)
    .route('/v1/system/author-profiles', authorProfileRoutes)
    .route('/v1/system/strategies', strategyRoutes)
    .route('/v1/system/ai-calls', aiCallRoutes)
    .route('/v1/system/status', statusRoutes)
    // writer module
    .route('/v1/writer/tasks', taskRoutes)
    .route('/v1/writer/images', imageRoutes)
    .route('/v1/writer/content', reparseRoutes)
    .route('/v1/writer/content', contentRoutes)
    .route('/v1/writer/content', draftRoutes)
    // test-only hooks (404 unless TEST_ROUTES or BENCH_ROUTES is "true")
    .route('/v1/_test', adminTestRoutes)
    .route('/v1/_test', draftTestRoutes)
    // optimizer module: briefs, scores, score history
    .route('/v1/optimizer', optimizerRoutes)
    // linker module: link suggestions, batch linking, the link report, settings
    .route('/v1/linker', linkerRoutes)
    // site builder module: AI structure and page content (mounted before the CRUD routes: its routes carry
    // their own guards, so a use('*') of the others must come after them)
    // the builder's live preview: cookie-authenticated (an iframe), so before any use('*') that wants Bearer
    .route('/v1/site-builder/preview', sitePreviewRoutes)
    .route('/v1/site-builder', siteBuilderGenerateRoutes)
    .route('/v1/site-builder', siteBuilderRoutes)
    // publisher module: WordPress connection, publishing, publishing records; IGNY8 site deployments
    // (first: its routes carry their own guards, publisherRoutes' use('*') must not run twice on them)
    .route('/v1/publisher', deploymentRoutes)
    .route('/v1/publisher', publisherRoutes)
    // billing module
    .route('/v1/billing', billingRoutes)
    // automation module: rules, their starts, runs (runs first: its routes carry their own guards)
    .route('/v1/automation/runs', runRoutes)
    .route('/v1/automation', automationRoutes)
    // integration module: the signed webhooks first (no user session), then sync/drift, then connections
    .route('/v1/integration/webhooks', integrationWebhookRoutes)
    .route('/v1/integration', integrationSyncRoutes)
    .route('/v1/integration', integrationRoutes)
    // the developer console: shard moves first (own guards), then accounts, plans, credits, dead letters, audit
    .route('/v1/admin/moves', moveRoutes)
    .route('/v1/admin', adminRoutes)
    // benchmark baselines (404 unless BENCH_ROUTES is "true")
    .route('/v1/_bench', benchRoutes);

  api.route('/', docsRoutes(api));
  return api;
}

/** The API's routes with their request and response types: the web's `hc` client is typed by it. */
export type AppType = ReturnType<typeof createApi>;
