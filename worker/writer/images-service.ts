/**
 * The writer owns the `images` table (core/schema/owners.ts): other features change an image
 * through these functions. `…Statement` functions return the query unrun, for a caller's single
 * D1 batch (DESIGN §7: what must happen together goes in one batch()).
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { images } from '../../core/schema/shard';
import { forIdsWithinParamLimit, type Statement } from '../db/batch';
import type { ShardDb } from '../db/shards';
import { idList } from '../db/id-list';

/** The WordPress media an image was uploaded as, so a later publish reuses it instead of uploading again. */
export async function linkWordPressMedia(db: ShardDb, accountId: number, imageId: number, mediaId: number) {
  await db
    .update(images)
    .set({ wp_media_id: mediaId })
    .where(and(eq(images.account_id, accountId), eq(images.id, imageId)));
}

/** A site moved to another WordPress: its media ids name nothing (or something else) there. */
export function unlinkSiteMediaStatement(db: ShardDb, accountId: number, siteId: number) {
  return db
    .update(images)
    .set({ wp_media_id: null })
    .where(and(eq(images.account_id, accountId), eq(images.site_id, siteId)));
}

/** The sectors' images, deleted with the sectors (for the sectors' one batch; the R2 files are not touched). */
export function deleteSectorsImagesStatements(db: ShardDb, accountId: number, sectorIds: number[]): Statement[] {
  return forIdsWithinParamLimit(sectorIds, (ids) =>
    db.delete(images).where(and(eq(images.account_id, accountId), inArray(images.sector_id, ids))),
  );
}

/** Articles deleted: their image rows go in the delete's batch (the caller removes their R2 files after). */
export function deleteContentImagesStatement(db: ShardDb, accountId: number, contentIds: readonly number[]) {
  return db
    .delete(images)
    .where(and(eq(images.account_id, accountId), sql`${images.content_id} IN ${idList(contentIds)}`));
}
