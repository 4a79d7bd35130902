/**
 * The R2 layout of deployed sites (MEDIA bucket), shared by the deploy job and the site server:
 *   sites/<account>/<site>/blobs/<sha256>              a file's bytes, content-addressed: never rewritten
 *   sites/<account>/<site>/versions/<v>.json           the version's SiteManifest (path → blob)
 *   sites/<account>/<site>/versions/<v>.articles.json  path → the article ids the file shows (the next
 *                                                      incremental deploy's "old model")
 * Keys are always built from a directory row or a tenant's ids, never from a visitor's URL.
 */
import { SITE_MANIFEST_FORMAT, type SiteManifest } from '../../core/site/model';

export function siteKeys(accountId: number, siteId: number) {
  const root = `sites/${accountId}/${siteId}`;
  return {
    blob: (hash: string) => `${root}/blobs/${hash}`,
    manifest: (version: number) => `${root}/versions/${version}.json`,
    articles: (version: number) => `${root}/versions/${version}.articles.json`,
  };
}

/** path → ids of the live articles the file shows. */
export type ArticleIndex = Record<string, number[]>;

/** A version's manifest, or null when absent or of a format this code does not know (never half-served). */
export async function readManifest(
  bucket: R2Bucket,
  accountId: number,
  siteId: number,
  version: number,
): Promise<SiteManifest | null> {
  const object = await bucket.get(siteKeys(accountId, siteId).manifest(version));
  if (!object) return null;
  const manifest = (await object.json()) as SiteManifest;
  return manifest?.format === SITE_MANIFEST_FORMAT && manifest.version === version ? manifest : null;
}

export async function readArticleIndex(
  bucket: R2Bucket,
  accountId: number,
  siteId: number,
  version: number,
): Promise<ArticleIndex | null> {
  const object = await bucket.get(siteKeys(accountId, siteId).articles(version));
  return object ? ((await object.json()) as ArticleIndex) : null;
}

export async function sha256OfBytes(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const encoder = new TextEncoder();
export const bytesOf = (body: string | Uint8Array) => (typeof body === 'string' ? encoder.encode(body) : body);
