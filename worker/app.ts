import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { authRoutes } from './auth/routes';
import { ticketRoutes } from './auth/ticket-routes';
import { benchRoutes } from './bench/routes';
import { billingRoutes } from './billing/routes';
import { accountRoutes, catalogRoutes } from './catalog/routes';
import { docsRoutes } from './docs/routes';
import type { AppEnv } from './env';
import { PayloadTooLarge } from './http/errors';
import { notFoundRoute, onError } from './http/on-error';
import { ok } from './http/respond';
import { requestId } from './middleware/request-id';
import { clusterRoutes } from './planner/clusters-routes';
import { publisherRoutes } from './publisher/routes';
import { MAX_IMPORT_BYTES } from './planner/csv-routes';
import { ideaRoutes } from './planner/ideas-routes';
import { keywordRoutes } from './planner/keywords-routes';
import { sectorRoutes } from './sectors/routes';
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

/** JSON bodies above this are refused before they are read (CSV import has its own, larger cap). */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;
const IMPORT_PATH = /\/import\/?$/;

/**
 * The API: one Hono app per resource, mounted under the seed's module prefixes. `strict: false`
 * makes `/sites` and `/sites/` the same route, since the seed's clients use trailing slashes.
 */
export function createApi() {
  const api = new Hono<AppEnv>({ strict: false }).basePath('/api');
  api.use('*', requestId);
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
  api.use('*', (c, next) => (IMPORT_PATH.test(c.req.path) ? importLimit(c, next) : jsonLimit(c, next)));
  api.onError(onError);
  api.notFound(notFoundRoute);

  api.get('/health', (c) => ok(c, { status: 'ok' }));

  // auth module: session, users, sites, sectors, site access, catalogues, account
  api.route('/v1/auth', authRoutes);
  api.route('/v1/auth/tickets', ticketRoutes);
  api.route('/v1/auth/users', userRoutes);
  api.route('/v1/auth/site-access', siteAccessRoutes);
  api.route('/v1/auth/sites', siteRoutes);
  api.route('/v1/auth/sectors', sectorRoutes);
  api.route('/v1/auth/account', accountRoutes);
  api.route('/v1/auth', catalogRoutes);

  // planner module
  api.route('/v1/planner/keywords', keywordRoutes);
  api.route('/v1/planner/clusters', clusterRoutes);
  api.route('/v1/planner/ideas', ideaRoutes);

  // system module: AI jobs, progress polling (the seed's path), AI settings and prompts
  api.route('/v1/system/settings/task_progress', taskProgressRoutes);
  api.route('/v1/system/settings/integrations', aiSettingsRoutes);
  api.route('/v1/system/jobs', jobRoutes);
  api.route('/v1/system/prompts', promptRoutes);

  // writer module
  api.route('/v1/writer/tasks', taskRoutes);
  api.route('/v1/writer/images', imageRoutes);
  api.route('/v1/writer/content', contentRoutes);
  api.route('/v1/writer/content', draftRoutes);
  // test-only hooks (404 unless TEST_ROUTES or BENCH_ROUTES is "true")
  api.route('/v1/_test', draftTestRoutes);

  // publisher module: WordPress connection, publishing, publishing records
  api.route('/v1/publisher', publisherRoutes);

  // billing module
  api.route('/v1/billing', billingRoutes);

  // benchmark baselines (404 unless BENCH_ROUTES is "true")
  api.route('/v1/_bench', benchRoutes);

  api.route('/', docsRoutes(api));
  return api;
}
