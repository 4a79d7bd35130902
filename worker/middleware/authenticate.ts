import type { MiddlewareHandler } from 'hono';
import { verifyAccessToken } from '../auth/tokens';
import type { AppEnv } from '../env';
import { ApiError, Unauthorized } from '../http/errors';

/** Verifies `Authorization: Bearer <access JWT>` and sets `session`. Cookies never authenticate API calls. */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header('authorization');
  if (!header) throw new Unauthorized('Authentication required: send Authorization: Bearer <access token>.');
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim());
  if (!match) throw new Unauthorized('Authorization header must be "Bearer <access token>".', 'token_invalid');
  c.set('session', await verifyAccessToken(c.env, match[1]!));
  await next();
};

/**
 * For WebSocket upgrades: browsers can't set headers on a WebSocket, so the access token comes in
 * the query (`?access_token=`); then 426 unless the request really is an upgrade.
 */
export const authenticateSocket: MiddlewareHandler<AppEnv> = async (c, next) => {
  const token = c.req.query('access_token');
  if (!token) throw new Unauthorized('Connect with ?access_token=<access token>.');
  c.set('session', await verifyAccessToken(c.env, token));
  if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
    throw new ApiError(426, 'Expected a WebSocket upgrade.', 'upgrade_required');
  }
  await next();
};
