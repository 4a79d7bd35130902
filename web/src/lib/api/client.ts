/**
 * The one way the web app talks to the API.
 *
 * The access token lives in this module's memory only (never in storage, so a script injected
 * into the page cannot lift a long-lived credential); the refresh token is an httpOnly cookie the
 * browser sends to /api/v1/auth. When there is no access token, or the API says it expired, the
 * client refreshes once — shared by every concurrent caller, because refresh tokens are single-use
 * and presenting a spent one revokes the whole session — then retries the request.
 */
import type { ApiFailure, ApiPage, ApiSuccess } from '$core/api/envelope';
import { ApiRequestError, networkError } from './errors';
import { API } from './paths';
import type { SessionTokens } from './types';

export type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue>;

interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** A body sent as is (a multipart form, CSV text) instead of JSON. */
  rawBody?: BodyInit;
  /** Extra headers, e.g. Idempotency-Key on AI job starts or the Content-Type of a raw body. */
  headers?: Record<string, string>;
  /** false for the sign-in/sign-up/invite routes, which must not trigger a refresh. */
  auth?: boolean;
  signal?: AbortSignal;
}

let accessToken: string | null = null;
let refreshing: Promise<boolean> | null = null;
const sessionEndedListeners = new Set<() => void>();

export function setAccessToken(token: string | null) {
  accessToken = token;
}

export function hasAccessToken() {
  return accessToken !== null;
}

/** Seconds until the access token's `exp` (a JWT claim; read, not verified: the server verifies). */
function secondsLeft(token: string): number {
  try {
    const payload = token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/');
    const { exp } = JSON.parse(atob(payload)) as { exp?: number };
    return typeof exp === 'number' ? exp - Date.now() / 1000 : 0;
  } catch {
    return 0;
  }
}

/**
 * An access token valid for at least `minSeconds`, refreshed first when needed (or when `force`d,
 * e.g. after the server refused a socket with this token). For places that can't send the
 * Authorization header, such as the site's WebSocket. null: the session is gone or unreachable.
 */
export async function freshAccessToken(minSeconds = 60, force = false): Promise<string | null> {
  if (force || !accessToken || secondsLeft(accessToken) < minSeconds) await refreshAccessToken();
  return accessToken;
}

/** Called when an authenticated call finds the session gone (refresh refused, user disabled…). */
export function onSessionEnded(listener: () => void): () => void {
  sessionEndedListeners.add(listener);
  return () => sessionEndedListeners.delete(listener);
}

function endSession() {
  accessToken = null;
  for (const listener of sessionEndedListeners) listener();
}

async function postRefresh(): Promise<boolean> {
  try {
    const res = await fetch(API.refresh, {
      method: 'POST',
      credentials: 'include',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: '{}',
    });
    const json = (await res.json()) as ApiSuccess<SessionTokens> | ApiFailure;
    accessToken = res.ok && json.success ? json.data.access : null;
  } catch {
    accessToken = null;
  }
  return accessToken !== null;
}

/**
 * Exchanges the refresh cookie for a new access token. Concurrent callers in this tab share one
 * request; other tabs share the cookie, so a Web Lock serialises refreshes across tabs too.
 */
export function refreshAccessToken(): Promise<boolean> {
  refreshing ??= (
    typeof navigator !== 'undefined' && navigator.locks
      ? navigator.locks.request('igny8-token-refresh', postRefresh)
      : postRefresh()
  ).finally(() => {
    refreshing = null;
  });
  return refreshing;
}

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

function doFetch(method: string, path: string, opts: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.auth !== false && accessToken) headers.authorization = `Bearer ${accessToken}`;
  return fetch(withQuery(path, opts.query), {
    method,
    headers,
    // A FormData body gets its multipart boundary from fetch: no content-type of our own then.
    body: opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
    // Auth routes need the refresh cookie (sign-in sets it, sign-out clears it).
    credentials: opts.auth === false ? 'include' : 'same-origin',
    signal: opts.signal,
  });
}

async function readEnvelope(res: Response): Promise<unknown> {
  try {
    return await res.json();
  } catch {
    throw new ApiRequestError(res.status, {
      error: `Unexpected response from the server (HTTP ${res.status}).`,
      code: 'bad_response',
    });
  }
}

/** Sends with the access token, refreshing it once if the API says it expired. */
async function send(method: string, path: string, opts: RequestOptions): Promise<Response> {
  const authenticated = opts.auth !== false;
  if (authenticated && !accessToken) await refreshAccessToken();
  try {
    let res = await doFetch(method, path, opts);
    if (authenticated && res.status === 401) {
      const failure = (await readEnvelope(res.clone()).catch(() => null)) as ApiFailure | null;
      // token_revoked: the role or password changed since the token was issued; a refresh gets a
      // token under the new role (or fails, if the session was signed out too).
      const renewable = failure?.code === 'token_expired' || failure?.code === 'token_revoked';
      if (renewable && (await refreshAccessToken())) res = await doFetch(method, path, opts);
    }
    return res;
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    if (err instanceof ApiRequestError) throw err;
    throw networkError();
  }
}

function failureOf(res: Response, failure: Partial<ApiFailure> | null, authenticated: boolean): ApiRequestError {
  if (authenticated && res.status === 401) endSession();
  return new ApiRequestError(res.status, {
    error: failure?.error ?? `Request failed (HTTP ${res.status}).`,
    code: failure?.code ?? 'http_error',
    errors: failure?.errors,
    request_id: failure?.request_id,
  });
}

async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await send(method, path, opts);
  const json = (await readEnvelope(res)) as (ApiSuccess<unknown> | ApiPage<unknown> | ApiFailure) & {
    success: boolean;
  };
  if (!res.ok || !json.success) throw failureOf(res, json as ApiFailure, opts.auth !== false);
  return json as T;
}

/** The file name a Content-Disposition header suggests, or `fallback`. */
function fileNameOf(res: Response, fallback: string): string {
  const match = /filename="?([^";]+)"?/i.exec(res.headers.get('content-disposition') ?? '');
  return match?.[1] ?? fallback;
}

export const api = {
  /** GET a single resource: resolves to `data`. */
  async get<T>(path: string, query?: Query, opts: Omit<RequestOptions, 'query' | 'body'> = {}): Promise<T> {
    return (await request<ApiSuccess<T>>('GET', path, { ...opts, query })).data;
  },
  /** GET a paginated list: resolves to the whole page envelope (count, next, previous, results). */
  page<T>(path: string, query?: Query, opts: Omit<RequestOptions, 'query' | 'body'> = {}): Promise<ApiPage<T>> {
    return request<ApiPage<T>>('GET', path, { ...opts, query });
  },
  post<T>(path: string, body: unknown = {}, opts: Omit<RequestOptions, 'body'> = {}): Promise<ApiSuccess<T>> {
    return request<ApiSuccess<T>>('POST', path, { ...opts, body });
  },
  patch<T>(path: string, body: unknown, opts: Omit<RequestOptions, 'body'> = {}): Promise<ApiSuccess<T>> {
    return request<ApiSuccess<T>>('PATCH', path, { ...opts, body });
  },
  put<T>(path: string, body: unknown, opts: Omit<RequestOptions, 'body'> = {}): Promise<ApiSuccess<T>> {
    return request<ApiSuccess<T>>('PUT', path, { ...opts, body });
  },
  delete<T = { id: number; deleted: true }>(path: string, opts: RequestOptions = {}): Promise<ApiSuccess<T>> {
    return request<ApiSuccess<T>>('DELETE', path, opts);
  },
  /**
   * POST a file: a multipart form, or the file's bytes as they are with `contentType` (the CSV
   * import takes text/csv directly); the reply is the usual envelope.
   */
  upload<T>(
    path: string,
    body: FormData | Blob,
    opts: Omit<RequestOptions, 'body' | 'rawBody'> & { contentType?: string } = {},
  ): Promise<ApiSuccess<T>> {
    const { contentType, ...rest } = opts;
    const headers =
      body instanceof FormData
        ? rest.headers
        : { ...rest.headers, 'content-type': contentType ?? (body.type || 'application/octet-stream') };
    return request<ApiSuccess<T>>('POST', path, { ...rest, headers, rawBody: body });
  },
  /**
   * GET a file (CSV export) with the access token, which a plain link can't send. Errors still
   * come back as the JSON envelope.
   */
  async download(
    path: string,
    query: Query = {},
    fallbackName = 'download',
  ): Promise<{ blob: Blob; fileName: string }> {
    const res = await send('GET', path, { query, headers: { accept: 'text/csv, application/json' } });
    if (!res.ok) throw failureOf(res, (await readEnvelope(res).catch(() => null)) as ApiFailure | null, true);
    return { blob: await res.blob(), fileName: fileNameOf(res, fallbackName) };
  },
};
