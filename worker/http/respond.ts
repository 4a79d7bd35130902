import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ApiPage, ApiSuccess } from '../../core/api/envelope';
import type { AppEnv } from '../env';

/** `{success:true, data, message?, request_id}` */
export function ok<T>(c: Context<AppEnv>, data: T, status: ContentfulStatusCode = 200, message?: string) {
  const body: ApiSuccess<T> = { success: true, data, request_id: c.get('requestId') };
  if (message) body.message = message;
  return c.json(body, status);
}

export function created<T>(c: Context<AppEnv>, data: T, message?: string) {
  return ok(c, data, 201, message);
}

/**
 * `{success:true, count, next, previous, results, request_id}`; next/previous are absolute URLs
 * of the same query with only `page` changed, as DRF's PageNumberPagination writes them.
 */
export function page<T>(c: Context<AppEnv>, results: T[], count: number, pageNumber: number, pageSize: number) {
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
  return c.json(body, 200);
}
