import { z } from 'zod';
import { PUBLISH_DESTINATIONS, PUBLISH_STATUSES } from '../domain/enums';
import { id, listQuery } from './common';

/**
 * The site's WordPress address as the user types it: the site root (https://example.com or
 * https://example.com/blog), not the REST API. A pasted `/wp-json/...` or `/wp-admin/...` tail and
 * trailing slashes are removed. Whether the address may be called at all (https only, no private
 * networks) is checked by the worker's URL guard, which knows the deployment's settings.
 */
export const wordpressUrl = z
  .string()
  .trim()
  .min(1, 'Required.')
  .max(500, 'At most 500 characters.')
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '';
    } catch {
      return false;
    }
  }, 'A full address such as https://example.com.')
  .transform((v) => {
    const u = new URL(v);
    u.hash = '';
    u.search = '';
    u.pathname = u.pathname.replace(/\/(wp-json|wp-admin|wp-login\.php)(\/.*)?$/i, '').replace(/\/+$/, '');
    return u.toString().replace(/\/+$/, '');
  });

export const wordpressUsername = z.string().trim().min(1, 'Required.').max(120, 'At most 120 characters.');

/**
 * An Application Password (Users → Profile → Application Passwords); WordPress shows it in groups of
 * four, spaces are fine.
 */
export const wordpressAppPassword = z.string().trim().min(1, 'Required.').max(200, 'At most 200 characters.');

/** PUT settings: a field left out keeps its value, null clears it. The password is write-only. */
export const wordpressSettingsBody = z
  .object({
    wp_url: wordpressUrl.nullable().optional(),
    wp_username: wordpressUsername.nullable().optional(),
    wp_app_password: wordpressAppPassword.nullable().optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'Send at least one of wp_url, wp_username, wp_app_password.');
export type WordPressSettingsBody = z.output<typeof wordpressSettingsBody>;

/** Test Connection: the saved settings, or these (unsaved) values in their place. */
export const wordpressTestBody = z
  .object({
    wp_url: wordpressUrl.optional(),
    wp_username: wordpressUsername.optional(),
    wp_app_password: wordpressAppPassword.optional(),
  })
  .strict();
export type WordPressTestBody = z.output<typeof wordpressTestBody>;

export const WP_POST_STATUSES = ['draft', 'publish'] as const;

export const publishBody = z
  .object({
    status: z
      .enum(WP_POST_STATUSES)
      .default('draft')
      .describe('draft: push as a WordPress draft; publish: make it live'),
  })
  .strict();
export type PublishBody = z.output<typeof publishBody>;

export const publishingRecordListQuery = listQuery.extend({
  content_id: id.optional(),
  site_id: id.optional(),
  status: z.enum(PUBLISH_STATUSES).optional(),
  destination: z.enum(PUBLISH_DESTINATIONS).optional(),
});
export type PublishingRecordListQuery = z.output<typeof publishingRecordListQuery>;
