import { sql } from 'drizzle-orm';
import type { TaskLog, TaskLogFinish, TaskLogStart } from '../../durable-objects/site-coordinator/engine/ports';
import { reserveKey } from '../billing/ledger';

/**
 * AITaskLog rows (the seed's audit of every AI job), written in the same D1 batches as the money
 * movements: created with the reservation (only if it happened), finished with the capture or
 * the release.
 */

export function insertTaskLog(t: TaskLogStart) {
  const now = Date.now();
  return sql`
    INSERT INTO ai_task_logs (account_id, site_id, job_id, function_name, status, phase, message, payload,
                              created_by_user_id, created_at, updated_at)
    SELECT ${t.accountId}, ${t.siteId}, ${t.jobId}, ${t.fn}, 'queued', 'INIT', 'Queued', ${JSON.stringify(t.payload)},
           ${t.userId}, ${now}, ${now}
    WHERE EXISTS (SELECT 1 FROM credit_transactions
                  WHERE account_id = ${t.accountId} AND idempotency_key = ${reserveKey(t.jobId)})
    ON CONFLICT (account_id, job_id) DO NOTHING`;
}

export function updateTaskLog(t: TaskLogFinish) {
  return sql`
    UPDATE ai_task_logs SET status = ${t.status}, phase = ${t.phase}, message = ${t.message}, attempts = ${t.attempts},
      tokens_input = ${t.tokensIn}, tokens_output = ${t.tokensOut}, cost_usd = ${t.costUsd},
      duration_ms = ${t.durationMs},
      error = ${t.error}, result = ${t.result == null ? null : JSON.stringify(t.result)}, updated_at = ${Date.now()}
    WHERE account_id = ${t.accountId} AND job_id = ${t.jobId}`;
}

/** The task log as the job engine sees it (durable-objects/site-coordinator/ports.ts). */
export const taskLog: TaskLog = { start: insertTaskLog, finish: updateTaskLog };
