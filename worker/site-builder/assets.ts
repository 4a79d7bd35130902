/**
 * Uploaded site files (logo, favicon, images), private in the MEDIA bucket until a deploy copies
 * them into the site. Stored content-addressed (`accounts/<a>/sites/<s>/assets/<sha256>.<ext>`): the
 * same bytes uploaded twice share one object, which goes when its last row goes.
 */
import { and, count, eq, sql } from 'drizzle-orm';
import { siteAssets } from '../../core/schema/shard';
import { ASSET_CONTENT_TYPES, MAX_ASSET_BYTES } from '../../core/validation/site-builder';
import { runBatch } from '../db/batch';
import type { Tenant } from '../db/tenant';
import { ApiError, BadRequest, NotFound, PayloadTooLarge } from '../http/errors';
import { requireSiteOf, type AccessMode } from '../http/site-access';
import { readImageInfo } from './image-info';

export type AssetRow = typeof siteAssets.$inferSelect;
type AssetKind = AssetRow['kind'];

const EXTENSIONS: Record<(typeof ASSET_CONTENT_TYPES)[number], string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/x-icon': 'ico',
};

export function assetFileUrl(id: number) {
  return `/api/v1/site-builder/assets/${id}/file`;
}

export function presentAsset(a: AssetRow) {
  return {
    id: a.id,
    site_id: a.site_id,
    kind: a.kind,
    filename: a.filename,
    content_type: a.content_type,
    bytes: a.bytes,
    width: a.width,
    height: a.height,
    alt: a.alt,
    url: assetFileUrl(a.id),
    created_at: a.created_at,
  };
}
export type AssetView = ReturnType<typeof presentAsset>;

/** The asset of the account that the user may see (else 404); `write` needs a writer role (else 403). */
export async function requireAsset(tenant: Tenant, id: number, mode: AccessMode): Promise<AssetRow> {
  const row = await tenant.db
    .select()
    .from(siteAssets)
    .where(and(eq(siteAssets.account_id, tenant.account.id), eq(siteAssets.id, id)))
    .get();
  if (!row) throw new NotFound('Asset');
  await requireSiteOf(tenant, row.site_id, mode, 'Asset');
  return row;
}

/**
 * The request body, at most MAX_ASSET_BYTES: a declared length above it is refused unread, and a
 * body without one (chunked) is counted as it streams and cut off at the cap.
 */
export async function readUpload(request: Request): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (declared > MAX_ASSET_BYTES) throw new PayloadTooLarge(MAX_ASSET_BYTES);
  if (!request.body) throw new BadRequest('Send the image as the request body.', 'empty_body');
  const parts: Uint8Array[] = [];
  let total = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_ASSET_BYTES) {
      await reader.cancel();
      throw new PayloadTooLarge(MAX_ASSET_BYTES);
    }
    parts.push(value);
  }
  if (total === 0) throw new BadRequest('Send the image as the request body.', 'empty_body');
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.byteLength;
  }
  return bytes;
}

const unsupported = (message: string, code: string) => new ApiError(415, message, code);

/**
 * Checks an upload: its declared type is on the allow-list (no SVG: it can carry script), its
 * bytes are that type (magic number), and its header gives a size. 415 otherwise.
 */
export function inspectUpload(declaredType: string, bytes: Uint8Array) {
  const type = declaredType.split(';')[0]!.trim().toLowerCase();
  if (!(ASSET_CONTENT_TYPES as readonly string[]).includes(type)) {
    throw unsupported(`Upload one of: ${ASSET_CONTENT_TYPES.join(', ')}.`, 'unsupported_media_type');
  }
  const info = readImageInfo(bytes);
  if (!info || info.contentType !== type) {
    throw unsupported(
      info ? `The file is ${info.contentType}, not ${type} as declared.` : `The file is not a readable ${type} image.`,
      'asset_type_mismatch',
    );
  }
  return info;
}

async function sha256Hex(bytes: Uint8Array) {
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export interface UploadMeta {
  siteId: number;
  kind: AssetKind;
  alt: string;
  filename: string;
  declaredType: string;
}

/** Stores the file in R2 (content-addressed, so a retried upload rewrites the same object) and records it. */
export async function uploadAsset(tenant: Tenant, bucket: R2Bucket, meta: UploadMeta, bytes: Uint8Array) {
  const info = inspectUpload(meta.declaredType, bytes);
  const sha256 = await sha256Hex(bytes);
  const key = `accounts/${tenant.account.id}/sites/${meta.siteId}/assets/${sha256}.${EXTENSIONS[info.contentType]}`;
  await bucket.put(key, bytes, { httpMetadata: { contentType: info.contentType }, sha256 });
  const now = new Date();
  return tenant.db
    .insert(siteAssets)
    .values({
      account_id: tenant.account.id,
      site_id: meta.siteId,
      kind: meta.kind,
      filename: meta.filename,
      r2_key: key,
      content_type: info.contentType,
      bytes: bytes.byteLength,
      width: info.width,
      height: info.height,
      alt: meta.alt,
      sha256,
      created_by_user_id: tenant.user.id,
      created_at: now,
      updated_at: now,
    })
    .returning()
    .get();
}

export async function updateAssetAlt(tenant: Tenant, row: AssetRow, alt: string) {
  return tenant.db
    .update(siteAssets)
    .set({ alt, updated_at: new Date() })
    .where(and(eq(siteAssets.account_id, tenant.account.id), eq(siteAssets.id, row.id)))
    .returning()
    .get();
}

/**
 * Deletes the record (and clears it as a blueprint's logo, same batch), then the file if no other
 * record of the site holds the same bytes.
 * Files already copied into a deployed site stay with that deployment (they are its own blobs).
 */
export async function deleteAsset(tenant: Tenant, bucket: R2Bucket, row: AssetRow) {
  const a = tenant.account.id;
  await runBatch(tenant.db, [
    tenant.db.delete(siteAssets).where(and(eq(siteAssets.account_id, a), eq(siteAssets.id, row.id))),
    // A blueprint whose logo it was shows none rather than a missing file.
    sql`UPDATE site_blueprints SET config = json_set(config, '$.logo_asset_id', NULL), updated_at = ${Date.now()}
        WHERE account_id = ${a} AND site_id = ${row.site_id} AND json_extract(config, '$.logo_asset_id') = ${row.id}`,
  ]);
  const others = await tenant.db
    .select({ n: count() })
    .from(siteAssets)
    .where(and(eq(siteAssets.account_id, a), eq(siteAssets.site_id, row.site_id), eq(siteAssets.r2_key, row.r2_key)))
    .get();
  if ((others?.n ?? 0) === 0) await bucket.delete(row.r2_key);
}
