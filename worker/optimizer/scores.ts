/**
 * The owner of `content_scores` and `content_score_history`: an article's latest score, and one
 * history row each time its score changes (the draft room records on projection, analyze on demand).
 */
import { sql } from 'drizzle-orm';
import type { ScoreResult } from '../../core/optimizer';
import type { Statement } from '../db/batch';
import { idList } from '../db/id-list';

/** History rows kept per article: months of daily editing; older rows go as new ones come. */
export const MAX_HISTORY_PER_ARTICLE = 500;
/** The checks that lost points, as the list shows them ("top issues"). */
const MAX_ISSUES = 5;

export type ScoreTarget = { accountId: number; siteId: number; contentId: number };

export function issuesOf(result: ScoreResult) {
  return result.checks
    .filter((c) => c.points < c.max)
    .map((c) => ({ id: c.id, light: c.light, lost: Math.round((c.max - c.points) * 10) / 10, message: c.message }))
    .sort((a, b) => b.lost - a.lost || a.id.localeCompare(b.id))
    .slice(0, MAX_ISSUES);
}

/** Upserts the latest score; appends history only when the score or the rules that made it changed. */
export function recordScoreStatements(target: ScoreTarget, result: ScoreResult, at = Date.now()): Statement[] {
  const { accountId: a, siteId: s, contentId: c } = target;
  const last = sql`(SELECT h.score || ':' || h.scorer_version FROM content_score_history h
                     WHERE h.account_id = ${a} AND h.content_id = ${c} ORDER BY h.id DESC LIMIT 1)`;
  return [
    sql`INSERT INTO content_scores (account_id, site_id, content_id, score, band, scorer_version, words, categories,
                                    issues, scored_at)
        VALUES (${a}, ${s}, ${c}, ${result.score}, ${result.band}, ${result.version}, ${result.words},
                ${JSON.stringify(result.categories)}, ${JSON.stringify(issuesOf(result))}, ${at})
        ON CONFLICT (account_id, content_id) DO UPDATE SET site_id = excluded.site_id, score = excluded.score,
          band = excluded.band, scorer_version = excluded.scorer_version, words = excluded.words,
          categories = excluded.categories, issues = excluded.issues, scored_at = excluded.scored_at`,
    sql`INSERT INTO content_score_history (account_id, site_id, content_id, score, scorer_version, words, at)
        SELECT ${a}, ${s}, ${c}, ${result.score}, ${result.version}, ${result.words}, ${at}
         WHERE COALESCE(${last}, '') <> ${`${result.score}:${result.version}`}`,
    sql`DELETE FROM content_score_history WHERE account_id = ${a} AND content_id = ${c} AND id <= (
          SELECT id FROM content_score_history WHERE account_id = ${a} AND content_id = ${c}
           ORDER BY id DESC LIMIT 1 OFFSET ${MAX_HISTORY_PER_ARTICLE})`,
  ];
}

/** An article deleted: its score and history go with it. */
export function removeScoresStatements(accountId: number, contentIds: readonly number[]): Statement[] {
  return [
    sql`DELETE FROM content_scores WHERE account_id = ${accountId} AND content_id IN ${idList(contentIds)}`,
    sql`DELETE FROM content_score_history WHERE account_id = ${accountId} AND content_id IN ${idList(contentIds)}`,
  ];
}

/** Scores and history of the articles in these sectors, deleted with them (before the articles go). */
export function deleteSectorsScoresStatements(accountId: number, sectorIds: readonly number[]): Statement[] {
  const articles = sql`(SELECT id FROM content WHERE account_id = ${accountId}
                         AND sector_id IN (SELECT value FROM json_each(${JSON.stringify(sectorIds)})))`;
  return [
    sql`DELETE FROM content_scores WHERE account_id = ${accountId} AND content_id IN ${articles}`,
    sql`DELETE FROM content_score_history WHERE account_id = ${accountId} AND content_id IN ${articles}`,
  ];
}
