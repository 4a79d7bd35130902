import { type SQL, sql } from 'drizzle-orm';
import { auditLog } from '../../core/schema/control';
import type { ControlDb } from '../db/shards';

/** One line of the audit log: who did what to which account (see core/schema/control.ts, audit_log). */
export interface AuditEntry {
  actorUserId: number;
  actorAccountId: number;
  /** The account acted on; null for a change that belongs to no account (a plan). */
  targetAccountId: number | null;
  /** `cross_account.request`, `plan.update`, `credits.adjust`, `account.move`, `dead_letter.replay`… */
  action: string;
  method?: string;
  path?: string;
  status?: number | null;
  requestId?: string | null;
  detail?: Record<string, unknown>;
}

/** The insert, for a caller that must land it in the same batch as the change it records. */
export function auditStatement(control: ControlDb, entry: AuditEntry) {
  return control.insert(auditLog).values({
    actor_user_id: entry.actorUserId,
    actor_account_id: entry.actorAccountId,
    target_account_id: entry.targetAccountId,
    action: entry.action,
    method: entry.method ?? '',
    path: entry.path ?? '',
    status: entry.status ?? null,
    request_id: entry.requestId ?? null,
    detail: entry.detail ?? {},
  });
}

/**
 * The same insert, landing only while `onlyIf` holds when the batch reaches it (an account move's
 * switch: only the driver that still holds the move's lease records it). One INSERT … SELECT … WHERE.
 */
export function auditStatementIf(entry: AuditEntry, onlyIf: SQL) {
  return sql`INSERT INTO audit_log (actor_user_id, actor_account_id, target_account_id, action, method, path, status,
                                    request_id, detail, created_at)
             SELECT ${entry.actorUserId}, ${entry.actorAccountId}, ${entry.targetAccountId}, ${entry.action},
                    ${entry.method ?? ''}, ${entry.path ?? ''}, ${entry.status ?? null}, ${entry.requestId ?? null},
                    ${JSON.stringify(entry.detail ?? {})}, ${Date.now()}
              WHERE ${onlyIf}`;
}

export async function recordAudit(control: ControlDb, entry: AuditEntry) {
  await auditStatement(control, entry).run();
}
