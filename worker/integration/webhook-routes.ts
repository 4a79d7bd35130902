import { Hono } from 'hono';
import { z } from 'zod';
import { isShardName, shardDb, shardOfAccount } from '../db/shards';
import type { AppEnv } from '../env';
import { ApiError, NotFound } from '../http/errors';
import { ok } from '../http/respond';
import { describe } from '../http/validate';
import { integrationById } from './connection';
import { finishEventStatement, recordRefusedWebhook, rememberWebhook, webhookSecretOf } from './service';
import { syncOnePost } from './sync/incremental';
import { REFUSED_LOGGED_PER_MINUTE, REPLAY_MEMORY_MS, verifyWebhook } from './webhook';
import { WordPressError } from './wordpress-client';

const MAX_WEBHOOK_BYTES = 16 * 1024;

const webhookPayload = z.object({
  event: z.enum(['post.saved', 'post.deleted']),
  post_id: z.number().int().positive(),
  post_type: z.string().max(40),
  modified_gmt: z.string().max(40).nullable().optional(),
});

const positiveInt = (v: string | undefined) => (v && /^\d{1,15}$/.test(v) ? Number(v) : null);

/**
 * `POST /api/v1/integration/webhooks/wordpress/:id/?account=` — the companion plugin's signed post
 * events (no user session: the signature is the authentication, worker/integration/webhook.ts).
 * Refused (401 `bad_signature`, 401 `stale_webhook`, 409 `replayed_webhook`) requests are logged as
 * 'webhook' events with status 'refused' (at most REFUSED_LOGGED_PER_MINUTE a minute); an accepted
 * one syncs that one post into the inventory (and flags drift when it is one of our articles) before
 * answering.
 */
export const integrationWebhookRoutes = new Hono<AppEnv>().post(
  '/wordpress/:id',
  describe('A signed post event from the WordPress companion plugin (HMAC-SHA256, 300 s window)', ['integration'], {
    auth: false,
    description:
      'Headers X-IGNY8-Timestamp (unix seconds) and X-IGNY8-Signature: sha256=<hex HMAC over "<ts>.<raw body>">. ' +
      'Body {event: post.saved|post.deleted, post_id, post_type, modified_gmt}.',
  }),
  async (c) => {
    const integrationId = positiveInt(c.req.param('id'));
    const accountId = positiveInt(c.req.query('account'));
    if (!integrationId || !accountId) throw new NotFound('Integration');
    const shard = await shardOfAccount(c.env, accountId);
    if (!shard || !isShardName(shard)) throw new NotFound('Integration');
    const db = shardDb(c.env, shard);
    const integration = await integrationById(db, accountId, integrationId);
    if (!integration) throw new NotFound('Integration');

    const declared = Number(c.req.header('content-length') ?? 0);
    const raw = declared > MAX_WEBHOOK_BYTES ? null : await c.req.text();
    if (raw === null || raw.length > MAX_WEBHOOK_BYTES)
      throw new ApiError(413, `A webhook body is at most ${MAX_WEBHOOK_BYTES} bytes.`, 'payload_too_large');
    const now = Date.now();
    const refuse = async (status: 401 | 409 | 400, code: string, reason: string) => {
      const logged = { summary: `Refused: ${reason}`, detail: { code } };
      await recordRefusedWebhook(db, integration, logged, now, REFUSED_LOGGED_PER_MINUTE);
      return new ApiError(status, `Webhook refused: ${reason}`, code);
    };

    const verdict = await verifyWebhook(
      await webhookSecretOf(c.env, integration),
      { signature: c.req.header('x-igny8-signature'), timestamp: c.req.header('x-igny8-timestamp') },
      raw,
      now,
    );
    if (!verdict.ok) throw await refuse(401, verdict.code, verdict.reason);
    let payload: z.output<typeof webhookPayload>;
    try {
      payload = webhookPayload.parse(JSON.parse(raw));
    } catch {
      throw await refuse(400, 'bad_payload', 'the body is not {event, post_id, post_type, modified_gmt}.');
    }
    const summary = `${payload.event} ${payload.post_type} ${payload.post_id}`;
    const event = await rememberWebhook(
      db,
      integration,
      verdict.signatureHash,
      { kind: 'webhook', status: 'running', summary, detail: { ...payload } },
      now,
      REPLAY_MEMORY_MS,
    );
    if (!event) throw await refuse(409, 'replayed_webhook', 'this signed request was already received.');

    try {
      const outcome = await syncOnePost(c.env, db, integration, payload.post_id, payload.event, payload.post_type);
      await finishEventStatement(db, integration, event.id, {
        status: 'ok',
        summary: `${summary}: ${outcome}`,
        duration_ms: Date.now() - now,
      });
      return ok(c, { accepted: true, event_id: event.id, outcome }, 202);
    } catch (err) {
      const why = err instanceof WordPressError ? err.ownMessage : err instanceof ApiError ? err.message : null;
      await finishEventStatement(db, integration, event.id, {
        status: 'failed',
        summary: `${summary}: ${why ?? 'the sync of this post failed.'}`,
        duration_ms: Date.now() - now,
      });
      if (why === null) throw err;
      // Accepted (the signature was good, the event is recorded); WordPress could not be read just now.
      return ok(c, { accepted: true, event_id: event.id, outcome: 'failed' as const }, 202);
    }
  },
);
