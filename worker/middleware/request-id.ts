import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env';

const SAFE_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Every response carries a request_id (envelope and X-Request-ID); a sane incoming id is kept for tracing. */
export const requestId: MiddlewareHandler<AppEnv> = async (c, next) => {
  const incoming = c.req.header('x-request-id');
  const id = incoming && SAFE_ID.test(incoming) ? incoming : crypto.randomUUID();
  c.set('requestId', id);
  await next();
  c.header('X-Request-ID', id);
};
