import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { accountRoutes, catalogRoutes } from './catalog/routes';
import { authRoutes } from './auth/routes';
import { docsRoutes } from './docs/routes';
import type { AppEnv } from './env';
import { PayloadTooLarge } from './http/errors';
import { notFoundRoute, onError } from './http/on-error';
import { ok } from './http/respond';
import { requestId } from './middleware/request-id';
import { sectorRoutes } from './sectors/routes';
import { siteRoutes } from './sites/routes';
import { siteAccessRoutes } from './users/site-access-routes';
import { userRoutes } from './users/routes';

/** JSON bodies above this are refused before they are read (CSV import has its own, larger cap). */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;

/**
 * The API: one Hono app per resource, mounted under the seed's module prefixes. `strict: false`
 * makes `/sites` and `/sites/` the same route, since the seed's clients use trailing slashes.
 */
export function createApi() {
  const api = new Hono<AppEnv>({ strict: false }).basePath('/api');
  api.use('*', requestId);
  api.use(
    '*',
    bodyLimit({
      maxSize: MAX_JSON_BODY_BYTES,
      onError: () => {
        throw new PayloadTooLarge(MAX_JSON_BODY_BYTES);
      },
    }),
  );
  api.onError(onError);
  api.notFound(notFoundRoute);

  api.get('/health', (c) => ok(c, { status: 'ok' }));

  // auth module: session, users, sites, sectors, site access, catalogues, account
  api.route('/v1/auth', authRoutes);
  api.route('/v1/auth/users', userRoutes);
  api.route('/v1/auth/site-access', siteAccessRoutes);
  api.route('/v1/auth/sites', siteRoutes);
  api.route('/v1/auth/sectors', sectorRoutes);
  api.route('/v1/auth/account', accountRoutes);
  api.route('/v1/auth', catalogRoutes);

  api.route('/', docsRoutes(api));
  return api;
}
