/**
 * `/api/v1/site-builder/assets`: a site's uploaded images. The upload is the raw image as the
 * body (Content-Type one of ASSET_CONTENT_TYPES, checked against the bytes), at most
 * MAX_ASSET_BYTES; the file is private: `GET /assets/:id/file` needs the same access as the site.
 */
import { and, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { z } from 'zod';
import { siteAssets } from '../../core/schema/shard';
import { assetListQuery, assetUploadQuery, MAX_ASSET_BYTES } from '../../core/validation/site-builder';
import type { AppEnv } from '../env';
import { NotFound } from '../http/errors';
import { orderingOf, pageOf } from '../http/list';
import { created, ok, page } from '../http/respond';
import { requireSite } from '../http/site-access';
import { body, describe, idParam, query } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { tenantContext } from '../middleware/tenant';
import { notifySite } from '../planner/notify';
import { deleteAsset, presentAsset, readUpload, requireAsset, updateAssetAlt, uploadAsset } from './assets';

const TAGS = ['site-builder'];
const assetUpdateBody = z.object({ alt: z.string().trim().max(300, 'At most 300 characters.') }).strict();

export const assetRoutes = new Hono<AppEnv>()
  .use('*', authenticate, tenantContext)
  .get('/', describe("A site's uploaded assets, newest first", TAGS), query(assetListQuery), async (c) => {
    const tenant = c.get('tenant');
    const q = c.req.valid('query');
    await requireSite(tenant, q.site_id, 'read');
    const where = and(
      eq(siteAssets.account_id, tenant.account.id),
      eq(siteAssets.site_id, q.site_id),
      q.kind ? eq(siteAssets.kind, q.kind) : undefined,
    );
    const order = orderingOf(
      q.ordering,
      { created_at: siteAssets.created_at, filename: siteAssets.filename, bytes: siteAssets.bytes, id: siteAssets.id },
      '-created_at',
      siteAssets.id,
    );
    const { rows, count } = await pageOf(tenant.db, siteAssets, where, order, q);
    return page(c, rows.map(presentAsset), count, q.page, q.page_size);
  })
  .post(
    '/',
    describe(`Upload an image (raw body, PNG/JPEG/WebP/GIF/ICO, at most ${MAX_ASSET_BYTES} bytes)`, TAGS, {
      description:
        'The body is the image itself with its Content-Type. The bytes must be of that type (415 ' +
        '`asset_type_mismatch` otherwise); width and height are read from the image header.',
    }),
    query(assetUploadQuery),
    async (c) => {
      const tenant = c.get('tenant');
      const q = c.req.valid('query');
      await requireSite(tenant, q.site_id, 'write');
      const bytes = await readUpload(c.req.raw);
      const row = await uploadAsset(
        tenant,
        c.env.MEDIA,
        {
          siteId: q.site_id,
          kind: q.kind,
          alt: q.alt,
          filename: q.filename,
          declaredType: c.req.header('content-type') ?? '',
        },
        bytes,
      );
      notifySite(c, tenant, row.site_id, ['assets']);
      return created(c, presentAsset(row));
    },
  )
  .get('/:id', describe('An asset', TAGS), async (c) => {
    return ok(c, presentAsset(await requireAsset(c.get('tenant'), idParam(c), 'read')));
  })
  .get('/:id/file', describe("An asset's file (private: the same access as its site)", TAGS), async (c) => {
    const row = await requireAsset(c.get('tenant'), idParam(c), 'read');
    const headers = new Headers({
      etag: `"${row.sha256}"`,
      'cache-control': 'private, max-age=31536000, immutable',
      'content-type': row.content_type,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'",
    });
    // The key is the content's hash: the same ETag always means the same bytes.
    if (c.req.header('if-none-match')?.includes(row.sha256)) return new Response(null, { status: 304, headers });
    const object = await c.env.MEDIA.get(row.r2_key);
    if (!object) throw new NotFound('Asset file');
    headers.set('content-length', String(object.size));
    return new Response(object.body, { headers });
  })
  .patch('/:id', describe("Change an asset's alt text", TAGS), body(assetUpdateBody), async (c) => {
    const tenant = c.get('tenant');
    const row = await requireAsset(tenant, idParam(c), 'write');
    const updated = await updateAssetAlt(tenant, row, c.req.valid('json').alt);
    notifySite(c, tenant, row.site_id, ['assets']);
    return ok(c, presentAsset(updated!));
  })
  .delete('/:id', describe('Delete an asset and, when no other upload shares it, its file', TAGS), async (c) => {
    const tenant = c.get('tenant');
    const row = await requireAsset(tenant, idParam(c), 'write');
    await deleteAsset(tenant, c.env.MEDIA, row);
    notifySite(c, tenant, row.site_id, ['assets']);
    return ok(c, null, 200, 'Asset deleted.');
  });
