import { and, eq, inArray, sql } from 'drizzle-orm';
import { clusters, contentIdeas, keywordClusters, keywords } from '../../core/schema/shard';
import { forIdsWithinParamLimit, sqlList, type Statement } from '../db/batch';
import type { ShardDb } from '../db/shards';

/**
 * The planner's rows under sectors being deleted, for the sectors' one D1 batch (the planner owns
 * these tables: core/schema/owners.ts). Two steps because foreign keys order the cascade: the
 * keyword↔cluster links go first, the ideas, clusters and keywords after the writer's rows that
 * point at them (tasks → ideas).
 */
export function deleteSectorsClusterLinksStatements(db: ShardDb, accountId: number, sectorIds: number[]): Statement[] {
  return forIdsWithinParamLimit(sectorIds, (ids) =>
    db.delete(keywordClusters).where(
      and(
        eq(keywordClusters.account_id, accountId),
        sql`${keywordClusters.cluster_id} IN (SELECT id FROM clusters
                WHERE account_id = ${accountId} AND sector_id IN (${sqlList(ids)}))`,
      ),
    ),
  );
}

export function deleteSectorsPlanningStatements(db: ShardDb, accountId: number, sectorIds: number[]): Statement[] {
  return [
    ...forIdsWithinParamLimit(sectorIds, (ids) =>
      db.delete(contentIdeas).where(and(eq(contentIdeas.account_id, accountId), inArray(contentIdeas.sector_id, ids))),
    ),
    ...forIdsWithinParamLimit(sectorIds, (ids) =>
      db.delete(clusters).where(and(eq(clusters.account_id, accountId), inArray(clusters.sector_id, ids))),
    ),
    ...forIdsWithinParamLimit(sectorIds, (ids) =>
      db.delete(keywords).where(and(eq(keywords.account_id, accountId), inArray(keywords.sector_id, ids))),
    ),
  ];
}
