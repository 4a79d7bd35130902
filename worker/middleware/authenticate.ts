import type { MiddlewareHandler } from 'hono';
import { verifyAccessToken } from '../auth/tokens';
import type { AppEnv } from '../env';
import { Unauthorized } from '../http/errors';

/** Verifies `Authorization: Bearer <access JWT>` and sets `session`. Cookies never authenticate API calls. */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const header = c.req.header('authorization');
  if (!header) throw new Unauthorized('Authentication required: send Authorization: Bearer <access token>.');
  const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim());
  if (!match) throw new Unauthorized('Authorization header must be "Bearer <access token>".', 'token_invalid');
  c.set('session', await verifyAccessToken(c.env, match[1]!));
  await next();
};

