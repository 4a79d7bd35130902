import { and, eq, inArray, isNotNull, lte } from 'drizzle-orm';
import { aiCallLogs } from '../../core/schema/shard';
import type { AiCallEntry, AiCallLog } from '../../durable-objects/site-coordinator/engine/ports';
import { SHARD_BINDINGS, shardDb, type ShardDb } from '../db/shards';
import type { Env } from '../env';
import { costUsd } from '../lib/ai-pricing';
import type { ProviderCall, ProviderConfig } from '../lib/ai-provider';

export type { AiCallEntry };

/** How long a call's request and reply bodies are kept (issue 14: 30 days). */
export const AI_CALL_BODY_DAYS = 30;
/** Bodies deleted per cron tick, across all shards: a backlog drains over a few ticks, never in one long one. */
export const EXPIRE_PER_TICK = 500;

const DAY_MS = 86_400_000;

/** Where a call's bodies live in the MEDIA bucket: by account and day, so an account's can be listed and dropped. */
export const aiCallBodyKey = (accountId: number, at: Date, id: number) =>
  `ai-calls/${accountId}/${at.toISOString().slice(0, 10)}/${id}.json`;

/** Fields that could carry a secret, dropped wherever they appear (the key itself is never in a body we build). */
const SECRET_FIELDS = /^(api_?key|authorization|x-api-key|password|secret|token)$/i;

function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .filter(([k]) => !SECRET_FIELDS.test(k))
      .map(([k, v]) => [k, withoutSecrets(v)]),
  );
}

/**
 * Writes one call's row, then its bodies to R2 (body_key set only once the object exists). Never
 * throws: the log is a record of the work, and a job must not fail because its record could not
 * be written (the error goes to the Worker's log).
 */
export async function recordAiCall(env: Env, db: ShardDb, entry: AiCallEntry): Promise<number | null> {
  try {
    const createdAt = new Date();
    const row = await db
      .insert(aiCallLogs)
      .values({
        account_id: entry.accountId,
        site_id: entry.siteId,
        job_id: entry.jobId,
        purpose: entry.purpose as typeof aiCallLogs.$inferInsert.purpose,
        provider: entry.provider.slice(0, 40),
        model: entry.model.slice(0, 100),
        status: entry.status,
        finish_reason: entry.finishReason.slice(0, 40),
        repaired: entry.repaired,
        tokens_input: entry.tokensIn,
        tokens_output: entry.tokensOut,
        cost_usd: costUsd(entry.model, entry.tokensIn, entry.tokensOut),
        duration_ms: Math.max(0, Math.round(entry.durationMs)),
        error: entry.error?.slice(0, 1000) ?? null,
        created_by_user_id: entry.userId,
        created_at: createdAt,
      })
      .returning({ id: aiCallLogs.id })
      .get();
    const key = aiCallBodyKey(entry.accountId, createdAt, row.id);
    const body = { id: row.id, purpose: entry.purpose, request: entry.request, reply: entry.reply, error: entry.error };
    await env.MEDIA.put(key, JSON.stringify(withoutSecrets(body)), {
      httpMetadata: { contentType: 'application/json' },
    });
    await db
      .update(aiCallLogs)
      .set({ body_key: key, body_expires_at: new Date(createdAt.getTime() + AI_CALL_BODY_DAYS * DAY_MS) })
      .where(eq(aiCallLogs.id, row.id));
    return row.id;
  } catch (err) {
    console.warn(JSON.stringify({ level: 'warn', message: 'could not write the AI call log', detail: String(err) }));
    return null;
  }
}

/** The job engine's port (durable-objects/site-coordinator/features.ts plugs it in). */
export const aiCallLog: AiCallLog = {
  async record(env, db, entry) {
    await recordAiCall(env, db, entry);
  },
};

/**
 * An entry from a direct provider call (a prompt's "try it", a connection test): the provider layer's
 * observer gives what was sent and what came back.
 */
export function entryFromCall(
  call: ProviderCall,
  cfg: Pick<ProviderConfig, 'isDemo' | 'model'>,
  base: Pick<AiCallEntry, 'accountId' | 'siteId' | 'jobId' | 'userId' | 'purpose'> & { repaired?: boolean },
): AiCallEntry {
  const result = call.result;
  return {
    ...base,
    provider: cfg.isDemo ? 'demo' : 'openai',
    model: result?.model ?? cfg.model,
    status: call.error ? 'error' : 'ok',
    finishReason: call.error?.kind ?? result?.finishReason ?? 'stop',
    repaired: base.repaired ?? false,
    tokensIn: result?.tokensIn ?? call.error?.partial?.tokensIn ?? 0,
    tokensOut: result?.tokensOut ?? call.error?.partial?.tokensOut ?? 0,
    durationMs: call.durationMs,
    error: call.error?.message ?? null,
    request: call.request,
    reply: result && {
      content: result.content,
      finish_reason: result.finishReason,
      refusal: result.refusal,
      usage: { prompt_tokens: result.tokensIn, completion_tokens: result.tokensOut },
    },
  };
}

/**
 * Cron duty `ai_calls.expire`: deletes the R2 bodies whose 30 days have passed and clears their
 * key (the row stays: what the call cost is billing history). Bounded per tick.
 */
export async function expireAiCallBodies(env: Env, scheduledTime: number) {
  let budget = EXPIRE_PER_TICK;
  for (const shard of SHARD_BINDINGS) {
    if (budget <= 0) break;
    if (!env[shard]) continue;
    const db = shardDb(env, shard);
    const due = await db
      .select({ id: aiCallLogs.id, key: aiCallLogs.body_key })
      .from(aiCallLogs)
      .where(and(isNotNull(aiCallLogs.body_key), lte(aiCallLogs.body_expires_at, new Date(scheduledTime))))
      .limit(budget)
      .all();
    if (!due.length) continue;
    budget -= due.length;
    await env.MEDIA.delete(due.map((d) => d.key!));
    // D1 allows 100 bound parameters a statement.
    for (let i = 0; i < due.length; i += 90) {
      const ids = due.slice(i, i + 90).map((d) => d.id);
      await db.update(aiCallLogs).set({ body_key: null }).where(inArray(aiCallLogs.id, ids));
    }
  }
}
