import { and, eq, isNull, sql } from 'drizzle-orm';
import { deadLetters } from '../../core/schema/control';
import { runBatch, type Statement } from '../db/batch';
import { controlDb } from '../db/shards';
import type { Env } from '../env';

/** What a dead letter's body says about itself: its event type and, when it names one, the account. */
function describeBody(body: unknown): { eventType: string; accountId: number | null } {
  const b = (body && typeof body === 'object' ? body : {}) as { type?: unknown; account_id?: unknown };
  const accountId = Number(b.account_id);
  return {
    eventType: typeof b.type === 'string' ? b.type.slice(0, 100) : '',
    accountId: Number.isSafeInteger(accountId) && accountId > 0 ? accountId : null,
  };
}

/**
 * Keeps a dead letter in the control database (dead_letters) so the developer console can list and
 * replay it. The dead-letter queue delivers at least once, so the insert is ignored for a message id
 * already kept.
 */
export async function recordDeadLetter(env: Env, message: Message<unknown>, queue: string): Promise<void> {
  const { eventType, accountId } = describeBody(message.body);
  await controlDb(env)
    .insert(deadLetters)
    .values({
      queue,
      message_id: message.id,
      event_type: eventType,
      account_id: accountId,
      body: message.body ?? {},
      attempts: message.attempts ?? 0,
    })
    .onConflictDoNothing({ target: deadLetters.message_id });
}

/** Only a dead letter nobody has replayed yet (the replay's compare-and-set). */
export const notReplayed = (id: number) =>
  sql`EXISTS (SELECT 1 FROM dead_letters WHERE id = ${id} AND replayed_at IS NULL)`;

/**
 * Replays a dead letter: marks it replayed (compare-and-set on replayed_at IS NULL, with `extra`, e.g. the
 * audit row, in the same batch), and only the request that won the mark sends the body to the EVENTS queue,
 * so two replays at once send it once. If the send fails the mark is taken back (the letter can be replayed
 * again). Returns false when it was already replayed.
 */
export async function replayDeadLetter(
  env: Env,
  letter: { id: number; body: unknown },
  userId: number,
  extra: (condition: ReturnType<typeof notReplayed>) => Statement[] = () => [],
): Promise<boolean> {
  const control = controlDb(env);
  const at = new Date();
  // `extra` runs first: its condition sees the row before this batch marks it.
  const results = await runBatch(control, [
    ...extra(notReplayed(letter.id)),
    control
      .update(deadLetters)
      .set({ replayed_at: at, replayed_by_user_id: userId })
      .where(and(eq(deadLetters.id, letter.id), isNull(deadLetters.replayed_at))),
  ]);
  if ((results.at(-1)?.meta.changes ?? 0) === 0) return false;
  try {
    await env.EVENTS.send(letter.body);
  } catch (err) {
    await control
      .update(deadLetters)
      .set({ replayed_at: null, replayed_by_user_id: null })
      .where(and(eq(deadLetters.id, letter.id), eq(deadLetters.replayed_at, at)));
    throw err;
  }
  return true;
}
