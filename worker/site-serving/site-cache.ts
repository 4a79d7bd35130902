/**
 * What the site server keeps in isolate memory, so a page view costs one R2 read, not a D1 query
 * and two R2 reads:
 *  - manifests, by (account, site, version): immutable (a version is never rewritten), kept until
 *    evicted (LRU, bounded);
 *  - directory rows, by slug and by hostname, for DIRECTORY_TTL_MS. A flip made by this isolate
 *    (a deploy's commit runs in the coordinator, a rollback in the API) drops its entries at once
 *    (site-directory.ts onDirectoryChange). In production the site is served by many isolates in
 *    many locations: an isolate that did not make the flip keeps serving the version it had for
 *    at most DIRECTORY_TTL_MS, then reads the new pointer. Each response is still one whole
 *    version (the manifest is read by the version the row named), never a mix.
 */
import type { SiteManifest } from '../../core/site/model';
import type { Env } from '../env';
import { readManifest } from '../publisher/deploy-files';
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
