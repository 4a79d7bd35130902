import { createApi } from './app';
import { createConfigGuard } from './config-guard';
import type { Env } from './env';
import { handleEventBatch } from './events/consumer';
import { enqueueScheduledWork } from './events/cron';
import { withSecurityHeaders } from './http/security-headers';
import { mediaRoutes } from './media/routes';
import { realtimeRoutes } from './realtime/routes';
import { isSitePath, serveByHostname, serveBySlug } from './site-serving/serve';
import { draftSocketRoutes } from './writer/draft-socket';

type FetchHandler = (request: Request, env: Env, ctx: ExecutionContext) => Response | Promise<Response>;

/** Paths the API (and, later, the realtime sockets) own; everything else is the web app. */
const API_PATH = /^\/api(\/|$)/;
const SOCKET_PATH = /^\/ws\//;
const MEDIA_PATH = /^\/media\//;
const PARTIES_PATH = /^\/parties\//;

/**
 * The Worker's handlers, given what serves non-API paths (the built SvelteKit app in production,
 * a 404 in tests that import the API without building the UI). The Worker only routes: state
 * lives in D1 and in the Durable Objects.
 */
export function createWorker(webApp: FetchHandler): ExportedHandler<Env> {
  const api = createApi();
  // Production with a development switch set answers 503 to everything (worker/config-guard.ts).
  const guard = createConfigGuard();
  const route = (request: Request, env: Env, ctx: ExecutionContext) => {
    const { pathname } = new URL(request.url);
    if (API_PATH.test(pathname)) return api.fetch(request, env, ctx);
    if (SOCKET_PATH.test(pathname)) return realtimeRoutes.fetch(request, env, ctx);
    if (MEDIA_PATH.test(pathname)) return mediaRoutes.fetch(request, env, ctx);
    if (PARTIES_PATH.test(pathname)) return draftSocketRoutes.fetch(request, env, ctx);
    if (isSitePath(pathname)) return serveBySlug(request, env);
    return webApp(request, env, ctx);
  };
  // On a deployed site's custom hostname every path is the site's (its /api/ is not the app's API);
  // another host (the app's, when APP_HOSTNAME is set) is routed as usual.
  const routeHost = async (request: Request, env: Env, ctx: ExecutionContext) =>
    (env.APP_HOSTNAME ? await serveByHostname(request, env) : null) ?? route(request, env, ctx);
  return {
    async fetch(request, env, ctx) {
      const response = guard.refusal(env) ?? (await routeHost(request, env, ctx));
      return withSecurityHeaders(response, request, env);
    },
    // Queue messages only come from requests and the cron, which the guard already stops.
    queue: (batch, env) => handleEventBatch(batch, env),
    scheduled: (controller, env, ctx) => {
      if (!guard.allows(env)) return;
      ctx.waitUntil(enqueueScheduledWork(env, controller.scheduledTime));
    },
  };
}
