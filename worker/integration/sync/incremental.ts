/**
 * One post, synced on its own (the companion plugin's signed webhook on post save/delete: issue 13,
 * scope 3). The same rules as the full sync: a live post or page becomes (or updates) its inventory
 * row, one that is gone or no longer published leaves it; our own articles get no row of their own
 * but are checked for drift.
 */
import { runBatch, type Statement } from '../../db/batch';
import type { ShardDb } from '../../db/shards';
import type { Env } from '../../env';
import { remoteModifiedOf, remotePagesStatements, removeRemotePagesStatements } from '../../inventory/service';
import { type IntegrationRow, wordpressClientFor } from '../connection';
import { isDrift, openDriftStatement, ownArticlesOf } from './drift';
import { languageOf, remotePageOf } from './remote-page';
import { readOne } from './wordpress-pull';

export type PostEvent = 'post.saved' | 'post.deleted';

export type OnePostOutcome =
  /** The post is live: its row was written (new or changed). */
  | 'upserted'
  /** The post is live and its row already says so (same modified time). */
  | 'unchanged'
  /** Gone, trashed or unpublished: its row (if any) was removed. */
  | 'removed'
  /** One of our articles, edited in WordPress after our last publish: drift opened. */
  | 'drift'
  /** One of our articles, not changed since our last publish (our own publish's echo). */
  | 'own_article'
  /** A post type the inventory does not keep (attachments, menus, products). */
  | 'ignored';

/**
 * Syncs one post or page of the integration's WordPress (`postType` as the webhook says: 'post' or
 * 'page'; anything else is ignored). Throws WordPressError when WordPress cannot be read: the caller
 * records the webhook as failed.
 */
export async function syncOnePost(
  env: Env,
  db: ShardDb,
  integration: IntegrationRow,
  postId: number,
  event: PostEvent,
  postType = 'post',
): Promise<OnePostOutcome> {
  const type = postType === 'post' ? 'posts' : postType === 'page' ? 'pages' : null;
  if (!type) return 'ignored';
  const { account_id: accountId, site_id: siteId } = integration;
  const own = (await ownArticlesOf(db, accountId, siteId, [postId])).get(postId);
  const item =
    event === 'post.deleted' ? null : await readOne(await wordpressClientFor(env, integration), type, postId);
  const statements: Statement[] = [];
  let outcome: OnePostOutcome;
  if (own) {
    const drifted = item?.modifiedAt != null && isDrift(item.modifiedAt, own.lastPublishedAt);
    const drift = drifted ? openDriftStatement(integration, [{ ...own, remoteModifiedAt: item!.modifiedAt! }]) : null;
    if (drift) statements.push(drift);
    outcome = drift ? 'drift' : 'own_article';
  } else if (!item) {
    statements.push(...removeRemotePagesStatements(accountId, siteId, 'wordpress', { remove: [postId] }));
    outcome = 'removed';
  } else {
    const stored = (await remoteModifiedOf(db, accountId, siteId, 'wordpress', [postId])).get(postId);
    const same =
      stored && stored.modified === item.modifiedAt && stored.url === item.link && stored.title === item.title;
    if (!same) {
      const page = remotePageOf(item, 'wordpress', await languageOf(db, accountId));
      statements.push(...remotePagesStatements(accountId, siteId, [page]));
    }
    outcome = same ? 'unchanged' : 'upserted';
  }
  if (statements.length) await runBatch(db, statements);
  return outcome;
}
