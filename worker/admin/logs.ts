import { and, desc, eq, gte, isNotNull, isNull, lte, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { auditLog, deadLetters } from '../../core/schema/control';
import type { auditQuery, deadLettersQuery } from '../../core/validation/admin';
import { pageOf } from '../http/list';
import { NotFound } from '../http/errors';
import type { ControlDb } from '../db/shards';

/** A body's first characters, for a table row (the full body is on the letter's own page). */
const PREVIEW_CHARS = 160;

/** Dead letters, newest first, without their bodies (a preview instead). */
export async function listDeadLetters(control: ControlDb, q: z.output<typeof deadLettersQuery>) {
  const where = and(
    q.replayed === true
      ? isNotNull(deadLetters.replayed_at)
      : q.replayed === false
        ? isNull(deadLetters.replayed_at)
        : undefined,
    q.event_type ? eq(deadLetters.event_type, q.event_type) : undefined,
  );
  const order: SQL[] = [desc(deadLetters.created_at), desc(deadLetters.id)];
  const { rows, count } = await pageOf(control, deadLetters, where, order, q);
  return {
    rows: rows.map(({ body, ...row }) => ({ ...row, body_preview: JSON.stringify(body).slice(0, PREVIEW_CHARS) })),
    count,
  };
}

export async function deadLetter(control: ControlDb, id: number) {
  const row = await control.select().from(deadLetters).where(eq(deadLetters.id, id)).get();
  if (!row) throw new NotFound('Dead letter');
  return row;
}

/** The audit log, newest first, filtered by actor, target account, action and time. */
export async function listAudit(control: ControlDb, q: z.output<typeof auditQuery>) {
  const where = and(
    q.actor_user_id ? eq(auditLog.actor_user_id, q.actor_user_id) : undefined,
    q.target_account_id ? eq(auditLog.target_account_id, q.target_account_id) : undefined,
    q.action ? eq(auditLog.action, q.action) : undefined,
    q.since ? gte(auditLog.created_at, q.since) : undefined,
    q.until ? lte(auditLog.created_at, q.until) : undefined,
  );
  return pageOf(control, auditLog, where, [desc(auditLog.created_at), desc(auditLog.id)], q);
}
