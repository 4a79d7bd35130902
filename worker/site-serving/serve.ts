/**
 * Serving deployed sites (issue 12): `/s/<slug>/<path>`, `/s/<slug>/_v/<version>/<path>` (a kept
 * version, the deployment's preview URL) and, on a custom hostname, `/<path>`. The directory row
 * names the account and site; every R2 key is built from it, never from the URL, so a slug can
 * only ever reach its own site's blobs, and `_v/<n>` only its own site's versions.
 */
import { fileOf } from '../../core/site/paths';
import type { SiteManifest } from '../../core/site/model';
import type { Env } from '../env';
import { siteKeys } from '../publisher/deploy-files';
import type { SiteDirectoryRow } from '../publisher/site-directory';
import { blobOf, MAX_CACHED_BLOB_BYTES, manifestOf, siteByHostname, siteBySlug } from './site-cache';

/**
 * What a deployed page may load: its own CSS, images and fonts; no script at all (the themes ship
 * none), no plugins, no framing by other sites, forms only to itself.
 */
export const SITE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data: https:; font-src 'self'; " +
  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const SLUG_PATH = /^\/s\/([a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?)(\/.*)?$/;
const VERSION_PATH = /^_v\/(\d{1,9})(\/.*)?$/;

/** Whether the request is for a site under /s/ (the worker routes it here). */
export const isSitePath = (pathname: string) => pathname === '/s' || pathname.startsWith('/s/');

/** `/s/<slug>/…`: the site by its public slug. */
export async function serveBySlug(request: Request, env: Env): Promise<Response> {
  const url = new URL(request.url);
  const m = SLUG_PATH.exec(url.pathname);
  if (!m) return plainNotFound();
  const [, slug, rest] = m;
  // "/s/green-thumb" → "/s/green-thumb/": relative links in the pages resolve against the slash form.
  if (rest === undefined) return redirect(`/s/${slug}/${url.search}`);
  const row = await siteBySlug(env, slug!);
  if (!row) return plainNotFound();
  return serveSite(request, env, row, `/s/${slug}/`, rest.slice(1), url.search);
}

/**
 * A request on a host that is not the app's: a site's custom hostname, or null (not ours: the app
 * answers). APP_HOSTNAME empty means no custom hostnames at all (development, tests).
 */
export async function serveByHostname(request: Request, env: Env): Promise<Response | null> {
  const appHost = (env.APP_HOSTNAME ?? '').toLowerCase();
  if (!appHost) return null;
  const url = new URL(request.url);
  const host = url.hostname.toLowerCase();
  if (host === appHost) return null;
  const row = await siteByHostname(env, host);
  if (!row) return null;
  return serveSite(request, env, row, '/', url.pathname.slice(1), url.search);
}

/**
 * One file of a site: `rawPath` is the request path after the site's prefix, still URL-encoded.
 * Each segment is decoded on its own; a segment that decodes to a slash, a backslash, a NUL, "." or
 * ".." is refused (404), so no encoding trick walks out of the version's file list.
 */
async function serveSite(
  request: Request,
  env: Env,
  row: SiteDirectoryRow,
  prefix: string,
  rawPath: string,
  search: string,
): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return new Response('Method not allowed', { status: 405, headers: { allow: 'GET, HEAD' } });
  let version = row.live_version;
  let path = rawPath;
  let base = prefix;
  const pinned = VERSION_PATH.exec(rawPath);
  if (pinned) {
    version = Number(pinned[1]);
    base = `${prefix}_v/${version}/`;
    if (pinned[2] === undefined) return redirect(`${base}${search}`);
    path = pinned[2].slice(1);
  }
  if (!version) return plainNotFound();
  const manifest = await manifestOf(env, row, version);
  if (!manifest) return plainNotFound();
  const decoded = decodePath(path);
  if (decoded === null) return notFoundPage(request, env, row, manifest, !!pinned);
  const file = fileOf(decoded);
  if (manifest.files[file]) return sendFile(request, env, row, manifest, file, !!pinned, 200);
  // "/blog/x" is the directory "blog/x/": send the browser to the slash form (relative links).
  if (decoded && !decoded.endsWith('/') && manifest.files[`${decoded}/index.html`])
    return redirect(`${base}${path}/${search}`);
  return notFoundPage(request, env, row, manifest, !!pinned);
}

function decodePath(raw: string): string | null {
  const segments = raw.split('/');
  const out: string[] = [];
  for (const [i, segment] of segments.entries()) {
    let value: string;
    try {
      value = decodeURIComponent(segment);
    } catch {
      return null;
    }
    if (/[/\\\0]/.test(value) || value === '.' || value === '..') return null;
    // Empty segments only at the end ("blog/" → ["blog", ""]); "a//b" names nothing.
    if (value === '' && i !== segments.length - 1) return null;
    out.push(value);
  }
  return out.join('/');
}

async function notFoundPage(
  request: Request,
  env: Env,
  row: SiteDirectoryRow,
  manifest: SiteManifest,
  pinned: boolean,
): Promise<Response> {
  if (!manifest.files['404.html']) return plainNotFound();
  return sendFile(request, env, row, manifest, '404.html', pinned, 404);
}

/**
 * Cache-Control by what the URL names: a pinned version (`_v/<n>/`) never changes; on the live
 * URL, HTML and anything not named by its content must be revalidated (the next deploy changes
 * it, and the ETag makes revalidation cheap); assets whose name carries their hash are immutable.
 */
function cacheControlOf(path: string, hash: string, pinned: boolean): string {
  const immutable = 'public, max-age=31536000, immutable';
  if (pinned) return immutable;
  const name = path.slice(path.lastIndexOf('/') + 1);
  const hashed = path.startsWith('assets/') && (name.match(/[0-9a-f]{8,}/g) ?? []).some((h) => hash.startsWith(h));
  return hashed ? immutable : 'public, max-age=0, must-revalidate';
}

async function sendFile(
  request: Request,
  env: Env,
  row: SiteDirectoryRow,
  manifest: SiteManifest,
  path: string,
  pinned: boolean,
  status: 200 | 404,
): Promise<Response> {
  const entry = manifest.files[path]!;
  const etag = `"${entry.hash}"`;
  const headers = new Headers({
    'content-type': entry.type,
    etag,
    'cache-control': status === 404 ? 'public, max-age=0, must-revalidate' : cacheControlOf(path, entry.hash, pinned),
    'x-site-version': String(manifest.version),
    'x-content-type-options': 'nosniff',
    'content-security-policy': SITE_CSP,
    'accept-ranges': 'bytes',
  });
  if (status === 200 && matchesEtag(request.headers.get('if-none-match'), etag))
    return new Response(null, { status: 304, headers });
  const range = status === 200 ? parseRange(request.headers.get('range'), entry.size) : null;
  if (range === 'unsatisfiable') {
    headers.set('content-range', `bytes */${entry.size}`);
    return new Response(null, { status: 416, headers });
  }
  const length = range ? range.end - range.start + 1 : entry.size;
  headers.set('content-length', String(length));
  if (range) headers.set('content-range', `bytes ${range.start}-${range.end}/${entry.size}`);
  const code = range ? 206 : status;
  if (request.method === 'HEAD') return new Response(null, { status: code, headers });
  // A whole small file comes from the isolate's blob cache; a range or a large file streams from R2.
  const body =
    !range && entry.size <= MAX_CACHED_BLOB_BYTES
      ? await blobOf(env, row, entry.hash, entry.size)
      : ((
          await env.MEDIA.get(
            siteKeys(row.account_id, row.site_id).blob(entry.hash),
            range ? { range: { offset: range.start, length } } : undefined,
          )
        )?.body ?? null);
  if (!body) {
    console.error(`site ${row.account_id}/${row.site_id} v${manifest.version}: blob of ${path} is missing`);
    return new Response('This file is temporarily unavailable.', { status: 503 });
  }
  return new Response(body, { status: code, headers });
}

function matchesEtag(header: string | null, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/**
 * One `bytes=` range (RFC 9110 §14): "a-b", "a-" or "-n". Several ranges are answered with the
 * whole file (allowed), a malformed header is ignored, a range past the end is 416.
 */
function parseRange(header: string | null, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

const redirect = (location: string) => new Response(null, { status: 301, headers: { location } });
const plainNotFound = () =>
  new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
