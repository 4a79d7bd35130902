import type { WordPressSettingsBody, WordPressTestBody } from '../../core/validation/publisher';
import type { Env } from '../env';
import { ApiError } from '../http/errors';
import { encryptSecret, secretPurpose } from '../lib/crypto';
import { checkOutboundUrl, loopbackAllowed } from '../lib/url-guard';
import type { Tenant } from '../middleware/tenant';
import {
  isWordPressConfigured,
  openWordPressPassword,
  type WordPressConnection,
  wordpressConnectionOf,
} from '../integration/connection';
import {
  integrationChanged,
  integrationExists,
  type StoredWordPressConnection,
  wordpressConnectionStatement,
} from '../integration/service';
import { WordPressClient, WordPressError, type WordPressCredentials } from '../integration/wordpress-client';
import { unlinkSiteFromWordPressStatement } from '../writer/content-service';
import { unlinkSiteMediaStatement } from '../writer/images-service';

/**
 * A site's WordPress connection: address, user and Application Password, kept in the site's
 * 'wordpress' integration (worker/integration, issue 13). The password is stored AES-GCM encrypted
 * and never leaves the server: the API shows `password_set` only.
 */

/** SEO meta keys the publisher fills when WordPress exposes them over REST. */
export const IGNY8_META = {
  title: '_igny8_meta_title',
  description: '_igny8_meta_description',
  primaryKeyword: '_igny8_primary_keyword',
  secondaryKeywords: '_igny8_secondary_keywords',
} as const;
/** Yoast / Rank Math keys: set only when registered for REST on that site (neither plugin does so by default). */
export const THIRD_PARTY_META = {
  title: ['_yoast_wpseo_title', 'rank_math_title'],
  description: ['_yoast_wpseo_metadesc', 'rank_math_description'],
  primaryKeyword: ['_yoast_wpseo_focuskw', 'rank_math_focus_keyword'],
} as const;
export const COMPANION_PLUGIN = 'igny8-seo-meta';

export function publicWordPressSettings(siteId: number, connection: WordPressConnection | null) {
  return {
    site_id: siteId,
    wp_url: connection?.url ?? null,
    wp_username: connection?.username ?? null,
    password_set: Boolean(connection?.passwordSealed),
    configured: isWordPressConfigured(connection),
  };
}

export const allowLoopback = (env: Env) => loopbackAllowed(env);

/** The same WordPress, whatever the scheme or a trailing slash: another host or path is another site. */
export const siteIdentity = (url: string | null) => {
  if (!url) return null;
  const u = new URL(url);
  return `${u.host.toLowerCase()}${u.pathname.replace(/\/+$/, '')}`;
};

export async function saveWordPressSettings(
  env: Env,
  tenant: Tenant,
  siteId: number,
  input: WordPressSettingsBody,
  extra: { sync_enabled?: boolean; version?: number } = {},
): Promise<{ connection: WordPressConnection; unlinked: boolean }> {
  if (input.wp_url) {
    try {
      checkOutboundUrl(input.wp_url, allowLoopback(env));
    } catch (err) {
      if (err instanceof ApiError)
        throw new ApiError(400, `This WordPress address cannot be used: ${err.message}`, err.code, {
          wp_url: [err.message],
        });
      throw err;
    }
  }
  const a = tenant.account.id;
  const saved = await wordpressConnectionOf(tenant.db, a, siteId);
  const next: StoredWordPressConnection = {
    url: saved?.url ?? null,
    username: saved?.username ?? null,
    credentials_enc: saved?.passwordSealed ?? null,
  };
  if (input.wp_url !== undefined) next.url = input.wp_url;
  if (input.wp_username !== undefined) next.username = input.wp_username;
  if (input.wp_app_password !== undefined) {
    next.credentials_enc =
      input.wp_app_password === null
        ? null
        : await encryptSecret(input.wp_app_password, env, secretPurpose.wordpress(a, siteId));
  }
  // Another WordPress: post and media ids of the old one mean nothing there (or, worse, are other
  // posts), and the saved password is not sent to a new address unless it is entered again (else
  // whoever may change the address could have the stored password sent to a host of their choice).
  const oldUrl = saved?.url ?? null;
  const moved = input.wp_url !== undefined && oldUrl !== null && siteIdentity(input.wp_url) !== siteIdentity(oldUrl);
  if (moved && input.wp_app_password === undefined) next.credentials_enc = null;
  // Each table through its owner's service (core/schema/owners.ts), still one batch.
  const save = wordpressConnectionStatement(tenant.db, a, siteId, saved?.integration ?? null, next, extra);
  const [rows] = moved
    ? await tenant.db.batch([
        save,
        unlinkSiteFromWordPressStatement(tenant.db, a, siteId),
        unlinkSiteMediaStatement(tenant.db, a, siteId),
      ])
    : await tenant.db.batch([save]);
  const integration = rows[0];
  // No row: another request created the integration meanwhile, or changed it since `extra.version`.
  if (!integration) throw saved ? integrationChanged() : integrationExists('wordpress');
  return {
    connection: { integration, url: next.url, username: next.username, passwordSealed: next.credentials_enc },
    unlinked: moved,
  };
}

/** Credentials from the saved settings, each replaceable by an unsaved value (Test Connection). */
export async function credentialsOf(
  env: Env,
  saved: WordPressConnection | null,
  override: WordPressTestBody = {},
): Promise<WordPressCredentials> {
  const url = override.wp_url ?? saved?.url ?? null;
  const username = override.wp_username ?? saved?.username ?? null;
  let appPassword = override.wp_app_password;
  // The saved password only ever goes to the saved address (see saveWordPressSettings).
  const sameSite = override.wp_url === undefined || siteIdentity(override.wp_url) === siteIdentity(saved?.url ?? null);
  // A password that does not open (also one copied from another site's row: it is sealed to its own site) is a 422.
  if (appPassword === undefined && saved?.passwordSealed && sameSite)
    appPassword = await openWordPressPassword(env, saved.integration);
  const missing: Record<string, string[]> = {};
  if (!url) missing.wp_url = ['Required to connect to WordPress.'];
  if (!username) missing.wp_username = ['Required to connect to WordPress.'];
  if (!appPassword)
    missing.wp_app_password = [
      sameSite
        ? 'Required to connect to WordPress.'
        : 'Enter the application password to test another address (the saved one is only sent to the saved address).',
    ];
  if (Object.keys(missing).length) {
    throw new ApiError(
      422,
      `WordPress is not set up for this site: missing ${Object.keys(missing).join(', ')}.`,
      'wp_not_configured',
      missing,
    );
  }
  return { url: url!, username: username!, appPassword: appPassword! };
}

export function wordpressClient(env: Env, credentials: WordPressCredentials) {
  return new WordPressClient(credentials, { allowLoopback: allowLoopback(env) });
}

/** Test Connection: who the password belongs to, what they may do, whether SEO meta will arrive. */
export async function testConnection(env: Env, credentials: WordPressCredentials) {
  const started = Date.now();
  const client = wordpressClient(env, credentials);
  const user = await client.me();
  const metaKeys = await client.postMetaKeys();
  const caps = user.capabilities;
  const companion = Object.values(IGNY8_META).every((k) => metaKeys.includes(k));
  const thirdParty = [
    ...THIRD_PARTY_META.title,
    ...THIRD_PARTY_META.description,
    ...THIRD_PARTY_META.primaryKeyword,
  ].filter((k) => metaKeys.includes(k));
  const warnings: string[] = [];
  const canPublish = caps.publish_posts === true;
  if (!canPublish)
    warnings.push(
      `The user "${user.slug}" cannot publish posts (only drafts): give them the Author role or higher to publish.`,
    );
  if (caps.upload_files !== true)
    warnings.push(`The user "${user.slug}" cannot upload media: featured and in-article images will fail.`);
  if (caps.manage_categories !== true)
    warnings.push(`The user "${user.slug}" cannot create categories: only existing ones can be used.`);
  if (!companion && thirdParty.length === 0) {
    warnings.push(
      'SEO title and description will not reach WordPress: ' +
        `install and activate the "${COMPANION_PLUGIN}" plugin (wordpress-plugin/${COMPANION_PLUGIN}).`,
    );
  }
  return {
    ok: true,
    wp_url: credentials.url,
    user: { id: user.id, name: user.name, slug: user.slug, roles: user.roles },
    can_publish: canPublish,
    can_upload: caps.upload_files === true,
    can_manage_terms: caps.manage_categories === true,
    seo_meta: {
      companion_plugin: companion,
      keys: [...Object.values(IGNY8_META).filter((k) => metaKeys.includes(k)), ...thirdParty],
    },
    warnings,
    latency_ms: Date.now() - started,
  };
}

const TEST_CATEGORY: Partial<Record<WordPressError['code'], string>> = {
  url_not_allowed: 'Address not allowed',
  wp_unreachable: 'Could not connect',
  wp_timeout: 'Could not connect',
  wp_auth_failed: 'Authentication failed',
  wp_forbidden: 'Not permitted',
  wp_not_wordpress: 'Not a WordPress REST API',
  wp_not_found: 'Not a WordPress REST API',
  wp_redirect_refused: 'Not a WordPress REST API',
  wp_unexpected_response: 'Not a WordPress REST API',
  wp_response_too_large: 'Not a WordPress REST API',
};

/**
 * Test Connection's error: the category first, then our own explanation, never text quoted from
 * the remote answer (the address is the tenant's choice, so it could be any server's page).
 */
export function testConnectionError(err: WordPressError): ApiError {
  const label = TEST_CATEGORY[err.code] ?? 'WordPress error';
  const own = err.ownMessage;
  const message = own.toLowerCase().startsWith(label.toLowerCase()) ? own : `${label}: ${own}`;
  return new WordPressError(message, err.code, { ...err.detail, said: undefined }).toApiError();
}
