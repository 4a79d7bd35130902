import { sql, type SQL } from 'drizzle-orm';
import type { AuditEntry } from './audit';

/**
 * An audit row written only WHERE `condition` holds (evaluated by the same statement, so atomically):
 * for a change that is itself conditional (a dead letter replayed once; a credit movement that an
 * idempotency key makes happen once), so a retried or doubled request leaves one audit row, not two.
 */
export function auditStatementWhen(entry: AuditEntry, condition: SQL): SQL {
  return sql`
    INSERT INTO audit_log (actor_user_id, actor_account_id, target_account_id, action, method, path, status,
                           request_id, detail, created_at)
    SELECT ${entry.actorUserId}, ${entry.actorAccountId}, ${entry.targetAccountId}, ${entry.action},
           ${entry.method ?? ''}, ${entry.path ?? ''}, ${entry.status ?? null}, ${entry.requestId ?? null},
           ${JSON.stringify(entry.detail ?? {})}, ${Date.now()}
    WHERE ${condition}`;
}

/** No audit row of `action` for `targetAccountId` carries `detail.key = key` yet. */
export const notAuditedYet = (action: string, targetAccountId: number, key: string) =>
  sql`NOT EXISTS (SELECT 1 FROM audit_log WHERE target_account_id = ${targetAccountId} AND action = ${action}
                  AND json_extract(detail, '$.key') = ${key})`;
