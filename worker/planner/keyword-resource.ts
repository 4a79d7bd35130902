import { and, eq, gte, inArray, isNull, lte, sql } from 'drizzle-orm';
import { normalizeKeyword } from '../../core/domain/normalize';
import { keywordClusters, keywords } from '../../core/schema/shard';
import { type KeywordListQuery, keywordListQuery } from '../../core/validation/planner';
import { forIdsWithinParamLimit } from '../db/batch';
import { scopedResource } from '../http/scoped-resource';
import { recomputeClusterMetrics } from './cluster-metrics';
import { notifySite } from './notify';
import { likePattern } from './scope';

/**
 * The keywords resource: what the keyword list and the CSV export share (its own module, so the
 * CSV routes and the keyword routes don't import each other).
 */
export const KEYWORD_ORDERABLE = {
  keyword: keywords.keyword,
  volume: keywords.volume,
  difficulty: keywords.difficulty,
  intent: keywords.intent,
  status: keywords.status,
  created_at: keywords.created_at,
  id: keywords.id,
};

/** Server-side filters of the keywords table beyond the site scope (the list and the export). */
export function keywordFilters(q: KeywordListQuery) {
  return [
    q.status ? eq(keywords.status, q.status) : undefined,
    q.intent ? eq(keywords.intent, q.intent) : undefined,
    q.cluster_id === 'none'
      ? isNull(keywords.cluster_id)
      : q.cluster_id
        ? eq(keywords.cluster_id, q.cluster_id)
        : undefined,
    q.volume_min !== undefined ? gte(keywords.volume, q.volume_min) : undefined,
    q.volume_max !== undefined ? lte(keywords.volume, q.volume_max) : undefined,
    q.difficulty_min !== undefined ? gte(keywords.difficulty, q.difficulty_min) : undefined,
    q.difficulty_max !== undefined ? lte(keywords.difficulty, q.difficulty_max) : undefined,
    q.search ? sql`${keywords.normalized} LIKE ${likePattern(normalizeKeyword(q.search))} ESCAPE '\\'` : undefined,
  ];
}

export const keywordResource = scopedResource<typeof keywords.$inferSelect, KeywordListQuery>({
  table: keywords,
  scope: 'site-rows',
  noun: 'Keyword',
  plural: 'keywords',
  tags: ['planner'],
  orderable: KEYWORD_ORDERABLE,
  defaultOrdering: '-volume',
  filters: keywordFilters,
  listQuery: keywordListQuery,
  oneSitePerSelection: true,
  // Links first, then the keywords, then their clusters' metrics: one batch, all or nothing.
  deleteStatements: (tenant, ids, rows) => {
    const a = tenant.account.id;
    return [
      ...forIdsWithinParamLimit(ids, (part) =>
        tenant.db
          .delete(keywordClusters)
          .where(and(eq(keywordClusters.account_id, a), inArray(keywordClusters.keyword_id, part))),
      ),
      ...forIdsWithinParamLimit(ids, (part) =>
        tenant.db.delete(keywords).where(and(eq(keywords.account_id, a), inArray(keywords.id, part))),
      ),
      recomputeClusterMetrics(
        a,
        rows.map((r) => r.sector_id),
      ),
    ];
  },
  afterWrite: (c, tenant, siteIds, _rows, change) => {
    for (const siteId of siteIds)
      notifySite(c, tenant, siteId, change === 'delete' ? ['keywords', 'clusters'] : ['keywords']);
  },
});
