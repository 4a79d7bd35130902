import { Hono } from 'hono';
import type { AppEnv } from '../env';
import { buildOpenApiDocument } from '../http/openapi';

/**
 * `/api/openapi.json` (built from the live routes) and `/api/docs` (Swagger UI, served from our own
 * static assets under /vendor/swagger-ui/: no CDN, and a CSP without inline script).
 */
export function docsRoutes(api: Hono<AppEnv>) {
  const docs = new Hono<AppEnv>();
  // Built once per isolate, on first request: every route is registered by then.
  let cached: ReturnType<typeof buildOpenApiDocument> | undefined;
  docs.get('/openapi.json', async (c) => {
    cached ??= buildOpenApiDocument(api, '/');
    return c.json(await cached);
  });
  docs.get('/docs', (c) => {
    c.header(
      'Content-Security-Policy',
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; " +
        "connect-src 'self'",
    );
    return c.html(`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>IGNY8 Edge API</title>
  <link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css" />
</head>
<body>
  <div id="swagger-ui" data-spec-url="/api/openapi.json"></div>
  <script src="/vendor/swagger-ui/swagger-ui-bundle.js"></script>
  <script src="/vendor/swagger-ui/init.js"></script>
</body>
</html>`);
  });
  return docs;
}
