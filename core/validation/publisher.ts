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

/** An instant with its offset or Z ("2026-12-08T09:00:00+01:00"): a wall-clock time alone is ambiguous. */
export const isoInstant = z.iso
  .datetime({ offset: true, message: 'An ISO-8601 date and time with its offset, e.g. 2026-12-08T09:00:00+01:00.' })
  .transform((v) => new Date(v));

/**
 * Publish now or at `publish_at` (a future instant: the content waits as 'scheduled' and the site's
 * coordinator publishes it then). `status` is WordPress's (draft or live); left out it is 'draft'
 * for a publish now, as it always was, and 'publish' for a scheduled one (scheduling a draft push
 * is possible, but not what "publish on Tuesday" means).
 */
export const publishBody = z
  .object({
    destination: z
      .enum(PUBLISH_DESTINATIONS)
      .default('wordpress')
      .describe("wordpress: the site's WordPress; igny8: the site IGNY8 serves (needs a live deployment)"),
    status: z
      .enum(WP_POST_STATUSES)
      .optional()
      .describe('WordPress only. draft: push as a WordPress draft; publish: make it live'),
    publish_at: isoInstant.optional().describe('When to publish (ISO-8601 with offset); in the future'),
  })
  .strict();
export type PublishBody = z.output<typeof publishBody>;
/** What the WordPress publishing code needs of a request: the post status to reach. */
export type WordPressPublishOptions = { status: (typeof WP_POST_STATUSES)[number] };

export const unpublishBody = z
  .object({ destination: z.literal('igny8').default('igny8').describe('Only the IGNY8 site can be unpublished') })
  .strict();
export type UnpublishBody = z.output<typeof unpublishBody>;

/** The longest calendar window one request may ask for (a quarter). */
export const MAX_CALENDAR_DAYS = 92;

const calendarBound = z.union([
  z.iso.datetime({ offset: true }).transform((v) => new Date(v)),
  z.iso.date().transform((v) => new Date(`${v}T00:00:00Z`)),
]);

/** `?site_id=&from=&to=`: dates (UTC midnight) or instants; `to` after `from`, at most 92 days apart. */
export const calendarQuery = z
  .object({ site_id: id, from: calendarBound, to: calendarBound })
  .refine((q) => q.to.getTime() > q.from.getTime(), { message: 'to must be after from.', path: ['to'] })
  .refine((q) => q.to.getTime() - q.from.getTime() <= MAX_CALENDAR_DAYS * 86_400_000, {
    message: `At most ${MAX_CALENDAR_DAYS} days between from and to.`,
    path: ['to'],
  });
export type CalendarQuery = z.output<typeof calendarQuery>;

export const publishingRecordListQuery = listQuery.extend({
  content_id: id.optional(),
  site_id: id.optional(),
  status: z.enum(PUBLISH_STATUSES).optional(),
  destination: z.enum(PUBLISH_DESTINATIONS).optional(),
});
export type PublishingRecordListQuery = z.output<typeof publishingRecordListQuery>;
