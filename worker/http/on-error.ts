import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ApiFailure } from '../../core/api/envelope';
import type { AppEnv } from '../env';
import { ApiError } from './errors';

/**
 * The single place errors become responses. ApiErrors carry their status; Hono's own
 * HTTPExceptions (e.g. from bodyLimit) keep theirs; anything else is a 500 whose details stay in
 * the log, keyed by request_id, and never reach the client.
 */
export function onError(err: Error, c: Context<AppEnv>) {
  const requestId = c.get('requestId') ?? crypto.randomUUID();
  if (err instanceof ApiError) {
    const body: ApiFailure = { success: false, error: err.message, code: err.code, request_id: requestId };
    if (err.errors) body.errors = err.errors;
    return c.json(body, err.status, err.headers);
  }
  if (err instanceof HTTPException) {
    const status = err.status;
    const body: ApiFailure = {
      success: false,
      error: err.message || 'Request could not be processed.',
      code: status === 413 ? 'payload_too_large' : 'http_error',
      request_id: requestId,
    };
    return c.json(body, status);
  }
  console.error(JSON.stringify({ level: 'error', request_id: requestId, message: err.message, stack: err.stack }));
  const body: ApiFailure = {
    success: false,
    error: 'Internal server error.',
    code: 'internal_error',
    request_id: requestId,
  };
  return c.json(body, 500);
}

export function notFoundRoute(c: Context<AppEnv>) {
  const body: ApiFailure = {
    success: false,
    error: `No API route for ${c.req.method} ${new URL(c.req.url).pathname}.`,
    code: 'route_not_found',
    request_id: c.get('requestId') ?? crypto.randomUUID(),
  };
  return c.json(body, 404);
}
