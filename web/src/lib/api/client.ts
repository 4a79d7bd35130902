/**
 * The one way the web app talks to the API.
 *
 * The access token lives in this module's memory only (never in storage, so a script injected
 * into the page cannot lift a long-lived credential); the refresh token is an httpOnly cookie the
 * browser sends to /api/v1/auth. When there is no access token, or the API says it expired, the
 * client refreshes once — shared by every concurrent caller, because refresh tokens are single-use
 * and presenting a spent one revokes the whole session — then retries the request.
 *
 * `api` is Hono's typed client over the worker's AppType (declarations emitted into web/.api-types
 * by `npm run api-types`): paths, request bodies, queries and response bodies all come from the
 * routes themselves. `read()`/`data()` turn its responses into data or an ApiRequestError.
 */
import type { AppType } from '$api';
import type { ApiFailure, ApiPage, ApiSuccess } from '$core/api/envelope';
import { type ClientResponse, hc } from 'hono/client';
import { ApiRequestError, networkError } from './errors';

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
    const res = await publicApi.api.v1.auth.token.refresh.$post({ json: {} });
    const json = (await res.json()) as Awaited<ReturnType<typeof res.json>> | ApiFailure;
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

/**
 * The app's start-up probe (POST /api/v1/auth/session): one round trip that answers "signed out"
 * with a 200 (no failed request in the console on a signed-out load) or brings a fresh access token
 * and the /me payload together. Shares the cross-tab Web Lock with refreshes: the cookie is spent.
 */
export function probeSession(): Promise<unknown | null> {
  const early = takeEarlyProbe();
  const probe = async () => {
    try {
      const res = await publicApi.api.v1.auth.session.$post();
      return signedInAs(res.ok, await res.json());
    } catch {
      return null;
    }
  };
  const fromScratch = () =>
    typeof navigator !== 'undefined' && navigator.locks
      ? navigator.locks.request('igny8-token-refresh', probe)
      : probe();
  // The answer app.html's probe already has (or is about to have); a network failure there asks again.
  return early ? early.then((answer) => (answer ? signedInAs(answer.ok, answer.body) : fromScratch())) : fromScratch();
}

type SessionAnswer = { success?: boolean; data?: { signed_in?: boolean; access?: string; me?: unknown } };

/** The /me of a session probe's answer (keeping its access token), or null when signed out. */
function signedInAs(ok: boolean, body: unknown): unknown | null {
  const json = body as SessionAnswer | null;
  if (!ok || !json?.success || !json.data?.signed_in || !json.data.access) return null;
  accessToken = json.data.access;
  return json.data.me ?? null;
}

/**
 * The session probe app.html starts before any of the app's code has loaded (the same request,
 * under the same Web Lock), so on a cold load it overlaps the download of the app instead of
 * following it. Taken once: only the first restore of this page load may use its answer (the
 * refresh cookie it spent is gone).
 */
function takeEarlyProbe(): Promise<{ ok: boolean; body: unknown } | null> | undefined {
  const holder = globalThis as { __igny8SessionProbe?: Promise<{ ok: boolean; body: unknown } | null> };
  const early = holder.__igny8SessionProbe;
  holder.__igny8SessionProbe = undefined;
  return early;
}

/** The query string of `query`: empty values (undefined, null, '') are left out. */
function searchParamsOf(query: Record<string, unknown>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const item of value) params.append(key, String(item));
    else params.set(key, String(value));
  }
  return params;
}

export function withQuery(path: string, query: Query = {}): string {
  const qs = searchParamsOf(query).toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

/** Responses of authenticated calls: a 401 among them ends the session. */
const authenticatedResponses = new WeakSet<Response>();

/**
 * The seed's API paths end in a slash, and every request kept that form (`strict: false` makes the
 * worker accept both); hc drops it, so it goes back on here and requests look as they always did.
 */
export function withTrailingSlash(input: RequestInfo | URL): RequestInfo | URL {
  if (typeof input !== 'string') return input;
  const at = input.search(/[?#]/);
  const path = at < 0 ? input : input.slice(0, at);
  return path.endsWith('/') ? input : `${path}/${at < 0 ? '' : input.slice(at)}`;
}

/** fetch, with a failure to reach the server as an ApiRequestError (an abort stays an abort). */
async function reach(input: RequestInfo | URL, init: RequestInit): Promise<Response> {
  try {
    return await fetch(withTrailingSlash(input), init);
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw networkError();
  }
}

function headersOf(init: RequestInit, token: string | null): Headers {
  const headers = new Headers(init.headers);
  if (!headers.has('accept')) headers.set('accept', 'application/json');
  if (token) headers.set('authorization', `Bearer ${token}`);
  return headers;
}

/**
 * The fetch of authenticated calls: sends the access token, and when the API says it expired (or
 * was revoked), refreshes once (shared by every caller) and retries the request.
 */
async function authedFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  if (!accessToken) await refreshAccessToken();
  const attempt = () => reach(input, { credentials: 'same-origin', ...init, headers: headersOf(init, accessToken) });
  let res = await attempt();
  if (res.status === 401) {
    const failure = (await readEnvelope(res.clone()).catch(() => null)) as ApiFailure | null;
    // token_revoked: the role or password changed since the token was issued; a refresh gets a
    // token under the new role (or fails, if the session was signed out too).
    const renewable = failure?.code === 'token_expired' || failure?.code === 'token_revoked';
    if (renewable && (await refreshAccessToken())) res = await attempt();
  }
  authenticatedResponses.add(res);
  return res;
}

/** The fetch of the sign-in, sign-up, refresh and invite routes: no token, and the refresh cookie goes along. */
function publicFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  return reach(input, { ...init, credentials: 'include', headers: headersOf(init, null) });
}

/** The typed API: `api.api.v1.planner.keywords.$get({ query })`, with the session's token. */
export const api = hc<AppType>('/', { fetch: authedFetch, buildSearchParams: searchParamsOf });
/** The same API without a token, for the routes that must not trigger a refresh (sign-in, invites…). */
export const publicApi = hc<AppType>('/', { fetch: publicFetch, buildSearchParams: searchParamsOf });

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

function send(method: string, path: string, opts: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  return (opts.auth === false ? publicFetch : authedFetch)(withQuery(path, opts.query), {
    method,
    headers,
    // A FormData body gets its multipart boundary from fetch: no content-type of our own then.
    body: opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
    signal: opts.signal,
  });
}

function failureOf(res: Response, failure: Partial<ApiFailure> | null): ApiRequestError {
  if (res.status === 401 && authenticatedResponses.has(res)) endSession();
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
  if (!res.ok || !json.success) throw failureOf(res, json as ApiFailure);
  return json as T;
}

/** A typed call: hc's response, one ClientResponse per status the route can answer with. */
// biome-ignore lint/suspicious/noExplicitAny: any body, status and format: narrowed by Body below.
type Call<R extends ClientResponse<any, any, any>> = Promise<R>;
/** The success body among a route's responses (`ApiSuccess` or `ApiPage`). */
// biome-ignore lint/suspicious/noExplicitAny: status and format don't matter here.
type Body<R> = R extends ClientResponse<infer T, any, any> ? Extract<T, { success: true }> : never;

/**
 * The body of a typed call, or the envelope's error as an ApiRequestError (a 401 of an
 * authenticated call also ends the session).
 */
// biome-ignore lint/suspicious/noExplicitAny: see Call.
export async function read<R extends ClientResponse<any, any, any>>(call: Call<R>): Promise<Body<R>> {
  const res = (await call) as unknown as Response;
  const json = (await readEnvelope(res)) as { success?: boolean } | null;
  if (!res.ok || !json?.success) throw failureOf(res, json as ApiFailure | null);
  return json as Body<R>;
}

type DataIn<B> = B extends { data: infer D } ? D : never;

/** The `data` of a typed call's envelope. */
// biome-ignore lint/suspicious/noExplicitAny: see Call.
export async function data<R extends ClientResponse<any, any, any>>(call: Call<R>): Promise<DataIn<Body<R>>> {
  return ((await read(call)) as unknown as { data: never }).data;
}

// biome-ignore lint/suspicious/noExplicitAny: matches any endpoint's arguments and responses.
type Endpoint = (...args: any[]) => Call<any>;
type BodyOf<E> = E extends (...args: never[]) => Promise<infer R> ? Body<R> : never;
/** The `data` an endpoint answers with, e.g. `DataOf<typeof api.api.v1.auth.me.$get>`. */
export type DataOf<E> = DataIn<BodyOf<E>>;
/** One row of a list endpoint's page, e.g. `RowOf<typeof api.api.v1.planner.keywords.$get>`. */
export type RowOf<E> = BodyOf<E> extends { results: (infer R)[] } ? R : never;

/**
 * A list route as the table template takes it: its path (what a refetch compares) and one page
 * of its rows, typed by the route.
 */
export interface ListSource<Row> {
  key: string;
  page: (query: Query, signal: AbortSignal) => Promise<ApiPage<Row>>;
}

/** The ListSource of a typed list route, e.g. `listOf(api.api.v1.planner.keywords)`. */
export function listOf<G extends Endpoint>(route: { $get: G; $path: () => string }): ListSource<RowOf<G>> {
  const get = route.$get as unknown as (args: { query: Query }, options: { init: RequestInit }) => Promise<Response>;
  return {
    key: route.$path(),
    page: (query, signal) => read(get({ query }, { init: { signal } }) as never) as Promise<ApiPage<RowOf<G>>>,
  };
}

/** A path parameter as hc wants it: a string, percent-encoded (hc puts it in the path as is). */
export const param = (value: string | number) => encodeURIComponent(String(value));

/** The file name a Content-Disposition header suggests, or `fallback`. */
function fileNameOf(res: Response, fallback: string): string {
  const match = /filename="?([^";]+)"?/i.exec(res.headers.get('content-disposition') ?? '');
  return match?.[1] ?? fallback;
}

/**
 * Calls by hand-written path, only where the typed `api` can't serve: the CSV import (hc sends
 * JSON or form bodies, the import takes the file's bytes as text/csv), the export (a file, not
 * JSON) and probes of planned modules' APIs (not in the app's type yet).
 */
export const http = {
  /** GET a single resource: resolves to `data`. */
  async get<T>(path: string, query?: Query, opts: Omit<RequestOptions, 'query' | 'body'> = {}): Promise<T> {
    return (await request<ApiSuccess<T>>('GET', path, { ...opts, query })).data;
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
    if (!res.ok) throw failureOf(res, (await readEnvelope(res).catch(() => null)) as ApiFailure | null);
    return { blob: await res.blob(), fileName: fileNameOf(res, fallbackName) };
  },
};
