/**
 * The only writer of site_integrations, integration_events and integration_drift's events
 * (core/schema/owners.ts: worker/integration). Statements are returned unrun where a caller must
 * batch them with its own (DESIGN §7: what must happen together goes in one batch()), named
 * `…Statement(s)`.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { HealthStatus, IntegrationEventKind } from '../../core/domain/enums';
import { integrationDrift, integrationEvents, siteIntegrations } from '../../core/schema/shard';
import type { ShardDb } from '../db/shards';
import type { Env } from '../env';
import { Conflict } from '../http/errors';
import { decryptSecret, encryptSecret, randomToken } from '../lib/crypto';
import type { IntegrationRow } from './connection';

type IntegrationRef = Pick<IntegrationRow, 'id' | 'account_id' | 'site_id'>;
type EventStatus = (typeof integrationEvents.$inferInsert)['status'];

export interface IntegrationEventInput {
  kind: IntegrationEventKind;
  status: EventStatus;
  summary: string;
  detail?: Record<string, unknown> | null;
  duration_ms?: number | null;
}

export function recordEventStatement(db: ShardDb, integration: IntegrationRef, event: IntegrationEventInput) {
  return db
    .insert(integrationEvents)
    .values({
      account_id: integration.account_id,
      site_id: integration.site_id,
      integration_id: integration.id,
      kind: event.kind,
      status: event.status,
      summary: event.summary.slice(0, 500),
      detail: event.detail ?? null,
      duration_ms: event.duration_ms ?? null,
    })
    .returning();
}

/** One line of the integration's history (tests, health, syncs, webhooks, pushes, pulls). */
export async function recordEvent(db: ShardDb, integration: IntegrationRef, event: IntegrationEventInput) {
  const [row] = await recordEventStatement(db, integration, event);
  return row!;
}

/** Sync bookkeeping (engineer E's sync job): not a user edit, so the row's version is left alone. */
export function syncStateStatement(
  db: ShardDb,
  integration: IntegrationRef,
  change: Partial<Pick<IntegrationRow, 'sync_status' | 'last_sync_at' | 'sync_error' | 'sync_cursor'>>,
) {
  return db
    .update(siteIntegrations)
    .set({ ...change, updated_at: new Date() })
    .where(and(eq(siteIntegrations.account_id, integration.account_id), eq(siteIntegrations.id, integration.id)))
    .returning();
}

/** What the last health check found (./health.ts), and its line in the history, in one batch. */
export function saveHealthStatements(
  db: ShardDb,
  integration: IntegrationRef,
  health: { status: HealthStatus; checked_at: number },
  event: IntegrationEventInput,
) {
  return [
    db
      .update(siteIntegrations)
      .set({
        health_status: health.status,
        health: health as unknown as Record<string, unknown>,
        last_health_at: new Date(health.checked_at),
      })
      .where(and(eq(siteIntegrations.account_id, integration.account_id), eq(siteIntegrations.id, integration.id)))
      .returning(),
    recordEventStatement(db, integration, event),
  ] as const;
}

// ---------------------------------------------------------------- the connection itself

/** A WordPress connection as stored: address and user in `config`, the password sealed (./connection.ts). */
export interface StoredWordPressConnection {
  url: string | null;
  username: string | null;
  credentials_enc: string | null;
}

/**
 * Saves a site's WordPress connection: updates its integration (a user edit: version + 1) or creates
 * it. `existing` is what the caller read (the caller decided the change from it).
 */
export function wordpressConnectionStatement(
  db: ShardDb,
  accountId: number,
  siteId: number,
  existing: IntegrationRow | null,
  next: StoredWordPressConnection,
  { version, ...extra }: { sync_enabled?: boolean; version?: number } = {},
) {
  const config = { ...(existing?.config ?? {}), url: next.url, username: next.username };
  // `version`: the one the user's client read (integration PATCH); none from the publisher's settings PUT.
  if (existing)
    return db
      .update(siteIntegrations)
      .set({
        config,
        credentials_enc: next.credentials_enc,
        ...extra,
        version: sql`${siteIntegrations.version} + 1`,
        updated_at: new Date(),
      })
      .where(
        and(
          eq(siteIntegrations.account_id, accountId),
          eq(siteIntegrations.id, existing.id),
          version === undefined ? undefined : eq(siteIntegrations.version, version),
        ),
      )
      .returning();
  return db
    .insert(siteIntegrations)
    .values({
      account_id: accountId,
      site_id: siteId,
      platform: 'wordpress',
      platform_type: 'cms',
      config,
      credentials_enc: next.credentials_enc,
      ...extra,
    })
    .onConflictDoNothing()
    .returning();
}

/** A second integration for the same site and platform. */
export const integrationExists = (platform: string) =>
  new Conflict(`This site already has a ${platform} integration: change that one instead.`, 'integration_exists');

/** Settings that are not the connection (sync on/off), with the version the client read (409 when stale). */
export async function updateIntegrationSettings(
  db: ShardDb,
  integration: IntegrationRow,
  change: { sync_enabled?: boolean },
  version: number,
) {
  const [row] = await db
    .update(siteIntegrations)
    .set({ ...change, version: sql`${siteIntegrations.version} + 1`, updated_at: new Date() })
    .where(
      and(
        eq(siteIntegrations.account_id, integration.account_id),
        eq(siteIntegrations.id, integration.id),
        eq(siteIntegrations.version, version),
      ),
    )
    .returning();
  if (!row) throw integrationChanged();
  return row;
}

export const integrationChanged = () =>
  new Conflict(
    'This integration was changed by someone else since you loaded it: reload and try again.',
    'integration_changed',
  );

/** The integration with its history and drift (nothing else points at them). */
export function deleteIntegrationStatements(db: ShardDb, integration: IntegrationRef) {
  const a = integration.account_id;
  return [
    db
      .delete(integrationEvents)
      .where(and(eq(integrationEvents.account_id, a), eq(integrationEvents.integration_id, integration.id))),
    db
      .delete(integrationDrift)
      .where(and(eq(integrationDrift.account_id, a), eq(integrationDrift.integration_id, integration.id))),
    db.delete(siteIntegrations).where(and(eq(siteIntegrations.account_id, a), eq(siteIntegrations.id, integration.id))),
  ] as const;
}

// ---------------------------------------------------------------- webhook secret

/** Sealed to the integration (not only the site): a deleted and re-created integration does not reopen it. */
const webhookPurpose = (i: IntegrationRef) => `wp-webhook:${i.account_id}:${i.site_id}:${i.id}`;

/** A new webhook secret, stored sealed; the plain secret is returned once (to show it and send it to WordPress). */
export async function rotateWebhookSecret(env: Env, db: ShardDb, integration: IntegrationRef) {
  const secret = randomToken(32);
  const sealed = await encryptSecret(secret, env, webhookPurpose(integration));
  const [row] = await db
    .update(siteIntegrations)
    .set({ webhook_secret_enc: sealed, updated_at: new Date() })
    .where(and(eq(siteIntegrations.account_id, integration.account_id), eq(siteIntegrations.id, integration.id)))
    .returning();
  return { secret, integration: row! };
}

/** The webhook secret opened (null: none set, or it no longer opens). */
export async function webhookSecretOf(env: Env, integration: IntegrationRow): Promise<string | null> {
  if (!integration.webhook_secret_enc) return null;
  try {
    return await decryptSecret(integration.webhook_secret_enc, env, webhookPurpose(integration));
  } catch {
    return null;
  }
}

/**
 * Records an accepted webhook unless its signature was already accepted within `windowMs`: ONE
 * statement (INSERT … SELECT … WHERE NOT EXISTS), so two deliveries of the same signed request racing
 * each other cannot both pass (D1 runs a database's writes one at a time). The signature's hash is what is
 * remembered (integration_events, so no KV and no per-isolate memory that a second isolate would not
 * share). Returns the event row, or null for a replay.
 */
export async function rememberWebhook(
  db: ShardDb,
  integration: IntegrationRef,
  signatureHash: string,
  event: IntegrationEventInput,
  now: number,
  windowMs: number,
) {
  const detail = JSON.stringify({ ...(event.detail ?? {}), signature_hash: signatureHash });
  const rows = await db.all<{ id: number }>(sql`
    INSERT INTO integration_events
      (account_id, site_id, integration_id, kind, status, summary, detail, created_at)
    SELECT ${integration.account_id}, ${integration.site_id}, ${integration.id}, 'webhook', ${event.status},
      ${event.summary.slice(0, 500)}, ${detail}, ${now}
    WHERE NOT EXISTS (
      SELECT 1 FROM integration_events
      WHERE account_id = ${integration.account_id} AND integration_id = ${integration.id} AND kind = 'webhook'
        AND created_at >= ${now - windowMs} AND status != 'refused'
        AND json_extract(detail, '$.signature_hash') = ${signatureHash}
    )
    RETURNING id`);
  return rows[0] ?? null;
}

/**
 * Logs a refused webhook, but at most `perMinute` of them a minute per integration (ONE statement: the
 * count rides on the events index): anyone who guesses an integration's URL can send forged requests, and
 * each must not become a row.
 */
export async function recordRefusedWebhook(
  db: ShardDb,
  integration: IntegrationRef,
  event: { summary: string; detail: Record<string, unknown> },
  now: number,
  perMinute: number,
) {
  await db.run(sql`
    INSERT INTO integration_events
      (account_id, site_id, integration_id, kind, status, summary, detail, created_at)
    SELECT ${integration.account_id}, ${integration.site_id}, ${integration.id}, 'webhook', 'refused',
      ${event.summary.slice(0, 500)}, ${JSON.stringify(event.detail)}, ${now}
    WHERE (
      SELECT count(*) FROM integration_events
      WHERE account_id = ${integration.account_id} AND integration_id = ${integration.id}
        AND created_at >= ${now - 60_000} AND kind = 'webhook' AND status = 'refused'
    ) < ${perMinute}`);
}

/** A webhook's event, finished (the post's sync ran or failed). */
export function finishEventStatement(
  db: ShardDb,
  integration: IntegrationRef,
  eventId: number,
  change: { status: EventStatus; summary?: string; duration_ms?: number },
) {
  return db
    .update(integrationEvents)
    .set(change)
    .where(and(eq(integrationEvents.account_id, integration.account_id), eq(integrationEvents.id, eventId)));
}
