/**
 * What an article is scored against (issue 11, scope item 3): its idea's outline and target
 * keywords, its cluster's keywords by volume, the word range its task asked for, the site's own
 * pages as the TF-IDF corpus and as link targets. One reader for the editor's brief route and the
 * draft room, so the browser and the room score against the same brief.
 */
import { and, desc, eq } from 'drizzle-orm';
import { EDITOR_BRIEF_FORMAT, type RoomBrief } from '../../core/draft-score';
import type { ScoreBrief } from '../../core/optimizer';
import { authorProfiles, content, contentIdeas, keywords, sites, tasks } from '../../core/schema/shard';
import type { ShardDb } from '../db/shards';
import { integrationOf, wordpressConfigOf } from '../integration/connection';
import { siteOriginOf, sitePagesOf, toInventoryPage } from '../inventory/service';

/** The cluster keywords the score weighs (by volume): enough to cover a cluster, bounded for the browser. */
const MAX_CLUSTER_KEYWORDS = 50;

/** A task's target words, as the range the structure check accepts (the writer aims at the middle). */
export const wordRangeOf = (target: number) => ({ min: Math.round(target * 0.8), max: Math.round(target * 1.3) });

/** `editor.pages` carries the pages without their terms; `inventory` with them (the Linker's). */
export type LoadedBrief = RoomBrief;

/** The brief of one article of the account (null: no such article). */
export async function loadBrief(db: ShardDb, accountId: number, contentId: number): Promise<LoadedBrief | null> {
  const row = await db
    .select({ site_id: content.site_id, task_id: content.task_id, cluster_id: content.cluster_id })
    .from(content)
    .where(and(eq(content.account_id, accountId), eq(content.id, contentId)))
    .get();
  if (!row) return null;
  const [task, site, wordpress, profile, pages] = await Promise.all([
    row.task_id === null
      ? null
      : db
          .select({
            idea_id: tasks.idea_id,
            cluster_id: tasks.cluster_id,
            target_keywords: tasks.target_keywords,
            word_count_target: tasks.word_count_target,
          })
          .from(tasks)
          .where(and(eq(tasks.account_id, accountId), eq(tasks.id, row.task_id)))
          .get(),
    db
      .select({ domain: sites.domain })
      .from(sites)
      .where(and(eq(sites.account_id, accountId), eq(sites.id, row.site_id)))
      .get(),
    integrationOf(db, accountId, row.site_id, 'wordpress'),
    db
      .select({ language: authorProfiles.language })
      .from(authorProfiles)
      .where(and(eq(authorProfiles.account_id, accountId), eq(authorProfiles.is_active, true)))
      .limit(1)
      .get(),
    sitePagesOf(db, accountId, row.site_id),
  ]);
  const clusterId = row.cluster_id ?? task?.cluster_id ?? null;
  const [idea, clusterKeywords] = await Promise.all([
    task?.idea_id
      ? db
          .select({ outline: contentIdeas.outline, target_keywords: contentIdeas.target_keywords })
          .from(contentIdeas)
          .where(and(eq(contentIdeas.account_id, accountId), eq(contentIdeas.id, task.idea_id)))
          .get()
      : undefined,
    clusterId === null
      ? []
      : db
          .select({ keyword: keywords.keyword, volume: keywords.volume })
          .from(keywords)
          .where(and(eq(keywords.account_id, accountId), eq(keywords.cluster_id, clusterId)))
          .orderBy(desc(keywords.volume))
          .limit(MAX_CLUSTER_KEYWORDS)
          .all(),
  ]);
  const inventory = pages.map(toInventoryPage);
  const documentFrequency: Record<string, number> = {};
  for (const page of inventory)
    for (const t of page.terms) documentFrequency[t.term] = (documentFrequency[t.term] ?? 0) + 1;
  const brief: ScoreBrief = {
    outline: idea?.outline ?? [],
    targetKeywords: [...new Set([...(task?.target_keywords ?? []), ...(idea?.target_keywords ?? [])])],
    clusterKeywords,
    wordRange: task ? wordRangeOf(task.word_count_target) : null,
    inventory: inventory.length ? { pages: inventory.length, documentFrequency } : null,
  };
  return {
    siteId: row.site_id,
    inventory,
    editor: {
      format: EDITOR_BRIEF_FORMAT,
      content_id: contentId,
      language: profile?.language ?? 'en',
      brief,
      site_origin: site ? siteOriginOf({ wp_url: wordpressConfigOf(wordpress).url, domain: site.domain }) : null,
      pages: inventory.map((p) => ({ ...p, terms: [] })),
    },
  };
}
