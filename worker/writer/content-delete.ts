/**
 * Deleting an article: the row and everything that only means something through it, in one D1
 * batch (DESIGN §7: no interactive transactions), each table through its owner's `…Statement`
 * function (core/schema/owners.ts). The images' R2 files, the named versions and the draft rooms'
 * stored documents go after the batch: a failure there leaves unreferenced data, never a row
 * pointing at something missing. Publishing records stay, as
 * with a deleted sector: they are the history of what was sent to WordPress, where the post stays
 * (and the publisher depends on the writer, not the other way round).
 */
import { and, eq, sql } from 'drizzle-orm';
import { images } from '../../core/schema/shard';
import { imageFolder } from '../../core/media/image-keys';
import { draftRoomOf } from '../../durable-objects/draft-room/client';
import { versionPrefix } from '../../durable-objects/draft-room/protocol';
import { runBatch } from '../db/batch';
import { idList } from '../db/id-list';
import type { Tenant } from '../db/tenant';
import type { Env } from '../env';
import { Conflict } from '../http/errors';
import { removeContentDriftStatement } from '../integration/sync/drift';
import { removeContentPageStatements } from '../inventory/service';
import { removeContentSuggestionsStatement } from '../linker/service';
import { removeScoresStatements } from '../optimizer/scores';
import { deleteContentStatement } from './content-service';
import { deleteR2Folder } from './image-files';
import { deleteContentImagesStatement } from './images-service';
import { unlinkContentTasksStatement } from './tasks-service';

type Article = { id: number; site_id: number; status: string; title: string };

/** Draft rooms asked at once while checking a bulk delete: enough to be quick, few enough to be kind. */
const GENERATION_CHECKS_IN_FLIGHT = 25;

/**
 * Deletes articles of ONE site (a single article, or a bulk selection): refused whole, before
 * anything is written, when one of them is scheduled or being written by the AI. Returns the
 * cleanup outside D1 (draft rooms, R2 files) to hand to waitUntil.
 */
export async function deleteArticles(
  env: Env,
  tenant: Tenant,
  siteId: number,
  articles: readonly Article[],
): Promise<{ cleanup: Promise<unknown> }> {
  const a = tenant.account.id;
  // A scheduled publish lives in the site coordinator, which would fire for a missing row.
  const scheduled = articles.filter((row) => row.status === 'scheduled');
  if (scheduled.length) {
    throw refusal(scheduled, 'content_scheduled', {
      one: 'is scheduled: unschedule it before deleting it',
      many: 'are scheduled: unschedule them before deleting them',
    });
  }
  // The AI writer would finish into a draft whose row is gone (and its credits would be charged).
  const generating = await generatingAmong(env, a, articles);
  if (generating.length) {
    throw refusal(generating, 'content_generating', {
      one: 'is being written by the AI: wait until it finishes, then delete it',
      many: 'are being written by the AI: wait until they finish, then delete them',
    });
  }
  const ids = articles.map((row) => row.id);
  const imageRows = await tenant.db
    .select({ id: images.id, site_id: images.site_id })
    .from(images)
    .where(and(eq(images.account_id, a), sql`${images.content_id} IN ${idList(ids)}`))
    .all();
  await runBatch(tenant.db, [
    removeContentSuggestionsStatement(a, ids),
    removeContentDriftStatement(a, ids),
    ...removeScoresStatements(a, ids),
    ...removeContentPageStatements(a, siteId, ids),
    deleteContentImagesStatement(tenant.db, a, ids),
    unlinkContentTasksStatement(tenant.db, a, ids),
    deleteContentStatement(tenant.db, a, ids),
  ]);
  return {
    cleanup: Promise.all([
      // The drafts go too: their editors are told and disconnected, their stored documents erased.
      inParts(articles, (row) => draftRoomOf(env, a, row.id).erase()),
      ...imageRows.map((row) => deleteR2Folder(env.MEDIA, imageFolder(a, row.site_id, row.id))),
      ...articles.map((row) => deleteR2Folder(env.MEDIA, versionPrefix(a, siteId, row.id))),
    ]),
  };
}

/** Calls `each` for every article, GENERATION_CHECKS_IN_FLIGHT at a time; the answers in order. */
async function inParts<T>(articles: readonly Article[], each: (row: Article) => Promise<T>): Promise<T[]> {
  const answers: T[] = [];
  for (let at = 0; at < articles.length; at += GENERATION_CHECKS_IN_FLIGHT) {
    answers.push(...(await Promise.all(articles.slice(at, at + GENERATION_CHECKS_IN_FLIGHT).map(each))));
  }
  return answers;
}

async function generatingAmong(env: Env, accountId: number, articles: readonly Article[]) {
  const states = await inParts(articles, (row) => draftRoomOf(env, accountId, row.id).generation());
  return articles.filter((_, i) => states[i]!.status === 'generating');
}

/** "“A” is scheduled: …" for one; "3 of these articles are scheduled (“A”, “B”, “C”): …" for many. */
function refusal(rows: readonly Article[], code: string, says: { one: string; many: string }) {
  if (rows.length === 1) return new Conflict(`“${rows[0]!.title}” ${says.one}.`, code);
  const names = rows.slice(0, 3).map((row) => `“${row.title}”`);
  if (rows.length > 3) names.push('…');
  const [verb, ...rest] = says.many.split(':');
  return new Conflict(`${rows.length} of these articles ${verb} (${names.join(', ')}):${rest.join(':')}.`, code);
}
