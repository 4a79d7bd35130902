/**
 * Deleting an article: the row and everything that only means something through it, in one D1
 * batch (DESIGN §7: no interactive transactions), each table through its owner's `…Statement`
 * function (core/schema/owners.ts). The images' R2 files go after the batch: a failure there
 * leaves unreferenced files, never a row pointing at a missing file. Publishing records stay, as
 * with a deleted sector: they are the history of what was sent to WordPress, where the post stays
 * (and the publisher depends on the writer, not the other way round).
 */
import { and, eq } from 'drizzle-orm';
import { images } from '../../core/schema/shard';
import { imageFolder } from '../../core/media/image-keys';
import { draftRoomOf } from '../../durable-objects/draft-room/client';
import { runBatch } from '../db/batch';
import type { Tenant } from '../db/tenant';
import type { Env } from '../env';
import { Conflict } from '../http/errors';
import { removeContentDriftStatement } from '../integration/sync/drift';
import { removeContentPageStatements } from '../inventory/service';
import { removeContentSuggestionsStatement } from '../linker/service';
import { removeScoresStatements } from '../optimizer/scores';
import { deleteContentStatement } from './content-service';
import { deleteImageFiles } from './image-files';
import { deleteContentImagesStatement } from './images-service';
import { unlinkContentTasksStatement } from './tasks-service';

type Article = { id: number; site_id: number; status: string; title: string };

/** Returns the R2 cleanup to hand to waitUntil. */
export async function deleteArticle(env: Env, tenant: Tenant, article: Article): Promise<{ files: Promise<unknown> }> {
  const a = tenant.account.id;
  // A scheduled publish lives in the site coordinator, which would fire for a missing row.
  if (article.status === 'scheduled')
    throw new Conflict('This article is scheduled: unschedule it before deleting it.', 'content_scheduled');
  // The AI writer would finish into a draft whose row is gone (and its credits would be charged).
  const generation = await draftRoomOf(env, a, article.id).generation();
  if (generation.status === 'generating')
    throw new Conflict('The AI is writing this article: wait until it finishes, then delete it.', 'content_generating');
  const imageIds = await tenant.db
    .select({ id: images.id, site_id: images.site_id })
    .from(images)
    .where(and(eq(images.account_id, a), eq(images.content_id, article.id)))
    .all();
  await runBatch(tenant.db, [
    removeContentSuggestionsStatement(a, article.id),
    removeContentDriftStatement(a, article.id),
    ...removeScoresStatements(a, article.id),
    ...removeContentPageStatements(a, article.site_id, article.id),
    deleteContentImagesStatement(tenant.db, a, article.id),
    unlinkContentTasksStatement(tenant.db, a, article.id),
    deleteContentStatement(tenant.db, a, article.id),
  ]);
  return {
    files: Promise.all(imageIds.map((row) => deleteImageFiles(env.MEDIA, imageFolder(a, row.site_id, row.id)))),
  };
}
