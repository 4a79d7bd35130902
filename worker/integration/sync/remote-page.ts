/**
 * A WordPress item as an inventory row: its title, URL and prominent terms (core/linker
 * `prominentTerms`, the same ranking our own articles get), so the Linker can rank it as a link
 * target. The body is read for the terms and the word count, then dropped: the inventory never
 * holds a WordPress body (issue 13: "titles, URLs, prominent terms — not full bodies").
 */
import { and, eq } from 'drizzle-orm';
import { htmlToBlocks } from '../../../core/draft/from-html';
import { countWords } from '../../../core/draft/words';
import { prominentTerms } from '../../../core/linker';
import { authorProfiles } from '../../../core/schema/shard';
import type { ShardDb } from '../../db/shards';
import type { RemotePage } from '../../inventory/service';
import type { WpItem } from './wordpress-pull';

export function remotePageOf(item: WpItem, kind: RemotePage['kind'], language: string): RemotePage {
  const blocks = htmlToBlocks(item.body);
  const terms = prominentTerms(blocks, { title: item.title, primaryKeyword: '', secondaryKeywords: [], language });
  return {
    kind,
    refId: item.id,
    url: item.link,
    title: item.title,
    terms,
    wordCount: countWords(item.body.replace(/<[^>]*>/g, ' ')),
    publishedAt: item.publishedAt,
    remoteModifiedAt: item.modifiedAt,
  };
}

/** The account's writing language (its active author profile), which the terms are stemmed in. */
export async function languageOf(db: ShardDb, accountId: number): Promise<string> {
  const row = await db
    .select({ language: authorProfiles.language })
    .from(authorProfiles)
    .where(and(eq(authorProfiles.account_id, accountId), eq(authorProfiles.is_active, true)))
    .limit(1)
    .get();
  return row?.language ?? 'en';
}
