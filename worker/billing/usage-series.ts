import { sql } from 'drizzle-orm';
import type { UsageSeriesQuery } from '../../core/validation/billing';
import type { ShardDb } from '../db/shards';

export interface SeriesRow {
  /** `2026-12-01` (day) or `2026-12` (month), UTC. */
  bucket: string;
  /** The operation, or the site id as text (null: usage not tied to a site). */
  key: string | null;
  /** The site's name when grouped by site. */
  name: string | null;
  credits: number;
  cost_usd: number;
  calls: number;
}

/**
 * Usage per bucket and operation or site, summed by D1 (GROUP BY over the account_id+created_at
 * index): the range is capped by the query schema, so the answer is at most 92 buckets × keys.
 */
export async function usageSeries(db: ShardDb, accountId: number, q: UsageSeriesQuery): Promise<SeriesRow[]> {
  const format = q.period === 'day' ? '%Y-%m-%d' : '%Y-%m';
  const bucket = sql`strftime(${format}, u.created_at / 1000, 'unixepoch')`;
  const bySite = q.group_by === 'site';
  const key = bySite ? sql`CAST(u.site_id AS TEXT)` : sql`u.operation_type`;
  const rows = await db.all<SeriesRow>(sql`
    SELECT ${bucket} AS bucket, ${key} AS key, ${bySite ? sql`MAX(s.name)` : sql`NULL`} AS name,
           SUM(u.credits_used) AS credits, ROUND(SUM(u.cost_usd), 6) AS cost_usd, COUNT(*) AS calls
    FROM credit_usage_logs u
    ${bySite ? sql`LEFT JOIN sites s ON s.id = u.site_id AND s.account_id = u.account_id` : sql``}
    WHERE u.account_id = ${accountId} AND u.created_at >= ${q.from} AND u.created_at < ${q.to}
    GROUP BY bucket, key ORDER BY bucket, key`);
  return rows;
}
