import { sql } from 'drizzle-orm';

/**
 * Recomputes keywords_count and volume of every cluster in the given sectors from the
 * keyword↔cluster links: one idempotent statement, used after clustering and manual edits.
 */
export function recomputeClusterMetrics(accountId: number, sectorIds: number[]) {
  const ids = [...new Set(sectorIds)];
  return sql`
    UPDATE clusters SET
      keywords_count = (SELECT count(*) FROM keyword_clusters kc
                        WHERE kc.account_id = clusters.account_id AND kc.cluster_id = clusters.id),
      volume = (SELECT coalesce(sum(k.volume), 0) FROM keyword_clusters kc
                JOIN keywords k ON k.account_id = kc.account_id AND k.id = kc.keyword_id
                WHERE kc.account_id = clusters.account_id AND kc.cluster_id = clusters.id),
      updated_at = ${Date.now()}
    WHERE account_id = ${accountId} AND sector_id IN (${sql.join(
      ids.map((id) => sql`${id}`),
      sql`, `,
    )})`;
}
