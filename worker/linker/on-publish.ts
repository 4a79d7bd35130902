/**
 * Inbound linking when an article goes live (issue 11: "when an article is published, suggest
 * links to it from older articles"): with the site's inbound_on_publish on, an inbound job asks
 * the closest live articles for links to it. Best effort: publishing never fails for it.
 */
import { and, eq, inArray, ne } from 'drizzle-orm';
import type { JobView } from '../../core/ai/jobs';
import { sitePages } from '../../core/schema/shard';
import { coordinatorOf } from '../../durable-objects/site-coordinator/engine/client';
import type { ShardName } from '../db/shards';
import { shardDb } from '../db/shards';
import type { Env } from '../env';
import { linkerSettingsOf } from './service';

export type PublishedArticle = {
  accountId: number;
  shard: ShardName;
  siteId: number;
  contentId: number;
  /** Who published it: the job runs as theirs (its credits: none without the AI pass on inbound). */
  userId: number;
  userName: string;
  /** When it went live: one job per publication, however often the call is repeated. */
  publishedAt: Date;
};

export async function linkToPublishedArticle(env: Env, a: PublishedArticle): Promise<JobView | null> {
  try {
    const db = shardDb(env, a.shard);
    const settings = await linkerSettingsOf(db, a.accountId, a.siteId);
    if (!settings.inbound_on_publish) return null;
    // No other live article to link from: no job (it would only fail with nothing to ask).
    const other = await db
      .select({ id: sitePages.id })
      .from(sitePages)
      .where(
        and(
          eq(sitePages.account_id, a.accountId),
          eq(sitePages.site_id, a.siteId),
          eq(sitePages.kind, 'content'),
          ne(sitePages.ref_id, a.contentId),
          inArray(sitePages.status, ['published', 'scheduled']),
        ),
      )
      .limit(1)
      .get();
    if (!other) return null;
    const result = await coordinatorOf(env, a.accountId, a.siteId).enqueue({
      id: `inbound-${a.contentId}-${a.publishedAt.getTime()}`,
      account_id: a.accountId,
      shard: a.shard,
      site_id: a.siteId,
      user_id: a.userId,
      user_name: a.userName,
      function: 'link_content',
      input: {
        content_ids: [a.contentId],
        mode: 'suggest',
        direction: 'inbound',
        ai_pass: false,
        max_links: settings.max_links,
      },
    });
    return result.ok ? result.job : null;
  } catch (err) {
    console.warn(`linker: no inbound linking for content ${a.contentId}`, err);
    return null;
  }
}
