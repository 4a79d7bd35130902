/**
 * Signed webhooks from the companion plugin (wordpress-plugin/igny8-seo-meta): where they go, how
 * they are signed and checked, and telling the plugin the URL and secret.
 *
 * Signature: `X-IGNY8-Signature: sha256=<hex HMAC-SHA256 over "<X-IGNY8-Timestamp>.<raw body>">`.
 * The timestamp is inside the signature, so an old capture can't be given a fresh time; requests
 * older (or newer) than WEBHOOK_WINDOW_S are refused, and a signature accepted once is refused
 * again (service.ts rememberWebhook).
 */
import type { Env } from '../env';
import { sha256Hex, timingSafeEqual } from '../lib/crypto';
import { type IntegrationRow, wordpressClientFor } from './connection';
import { type IntegrationEventInput, recordEvent, rotateWebhookSecret } from './service';
import type { ShardDb } from '../db/shards';
import { WordPressError } from './wordpress-client';

export const WEBHOOK_WINDOW_S = 300;
/**
 * How long an accepted signature is remembered: a timestamp may be up to WEBHOOK_WINDOW_S ahead of
 * our clock and is valid until WEBHOOK_WINDOW_S after it, so twice the window covers every moment
 * the same signed request could still pass the time check.
 */
export const REPLAY_MEMORY_MS = 2 * WEBHOOK_WINDOW_S * 1000;
/** Refused requests logged per integration and minute (the rest are refused all the same, unlogged). */
export const REFUSED_LOGGED_PER_MINUTE = 20;

/**
 * The URL the plugin posts to. The account rides along (`?account=`): integration ids are per
 * shard, and the webhook carries no session to say which shard to look in.
 */
export function webhookUrlOf(origin: string, integration: Pick<IntegrationRow, 'id' | 'account_id'>): string {
  return `${origin}/api/v1/integration/webhooks/wordpress/${integration.id}/?account=${integration.account_id}`;
}

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(message)));
  return [...mac].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The header value the plugin sends for this body at this time. */
export async function signWebhook(secret: string, timestamp: string, rawBody: string): Promise<string> {
  return `sha256=${await hmacHex(secret, `${timestamp}.${rawBody}`)}`;
}

export type WebhookVerdict =
  | { ok: true; signatureHash: string }
  | { ok: false; code: 'bad_signature' | 'stale_webhook'; reason: string };

/** Signature first (nothing about the request is believed before it), then the time window. */
export async function verifyWebhook(
  secret: string | null,
  headers: { signature: string | undefined; timestamp: string | undefined },
  rawBody: string,
  nowMs: number,
): Promise<WebhookVerdict> {
  const { signature, timestamp } = headers;
  if (!secret) return { ok: false, code: 'bad_signature', reason: 'No webhook secret is set for this integration.' };
  if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp))
    return { ok: false, code: 'bad_signature', reason: 'Missing X-IGNY8-Signature or X-IGNY8-Timestamp.' };
  const expected = await signWebhook(secret, timestamp, rawBody);
  // Timing-safe: how much of a guess matched must not show in how long the answer takes.
  if (!timingSafeEqual(signature.toLowerCase(), expected))
    return { ok: false, code: 'bad_signature', reason: 'The signature does not match.' };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > WEBHOOK_WINDOW_S)
    return {
      ok: false,
      code: 'stale_webhook',
      reason: `The timestamp is more than ${WEBHOOK_WINDOW_S} s away from now.`,
    };
  return { ok: true, signatureHash: await sha256Hex(expected) };
}

/**
 * A new secret, stored sealed and sent to the plugin (`POST /wp-json/igny8/v1/webhook`, administrators
 * only) with the URL to post to. Sending is best effort (no plugin, or a user who may not change
 * options): the result is recorded as a 'push' event and returned, the new secret stands either way.
 */
export async function rotateAndPushWebhook(env: Env, db: ShardDb, integration: IntegrationRow, origin: string) {
  const { secret, integration: row } = await rotateWebhookSecret(env, db, integration);
  const url = webhookUrlOf(origin, row);
  const started = Date.now();
  let event: IntegrationEventInput;
  try {
    const client = await wordpressClientFor(env, row, { timeoutMs: 10_000 });
    await client.request('POST', '/igny8/v1/webhook', { json: { url, secret } });
    event = { kind: 'push', status: 'ok', summary: 'Webhook URL and secret sent to the companion plugin.' };
  } catch (err) {
    const why = err instanceof WordPressError ? err.ownMessage : (err as Error).message;
    event = {
      kind: 'push',
      status: 'failed',
      summary: `The companion plugin did not take the webhook secret: ${why}`,
      detail: err instanceof WordPressError ? { code: err.code } : null,
    };
  }
  await recordEvent(db, row, { ...event, duration_ms: Date.now() - started });
  return { secret, integration: row, pushed: event.status === 'ok', push_message: event.summary };
}
