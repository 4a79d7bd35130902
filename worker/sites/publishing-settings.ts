/**
 * The sites service's part for publishing (core/schema/owners.ts: worker/sites owns `sites`): the
 * WordPress connection columns of a site, and nothing else, change here. The publisher decides what
 * to store (validated address, encrypted password); this returns the statement unrun so the
 * publisher can batch it with the unlinking of posts and media when the site moves (DESIGN §7:
 * what must happen together goes in one batch()).
 */
import { and, eq } from 'drizzle-orm';
import { sites, type SiteRow } from '../../core/schema/shard';
import type { ShardDb } from '../db/shards';

export type WordPressConnection = Partial<Pick<SiteRow, 'wp_url' | 'wp_username' | 'wp_app_password_enc'>>;

export function updateWordPressConnectionStatement(
  db: ShardDb,
  accountId: number,
  siteId: number,
  connection: WordPressConnection,
) {
  const { wp_url, wp_username, wp_app_password_enc } = connection;
  return db
    .update(sites)
    .set({ wp_url, wp_username, wp_app_password_enc, updated_at: new Date() })
    .where(and(eq(sites.account_id, accountId), eq(sites.id, siteId)))
    .returning();
}
