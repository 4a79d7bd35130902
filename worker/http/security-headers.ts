/**
 * The hardening headers every response of the worker carries (worker/worker.ts applies them to
 * the API, media and the SvelteKit app alike), and the app's Content-Security-Policy, which
 * web/vite.config.ts gives SvelteKit (`kit.csp`) so the HTML it renders carries a nonce for its
 * inline bootstrap script. Keep this module free of imports: the Vite config loads it, and
 * web/'s type-check (which has no Workers types) follows it.
 */

/**
 * What the app really loads, in SvelteKit's notation (keywords unquoted). Everything is same-origin
 * except: images placed in a draft by an https address (ImagePicker) and data:/blob: images;
 * 'unsafe-inline' styles because Svelte transitions and the editor write inline styles (with it,
 * SvelteKit adds no style hashes, which would disable it); Web Workers from blob:. The sockets
 * (/ws, /parties) are covered by 'self', which matches ws:/wss: on the same host (CSP 3).
 */
export const APP_CSP_DIRECTIVES = {
  'default-src': ['self'],
  'script-src': ['self'],
  'style-src': ['self', 'unsafe-inline'],
  'img-src': ['self', 'data:', 'blob:', 'https:'],
  'font-src': ['self', 'data:'],
  'connect-src': ['self'],
  'worker-src': ['self', 'blob:'],
  'object-src': ['none'],
  'base-uri': ['self'],
  'form-action': ['self'],
  'frame-ancestors': ['none'],
} as const satisfies Record<string, readonly string[]>;

/** The API and media answer data, never pages: nothing may load from them, nobody may frame them. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

const KEYWORDS = new Set(['self', 'none', 'unsafe-inline', 'unsafe-eval', 'strict-dynamic', 'report-sample']);

/** The header form of APP_CSP_DIRECTIVES, for an app page that arrives without SvelteKit's own CSP. */
export const APP_CSP = Object.entries(APP_CSP_DIRECTIVES)
  .map(([name, values]) => `${name} ${values.map((v) => (KEYWORDS.has(v) ? `'${v}'` : v)).join(' ')}`)
  .join('; ');

/** Two years: browsers keep to https for the host even when a link says http. */
const HSTS = 'max-age=63072000; includeSubDomains';

/**
 * Adds the headers to a response. A CSP already set (SvelteKit's nonce policy, Swagger UI's at
 * /api/docs) is kept, only completed with frame-ancestors; otherwise HTML gets the app policy and
 * anything else the API's. HSTS only in production over https: in development it would pin
 * localhost to https for every other local project. Socket upgrades (101) pass untouched.
 */
export function withSecurityHeaders(response: Response, request: Request, env: { APP_ENV?: string }): Response {
  if (response.status === 101 || (response as { webSocket?: unknown }).webSocket) return response;
  // Responses from fetch()/ASSETS have immutable headers: copy once.
  const res = new Response(response.body, response);
  const headers = res.headers;
  const csp = headers.get('content-security-policy');
  if (!csp) {
    const html = /^text\/html\b/i.test(headers.get('content-type') ?? '');
    headers.set('content-security-policy', html ? APP_CSP : API_CSP);
  } else if (!/(^|;)\s*frame-ancestors\s/i.test(csp)) {
    headers.set('content-security-policy', `${csp.replace(/;\s*$/, '')}; frame-ancestors 'none'`);
  }
  headers.set('x-content-type-options', 'nosniff');
  // Socket and media tickets travel in URLs: never hand a path to another origin.
  headers.set('referrer-policy', 'same-origin');
  // For browsers without CSP frame-ancestors; a route that may be framed (the site preview: SAMEORIGIN) says so.
  if (!headers.has('x-frame-options')) headers.set('x-frame-options', 'DENY');
  if (env.APP_ENV !== 'development' && new URL(request.url).protocol === 'https:')
    headers.set('strict-transport-security', HSTS);
  return res;
}
