import type { Context, TypedResponse } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { JSONParsed } from 'hono/utils/types';
import type { ApiPage, ApiSuccess } from '../../core/api/envelope';
import type { AppEnv } from '../env';

/**
 * A JSON response typed with its body and status, as `c.json()` types it: the API's type (and so
 * the web's typed client) reads each route's output from it. Named, because the declaration emit
 * for the web (tsconfig.api-types.json) refuses to spell out the inferred type.
 */
export type Json<T, S extends ContentfulStatusCode> = Response & TypedResponse<JSONParsed<T>, S, 'json'>;

/** `{success:true, data, message?, request_id}` */
export function ok<T, S extends ContentfulStatusCode = 200>(
  c: Context<AppEnv>,
  data: T,
  status: S = 200 as S,
  message?: string,
): Json<ApiSuccess<T>, S> {
  const body: ApiSuccess<T> = { success: true, data, request_id: c.get('requestId') };
  if (message) body.message = message;
  return c.json(body, status) as Json<ApiSuccess<T>, S>;
}

export function created<T>(c: Context<AppEnv>, data: T, message?: string): Json<ApiSuccess<T>, 201> {
  return ok(c, data, 201, message);
}

/**
 * `{success:true, count, next, previous, results, request_id}`; next/previous are absolute URLs
 * of the same query with only `page` changed, as DRF's PageNumberPagination writes them.
 */
export function page<T>(
  c: Context<AppEnv>,
  results: T[],
  count: number,
  pageNumber: number,
  pageSize: number,
): Json<ApiPage<T>, 200> {
  const linkTo = (n: number) => {
    const url = new URL(c.req.url);
    url.searchParams.set('page', String(n));
    return url.toString();
  };
  const lastPage = Math.max(1, Math.ceil(count / pageSize));
  const body: ApiPage<T> = {
    success: true,
    count,
    next: pageNumber < lastPage ? linkTo(pageNumber + 1) : null,
    previous: pageNumber > 1 ? linkTo(Math.min(pageNumber - 1, lastPage)) : null,
    results,
    request_id: c.get('requestId'),
  };
  return c.json(body, 200) as Json<ApiPage<T>, 200>;
}
