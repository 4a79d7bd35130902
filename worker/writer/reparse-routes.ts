import { Hono } from 'hono';
import { htmlToText } from '../../core/html/sanitize';
import { draftRoomOf } from '../../durable-objects/draft-room/client';
import type { AppEnv } from '../env';
import { BadRequest } from '../http/errors';
import { ok } from '../http/respond';
import { describe, idParam } from '../http/validate';
import { startJob } from '../jobs/start-job';
import { authenticate } from '../middleware/authenticate';
import { tenantContext } from '../middleware/tenant';
import { REPARSE_CREDITS } from './ai/reparse-content';
import { requireContent } from './content-access';

/** The seed's reparse (1 credit), at /v1/writer/content: guards per route (contentRoutes shares the prefix). */
export const reparseRoutes = new Hono<AppEnv>().post(
  '/:id/reparse',
  describe('AI: read the article and fill its SEO fields (meta, keywords, tags, categories, outline)', ['writer'], {
    description:
      `Costs ${REPARSE_CREDITS} credit, charged only on success. The fields are written into the shared draft ` +
      '(a "Before reparse" version is saved first); the outline is in the job result.',
  }),
  authenticate,
  tenantContext,
  async (c) => {
    const tenant = c.get('tenant');
    const { id, site_id } = await requireContent(tenant, idParam(c), 'write');
    // Refused before anything is held: an article with no text has nothing to read (the job checks again).
    const { html } = await draftRoomOf(c.env, tenant.account.id, id).snapshotHtml();
    if (!htmlToText(html).trim()) throw new BadRequest('The article has no text to read yet.', 'nothing_to_read');
    const job = await startJob(c, tenant, site_id, 'reparse_content', { content_id: id });
    return ok(c, { task_id: job.id, job }, 202, 'Reparse started.');
  },
);
