import { ApiError } from '../http/errors';
import { checkOutboundUrl } from './url-guard';

/**
 * fetch() for addresses a tenant can influence (the `openai` SDK's `fetch` option, Runware). The
 * platform's fetch follows redirects by itself, so an allowed https host answering 307 to a refused
 * address would get the request (prompts, an API key in a Runware body) sent there and its answer
 * read back. Here redirects are followed by hand: every hop passes the URL guard, an https → http
 * downgrade is refused, credentials headers stay with the origin they were meant for, a body is
 * never re-sent to another origin, and there are at most `maxRedirects` hops. The answer's body is
 * cut off past `maxResponseBytes` (a runaway or hostile reply cannot fill the Worker's memory).
 */

export interface OutboundOptions {
  allowLoopback: boolean;
  maxRedirects?: number;
  /** Largest response body read; past it the body errors with ResponseTooLarge. */
  maxResponseBytes?: number;
}

/** The request (or a redirect hop) went to an address the guard refuses. */
export class OutboundRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutboundRefused';
  }
}

/** The response was larger than allowed. */
export class ResponseTooLarge extends Error {
  constructor(readonly limitBytes: number) {
    super(`The reply was larger than ${limitBytes} bytes.`);
    this.name = 'ResponseTooLarge';
  }
}

/** An OutboundRefused or ResponseTooLarge anywhere in an error's `cause` chain (SDKs wrap fetch errors). */
export function outboundCause(err: unknown): OutboundRefused | ResponseTooLarge | null {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof OutboundRefused || e instanceof ResponseTooLarge) return e;
  }
  return null;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization', 'api-key', 'x-api-key'];

/** `from`: the address that redirected here, named in the message (the guard's reason does not say which host). */
function guard(url: string | URL, allowLoopback: boolean, from?: URL): URL {
  try {
    return checkOutboundUrl(url, allowLoopback);
  } catch (err) {
    const why = err instanceof ApiError ? err.message : 'Not a valid URL.';
    throw new OutboundRefused(from ? `${from.origin} redirected to ${new URL(url).origin}: ${why}` : why);
  }
}

/** The same response with its body cut off (an error) past `limit` bytes. */
export function capResponse(res: Response, limit: number): Response {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    void res.body?.cancel();
    throw new ResponseTooLarge(limit);
  }
  if (!res.body) return res;
  let total = 0;
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      total += chunk.byteLength;
      if (total > limit) controller.error(new ResponseTooLarge(limit));
      else controller.enqueue(chunk);
    },
  });
  return new Response(res.body.pipeThrough(counter), {
    status: res.status,
    statusText: res.statusText,
    headers: res.headers,
  });
}

export async function outboundFetch(
  input: string | URL | Request,
  init: RequestInit = {},
  opts: OutboundOptions,
): Promise<Response> {
  if (input instanceof Request) throw new TypeError('outboundFetch takes a URL and init, not a Request.');
  let url = guard(input, opts.allowLoopback);
  let method = (init.method ?? 'GET').toUpperCase();
  let body = init.body ?? null;
  const headers = new Headers(init.headers);
  const origin = url.origin;
  const maxRedirects = opts.maxRedirects ?? 3;
  for (let hop = 0; ; hop++) {
    const res = await fetch(url.href, { ...init, method, headers, body, redirect: 'manual' });
    if (!REDIRECTS.has(res.status)) return opts.maxResponseBytes ? capResponse(res, opts.maxResponseBytes) : res;
    await res.body?.cancel();
    const location = res.headers.get('location');
    if (!location) throw new OutboundRefused(`${url.origin} answered HTTP ${res.status} without a Location header.`);
    if (hop >= maxRedirects)
      throw new OutboundRefused(`Too many redirects (more than ${maxRedirects}) from ${origin}.`);
    let target: URL;
    try {
      target = new URL(location, url);
    } catch {
      throw new OutboundRefused(`${url.origin} redirected to an invalid address.`);
    }
    const next = guard(target, opts.allowLoopback, url);
    if (url.protocol === 'https:' && next.protocol !== 'https:')
      throw new OutboundRefused(
        `${url.origin} redirected to an insecure address (${next.origin}); refusing to follow.`,
      );
    // 303, and 301/302 after a POST, become a GET without a body (as browsers do).
    if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
      method = 'GET';
      body = null;
      headers.delete('content-type');
    }
    if (next.origin !== origin) {
      // What was sent for one host (a prompt, a key in a JSON body) is not handed to another.
      if (body !== null)
        throw new OutboundRefused(
          `${url.origin} redirected a ${method} to another host (${next.origin}); refusing to send the request there.`,
        );
      for (const h of CREDENTIAL_HEADERS) headers.delete(h);
    }
    url = next;
  }
}

/** A fetch function with these options bound, for SDKs that take one. */
export const outboundFetcher =
  (opts: OutboundOptions): typeof fetch =>
  (input, init) =>
    outboundFetch(input as string | URL, init, opts);
