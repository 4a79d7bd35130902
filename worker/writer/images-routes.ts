import { Hono } from 'hono';
import { eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { content, images } from '../../core/schema/shard';
import { idsBody } from '../../core/validation/planner';
import { imageListQuery, imageSelectionBody } from '../../core/validation/writer';
import { startJob } from '../jobs/start-job';
import type { AppEnv } from '../env';
import { scopedResource } from '../http/scoped-resource';
import { ok } from '../http/respond';
import { body, describe, idParam } from '../http/validate';
import { authenticate } from '../middleware/authenticate';
import { tenantContext } from '../middleware/tenant';
import { notifySite } from '../planner/notify';
import { likePattern, requireSelection } from '../planner/scope';
import { draftRoomOf } from '../../durable-objects/draft-room/client';
import { deleteR2Folder } from './image-files';
import { imageFolder, mediaUrl } from '../../core/media/image-keys';

type ImageRow = typeof images.$inferSelect;
const withUrl = <T extends { r2_key: string | null }>(row: T) => ({ ...row, url: mediaUrl(row.r2_key) });

const imageResource = scopedResource<ImageRow, z.output<typeof imageListQuery>, ReturnType<typeof withUrl<ImageRow>>>({
  table: images,
  scope: 'site-rows',
  noun: 'Image',
  plural: 'images',
  tags: ['writer'],
  orderable: {
    id: images.id,
    created_at: images.created_at,
    updated_at: images.updated_at,
    status: images.status,
    image_type: images.image_type,
    after_section: images.after_section,
  },
  defaultOrdering: 'id',
  filters: (q) => [
    q.content_id ? eq(images.content_id, q.content_id) : undefined,
    q.status ? eq(images.status, q.status) : undefined,
    q.image_type ? eq(images.image_type, q.image_type) : undefined,
    q.search
      ? sql`(${images.prompt} LIKE ${likePattern(q.search)} ESCAPE '\\'
          OR ${images.alt} LIKE ${likePattern(q.search)} ESCAPE '\\')`
      : undefined,
  ],
  present: withUrl,
  listQuery: imageListQuery,
  oneSitePerSelection: true,
  // Out of the drafts first: if this fails nothing is deleted and the request can be repeated; the
  // other way round, a failure would leave a node showing a deleted file and no image to delete.
  beforeDelete: async (c, tenant, rows) => {
    for (const row of rows) {
      if (row.content_id !== null) await draftRoomOf(c.env, tenant.account.id, row.content_id).removeImage(row.id);
    }
  },
  afterWrite: (c, tenant, siteIds, rows, change) => {
    // Every generation's file goes, not only the current one (regenerations keep their own files).
    if (change === 'delete') {
      c.executionCtx.waitUntil(
        Promise.all(
          rows.map((row) => deleteR2Folder(c.env.MEDIA, imageFolder(tenant.account.id, row.site_id, row.id))),
        ),
      );
    }
    for (const siteId of siteIds) notifySite(c, tenant, siteId, ['images']);
  },
});

export const imageRoutes = new Hono<AppEnv>()
  .use('*', authenticate, tenantContext)
  .route('/', imageResource.routes({ list: imageListQuery, bulkDelete: true }))
  .post(
    '/generate_prompts',
    describe('AI: image prompts (featured + in-article) for articles', ['writer']),
    body(idsBody),
    async (c) => {
      const tenant = c.get('tenant');
      const { siteId, rows } = await requireSelection(tenant, content, c.req.valid('json').ids, 'Content');
      const job = await startJob(c, tenant, siteId, 'generate_image_prompts', { content_ids: rows.map((r) => r.id) });
      return ok(c, { task_id: job.id, job }, 202, 'Image prompts started.');
    },
  )
  .post(
    '/generate',
    describe('AI: generate the selected images (1 credit each; by ids or by the list filter)', ['writer']),
    body(imageSelectionBody),
    async (c) => {
      const tenant = c.get('tenant');
      const { siteIds, rows } = await imageResource.resolve(tenant, c.req.valid('json'), 'write');
      const job = await startJob(c, tenant, siteIds[0]!, 'generate_images', { image_ids: rows.map((r) => r.id) });
      return ok(c, { task_id: job.id, job }, 202, 'Image generation started.');
    },
  )
  .route('/', imageResource.routes({ get: true }))
  .post('/:id/regenerate', describe('AI: generate one image again (1 credit)', ['writer']), async (c) => {
    const tenant = c.get('tenant');
    const row = await imageResource.require(tenant, idParam(c), 'write');
    const job = await startJob(c, tenant, row.site_id, 'generate_images', { image_ids: [row.id] });
    return ok(c, { task_id: job.id, job }, 202, 'Regenerating the image.');
  })
  .route('/', imageResource.routes({ delete: { summary: 'Delete an image and its file' } }));
