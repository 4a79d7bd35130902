import type { SiteRow } from '../../core/schema/shard';
import type { WordPressSettingsBody, WordPressTestBody } from '../../core/validation/publisher';
import type { Env } from '../env';
import { ApiError } from '../http/errors';
import { decryptSecret, encryptSecret, secretPurpose } from '../lib/crypto';
import { checkOutboundUrl, loopbackAllowed } from '../lib/url-guard';
import type { Tenant } from '../middleware/tenant';
import { updateWordPressConnectionStatement, type WordPressConnection } from '../sites/publishing-settings';
import { unlinkSiteFromWordPressStatement } from '../writer/content-service';
import { unlinkSiteMediaStatement } from '../writer/images-service';
import { WordPressClient, WordPressError, type WordPressCredentials } from './wordpress-client';

/**
 * A site's WordPress connection: address, user and Application Password. The password is stored
 * AES-GCM encrypted (sites.wp_app_password_enc) and never leaves the server: the API shows
 * `password_set` only.
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

export function publicWordPressSettings(site: SiteRow) {
  return {
    site_id: site.id,
    wp_url: site.wp_url,
    wp_username: site.wp_username,
    password_set: Boolean(site.wp_app_password_enc),
    configured: Boolean(site.wp_url && site.wp_username && site.wp_app_password_enc),
  };
}

export const allowLoopback = (env: Env) => loopbackAllowed(env);

/** The same WordPress, whatever the scheme or a trailing slash: another host or path is another site. */
const siteIdentity = (url: string | null) => {
  if (!url) return null;
  const u = new URL(url);
  return `${u.host.toLowerCase()}${u.pathname.replace(/\/+$/, '')}`;
};

export async function saveWordPressSettings(env: Env, tenant: Tenant, site: SiteRow, input: WordPressSettingsBody) {
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
  const connection: WordPressConnection = {};
  if (input.wp_url !== undefined) connection.wp_url = input.wp_url;
  if (input.wp_username !== undefined) connection.wp_username = input.wp_username;
  if (input.wp_app_password !== undefined) {
    connection.wp_app_password_enc =
      input.wp_app_password === null
        ? null
        : await encryptSecret(input.wp_app_password, env, secretPurpose.wordpress(tenant.account.id, site.id));
  }
  // Another WordPress: post and media ids of the old one mean nothing there (or, worse, are other
  // posts), and the saved password is not sent to a new address unless it is entered again (else
  // whoever may change the address could have the stored password sent to a host of their choice).
  const moved =
    input.wp_url !== undefined && site.wp_url !== null && siteIdentity(input.wp_url) !== siteIdentity(site.wp_url);
  if (moved && input.wp_app_password === undefined) connection.wp_app_password_enc = null;
  // Each table through its owner's service (core/schema/owners.ts), still one batch.
  const a = tenant.account.id;
  const siteUpdate = updateWordPressConnectionStatement(tenant.db, a, site.id, connection);
  if (moved) {
    const [rows] = await tenant.db.batch([
      siteUpdate,
      unlinkSiteFromWordPressStatement(tenant.db, a, site.id),
      unlinkSiteMediaStatement(tenant.db, a, site.id),
    ]);
    return { site: rows[0]!, unlinked: true };
  }
  const [row] = await siteUpdate;
  return { site: row!, unlinked: false };
}

/** Credentials from the saved settings, each replaceable by an unsaved value (Test Connection). */
export async function credentialsOf(
  env: Env,
  site: SiteRow,
  override: WordPressTestBody = {},
): Promise<WordPressCredentials> {
  const url = override.wp_url ?? site.wp_url;
  const username = override.wp_username ?? site.wp_username;
  let appPassword = override.wp_app_password;
  // The saved password only ever goes to the saved address (see saveWordPressSettings).
  const sameSite = override.wp_url === undefined || siteIdentity(override.wp_url) === siteIdentity(site.wp_url);
  if (appPassword === undefined && site.wp_app_password_enc && sameSite) {
    try {
      appPassword = await decryptSecret(
        site.wp_app_password_enc,
        env,
        secretPurpose.wordpress(site.account_id, site.id),
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
