/**
 * What the API shows of an integration: the connection without its secrets (the Application
 * Password and the webhook secret are write-only: `password_set`, `webhook.secret_set`).
 */
import { and, count, eq, inArray } from 'drizzle-orm';
import { integrationDrift } from '../../core/schema/shard';
import type { ShardDb } from '../db/shards';
import { type IntegrationRow, wordpressConfigOf } from './connection';
import type { HealthReport } from './health';
import { webhookUrlOf } from './webhook';

export function integrationView(row: IntegrationRow, origin: string, driftOpen: number) {
  const { url, username } = wordpressConfigOf(row);
  return {
    id: row.id,
    site_id: row.site_id,
    platform: row.platform,
    url,
    username,
    password_set: Boolean(row.credentials_enc),
    is_active: row.is_active,
    sync_enabled: row.sync_enabled,
    sync_status: row.sync_status,
    last_sync_at: row.last_sync_at,
    sync_error: row.sync_error,
    health_status: row.health_status,
    health: row.health as HealthReport | null,
    last_health_at: row.last_health_at,
    webhook: { url: webhookUrlOf(origin, row), secret_set: Boolean(row.webhook_secret_enc) },
    drift_open: driftOpen,
    version: row.version,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
export type IntegrationView = ReturnType<typeof integrationView>;

/** Open drift rows per integration, for a page of integrations (one query). */
export async function openDriftCounts(db: ShardDb, accountId: number, ids: number[]): Promise<Map<number, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: integrationDrift.integration_id, n: count() })
    .from(integrationDrift)
    .where(
      and(
        eq(integrationDrift.account_id, accountId),
        inArray(integrationDrift.integration_id, ids),
        eq(integrationDrift.status, 'open'),
      ),
    )
    .groupBy(integrationDrift.integration_id)
    .all();
  return new Map(rows.map((r) => [r.id, r.n]));
}

/** The last health check, or "unknown" when none ran yet. */
export function healthView(row: IntegrationRow) {
  const health = row.health as HealthReport | null;
  return health ?? { status: 'unknown' as const, checks: null, problems: [], checked_at: null };
}
