/**
 * A site's connection to an outside platform, read from its site_integrations row (issue 13: the
 * WordPress address, user and sealed Application Password moved there from the site row; migration
 * 0004 copied them). Every reader of a WordPress connection (publisher, scheduled publishes, the
 * inventory's site origin, sync, health) goes through here; every writer through ./service.ts (the
 * table's owner, core/schema/owners.ts).
 *
 * The password stays sealed with `secretPurpose.wordpress(account, site)`: the purpose names the
 * account and site, not the table, so the sealed value copied by the migration still opens, and one
 * copied onto another site's row does not.
 */
import { and, eq } from 'drizzle-orm';
import type { IntegrationPlatform } from '../../core/domain/enums';
import { siteIntegrations } from '../../core/schema/shard';
import type { ShardDb } from '../db/shards';
import type { Env } from '../env';
import { ApiError } from '../http/errors';
import { decryptSecret, secretPurpose } from '../lib/crypto';
import { loopbackAllowed } from '../lib/url-guard';
import { WordPressClient, type WordPressClientOptions, type WordPressCredentials } from './wordpress-client';

export type IntegrationRow = typeof siteIntegrations.$inferSelect;

/** What a WordPress integration keeps in `config` (the password is in `credentials_enc`, sealed). */
export interface WordPressConfig {
  url: string | null;
  username: string | null;
}

export interface WordPressConnection {
  integration: IntegrationRow;
  url: string | null;
  username: string | null;
  /** The sealed Application Password, or null when none is saved. */
  passwordSealed: string | null;
}

/** The site's integration for a platform (one per site and platform), or null. */
export async function integrationOf(
  db: ShardDb,
  accountId: number,
  siteId: number,
  platform: IntegrationPlatform,
): Promise<IntegrationRow | null> {
  const row = await db
    .select()
    .from(siteIntegrations)
    .where(
      and(
        eq(siteIntegrations.account_id, accountId),
        eq(siteIntegrations.site_id, siteId),
        eq(siteIntegrations.platform, platform),
      ),
    )
    .get();
  return row ?? null;
}

/** An integration by id, within the account (another account's id is not found). */
export async function integrationById(db: ShardDb, accountId: number, id: number): Promise<IntegrationRow | null> {
  const row = await db
    .select()
    .from(siteIntegrations)
    .where(and(eq(siteIntegrations.account_id, accountId), eq(siteIntegrations.id, id)))
    .get();
  return row ?? null;
}

/** The address and user of a WordPress integration's config; empty strings (the migration's) read as unset. */
export function wordpressConfigOf(integration: Pick<IntegrationRow, 'config'> | null): WordPressConfig {
  const config = (integration?.config ?? {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v : null);
  return { url: text(config.url), username: text(config.username) };
}

/** The site's WordPress connection, or null when the site has none. */
export async function wordpressConnectionOf(
  db: ShardDb,
  accountId: number,
  siteId: number,
): Promise<WordPressConnection | null> {
  const integration = await integrationOf(db, accountId, siteId, 'wordpress');
  if (!integration) return null;
  return { integration, ...wordpressConfigOf(integration), passwordSealed: integration.credentials_enc };
}

/** Address, user and password all saved: what publishing and sync need. */
export function isWordPressConfigured(connection: WordPressConnection | null): boolean {
  return Boolean(connection?.url && connection.username && connection.passwordSealed);
}

/** The Application Password opened; a 422 `wp_not_configured` a user can act on when it cannot be. */
export async function openWordPressPassword(env: Env, integration: IntegrationRow): Promise<string> {
  if (!integration.credentials_enc)
    throw new ApiError(422, 'WordPress is not set up for this site: missing wp_app_password.', 'wp_not_configured', {
      wp_app_password: ['Required to connect to WordPress.'],
    });
  try {
    return await decryptSecret(
      integration.credentials_enc,
      env,
      secretPurpose.wordpress(integration.account_id, integration.site_id),
    );
  } catch {
    // Also what a password copied from another site's row gets: it is sealed to its own site.
    throw new ApiError(
      422,
      'The saved application password can no longer be read: save it again.',
      'wp_not_configured',
      {
        wp_app_password: ['Save the application password again.'],
      },
    );
  }
}

/** The saved credentials of a WordPress integration (422 `wp_not_configured` naming what is missing). */
export async function wordpressCredentialsFor(env: Env, integration: IntegrationRow): Promise<WordPressCredentials> {
  const { url, username } = wordpressConfigOf(integration);
  const missing: Record<string, string[]> = {};
  if (!url) missing.wp_url = ['Required to connect to WordPress.'];
  if (!username) missing.wp_username = ['Required to connect to WordPress.'];
  if (!integration.credentials_enc) missing.wp_app_password = ['Required to connect to WordPress.'];
  if (Object.keys(missing).length)
    throw new ApiError(
      422,
      `WordPress is not set up for this site: missing ${Object.keys(missing).join(', ')}.`,
      'wp_not_configured',
      missing,
    );
  return { url: url!, username: username!, appPassword: await openWordPressPassword(env, integration) };
}

/** A REST client for a WordPress integration (the URL guard allows loopback only where the deployment says so). */
export async function wordpressClientFor(
  env: Env,
  integration: IntegrationRow,
  options: Omit<WordPressClientOptions, 'allowLoopback'> = {},
): Promise<WordPressClient> {
  const credentials = await wordpressCredentialsFor(env, integration);
  return new WordPressClient(credentials, { ...options, allowLoopback: loopbackAllowed(env) });
}
