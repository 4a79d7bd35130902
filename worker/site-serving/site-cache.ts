/**
 * What the site server keeps in isolate memory, so a repeated page view costs no I/O at all, and a
 * first one a single R2 read instead of a D1 query and two R2 reads:
 *  - manifests, by (account, site, version): immutable (a version is never rewritten), kept until
 *    evicted (LRU, bounded);
 *  - directory rows, by slug and by hostname, for DIRECTORY_TTL_MS. A flip made by this isolate
 *    (a deploy's commit runs in the coordinator, a rollback in the API) drops its entries at once
 *    (site-directory.ts onDirectoryChange). In production the site is served by many isolates in
 *    many locations: an isolate that did not make the flip keeps serving the version it had for
 *    at most DIRECTORY_TTL_MS, then reads the new pointer. Each response is still one whole
 *    version (the manifest is read by the version the row named), never a mix;
 *  - small files' bytes, by (account, site, content hash): a blob is named by its sha-256, so its
 *    bytes can never change under that name and need no invalidation (LRU, bounded by bytes:
 *    an isolate has 128 MB, the cache takes at most BLOB_CACHE_BYTES of it).
 */
import type { SiteManifest } from '../../core/site/model';
import type { Env } from '../env';
import { readManifest, siteKeys } from '../publisher/deploy-files';
import {
  directoryByHostname,
  directoryBySlug,
  onDirectoryChange,
  type SiteDirectoryRow,
} from '../publisher/site-directory';

export const DIRECTORY_TTL_MS = 5_000;
const MAX_DIRECTORY_ENTRIES = 1_000;
const MAX_MANIFESTS = 200;

type Cached = { row: SiteDirectoryRow | null; at: number };
const bySlug = new Map<string, Cached>();
const byHost = new Map<string, Cached>();
const manifests = new Map<string, SiteManifest>();
export const BLOB_CACHE_BYTES = 24 * 1024 * 1024;
/** Larger files (images, long archive pages) stream from R2 every time rather than crowd the cache out. */
export const MAX_CACHED_BLOB_BYTES = 256 * 1024;
const blobs = new Map<string, ArrayBuffer>();
let blobBytes = 0;

onDirectoryChange((accountId, siteId) => {
  for (const map of [bySlug, byHost])
    for (const [key, cached] of map)
      if (!cached.row || (cached.row.account_id === accountId && cached.row.site_id === siteId)) map.delete(key);
});

async function cachedRow(map: Map<string, Cached>, key: string, load: () => Promise<SiteDirectoryRow | null>) {
  const hit = map.get(key);
  const now = Date.now();
  if (hit && now - hit.at < DIRECTORY_TTL_MS) return hit.row;
  const row = await load();
  if (map.size >= MAX_DIRECTORY_ENTRIES) map.delete(map.keys().next().value!);
  map.set(key, { row, at: now });
  return row;
}

export const siteBySlug = (env: Env, slug: string) => cachedRow(bySlug, slug, () => directoryBySlug(env, slug));
export const siteByHostname = (env: Env, host: string) => cachedRow(byHost, host, () => directoryByHostname(env, host));

export async function manifestOf(env: Env, row: SiteDirectoryRow, version: number): Promise<SiteManifest | null> {
  const key = `${row.account_id}:${row.site_id}:${version}`;
  const hit = manifests.get(key);
  if (hit) {
    // Most recently used last: the first key is the one to evict.
    manifests.delete(key);
    manifests.set(key, hit);
    return hit;
  }
  const manifest = await readManifest(env.MEDIA, row.account_id, row.site_id, version);
  if (!manifest) return null;
  if (manifests.size >= MAX_MANIFESTS) manifests.delete(manifests.keys().next().value!);
  manifests.set(key, manifest);
  return manifest;
}

/**
 * The bytes of a site blob of `size` bytes, from memory when this isolate read it before; null when
 * the blob is missing from R2. Files above MAX_CACHED_BLOB_BYTES are read but not kept.
 */
export async function blobOf(env: Env, row: SiteDirectoryRow, hash: string, size: number): Promise<ArrayBuffer | null> {
  const key = `${row.account_id}:${row.site_id}:${hash}`;
  const hit = blobs.get(key);
  if (hit) {
    blobs.delete(key);
    blobs.set(key, hit);
    return hit;
  }
  const object = await env.MEDIA.get(siteKeys(row.account_id, row.site_id).blob(hash));
  if (!object) return null;
  const bytes = await object.arrayBuffer();
  if (size > MAX_CACHED_BLOB_BYTES) return bytes;
  while (blobBytes + bytes.byteLength > BLOB_CACHE_BYTES && blobs.size > 0) {
    const [oldest, evicted] = blobs.entries().next().value!;
    blobs.delete(oldest);
    blobBytes -= evicted.byteLength;
  }
  blobs.set(key, bytes);
  blobBytes += bytes.byteLength;
  return bytes;
}
