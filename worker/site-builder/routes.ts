/**
 * The Site Builder API (issue 12, scope item 1), mounted at `/api/v1/site-builder`: blueprints
 * (with their clusters and taxonomies), pages, assets and the builder's metadata.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { ok } from '../http/respond';
import { describe } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { assetRoutes } from './assets-routes';
import { blueprintRoutes } from './blueprints-routes';
import { siteBuilderMetadata } from './metadata';
import { pageRoutes } from './pages-routes';

/** Built on first use, not at import: JSON Schema generation would slow every isolate's start. */
let metadata: ReturnType<typeof siteBuilderMetadata> | undefined;

export const siteBuilderRoutes = new Hono<AppEnv>()
  .get(
    '/metadata',
    describe('Blueprint and page types, block types with their JSON Schema, taxonomy types, themes', ['site-builder']),
    authenticate,
    (c) => ok(c, (metadata ??= siteBuilderMetadata())),
  )
  .route('/blueprints', blueprintRoutes)
  .route('/pages', pageRoutes)
  .route('/assets', assetRoutes);
