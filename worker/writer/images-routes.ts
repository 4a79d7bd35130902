import { Hono } from 'hono';
import { and, eq, sql } from 'drizzle-orm';
import { content, images } from '../../core/schema/shard';
import { idsBody } from '../../core/validation/planner';
import { imageListQuery } from '../../core/validation/writer';
import { startJob } from '../jobs/start-job';
import type { AppEnv } from '../env';
import { orderingOf, pageOf } from '../http/list';
import { ok, page } from '../http/respond';
import { body, describe, idParam, query } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { tenantContext, type Tenant } from '../middleware/tenant';
import { notifySite } from '../planner/notify';
import { likePattern, requireScopedRow, requireSelection, scopedWhere } from '../planner/scope';
import { draftRoomOf } from '../../durable-objects/draft-room/client';
import { deleteImageFiles } from './image-files';
import { imageFolder, mediaUrl } from '../../core/media/image-keys';

const withUrl = <T extends { r2_key: string | null }>(row: T) => ({ ...row, url: mediaUrl(row.r2_key) });

const loadImage = (tenant: Tenant, imageId: number) => () => tenant.db.select().from(images).where(and(eq(images.account_id, tenant.account.id), eq(images.id, imageId))).get();

const IMAGE_ORDERABLE = { id: images.id, created_at: images.created_at, updated_at: images.updated_at, status: images.status, image_type: images.image_type, after_section: images.after_section };

export const imageRoutes = new Hono<AppEnv>();
imageRoutes.use('*', authenticate, tenantContext);

imageRoutes.get(
  '/',
  describe('Images of a site or a content item', ['writer']),
  query(imageListQuery),
  async (c) => {
    const tenant = c.get('tenant');
    const q = c.req.valid('query');
    const where = and(
      await scopedWhere(tenant, images, q),
      q.content_id ? eq(images.content_id, q.content_id) : undefined,
      q.status ? eq(images.status, q.status) : undefined,
      q.image_type ? eq(images.image_type, q.image_type) : undefined,
      q.search ? sql`(${images.prompt} LIKE ${likePattern(q.search)} ESCAPE '\\' OR ${images.alt} LIKE ${likePattern(q.search)} ESCAPE '\\')` : undefined,
    );
    const { rows, count } = await pageOf(tenant.db, images, where, orderingOf(q.ordering, IMAGE_ORDERABLE, 'id', images.id), q);
    return page(c, rows.map(withUrl), count, q.page, q.page_size);
  },
);

imageRoutes.post('/generate_prompts', describe('AI: image prompts (featured + in-article) for articles', ['writer']), body(idsBody), async (c) => {
  const tenant = c.get('tenant');
  const { siteId, rows } = await requireSelection(tenant, content, c.req.valid('json').ids, 'Content');
  const job = await startJob(c, tenant, siteId, 'generate_image_prompts', { content_ids: rows.map((r) => r.id) });
  return ok(c, { task_id: job.id, job }, 202, 'Image prompts started.');
});

imageRoutes.post('/generate', describe('AI: generate the selected images (1 credit each)', ['writer']), body(idsBody), async (c) => {
  const tenant = c.get('tenant');
  const { siteId, rows } = await requireSelection(tenant, images, c.req.valid('json').ids, 'Image');
  const job = await startJob(c, tenant, siteId, 'generate_images', { image_ids: rows.map((r) => r.id) });
  return ok(c, { task_id: job.id, job }, 202, 'Image generation started.');
});

imageRoutes.get('/:id', describe('One image', ['writer']), async (c) => {
  const tenant = c.get('tenant');
  return ok(c, withUrl(await requireScopedRow(tenant, 'Image', loadImage(tenant, idParam(c)), 'read')));
});

imageRoutes.post('/:id/regenerate', describe('AI: generate one image again (1 credit)', ['writer']), async (c) => {
  const tenant = c.get('tenant');
  const row = await requireScopedRow(tenant, 'Image', loadImage(tenant, idParam(c)), 'write');
  const job = await startJob(c, tenant, row.site_id, 'generate_images', { image_ids: [row.id] });
  return ok(c, { task_id: job.id, job }, 202, 'Regenerating the image.');
});

imageRoutes.delete('/:id', describe('Delete an image and its file', ['writer']), async (c) => {
  const tenant = c.get('tenant');
  const row = await requireScopedRow(tenant, 'Image', loadImage(tenant, idParam(c)), 'write');
  // Out of the draft first: if this fails nothing is deleted and the request can be repeated; the
  // other way round, a failure would leave a node showing a deleted file and no image to delete.
  if (row.content_id !== null) await draftRoomOf(c.env, tenant.account.id, row.content_id).removeImage(row.id);
  await tenant.db.delete(images).where(and(eq(images.account_id, tenant.account.id), eq(images.id, row.id)));
  // Every generation's file goes, not only the current one (regenerations keep their own files).
  c.executionCtx.waitUntil(deleteImageFiles(c.env.MEDIA, imageFolder(tenant.account.id, row.site_id, row.id)));
  notifySite(c, tenant, row.site_id, ['images']);
  return ok(c, { id: row.id, deleted: true });
});

