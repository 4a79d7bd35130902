/**
 * What the WordPress form sends (core/validation/publisher.ts). The application password is
 * write-only: the API never returns it, so an empty password box means "keep the saved one".
 */
import type { FieldErrors } from '$core/api/envelope';
import { wordpressSettingsBody, wordpressTestBody } from '$core/validation/publisher';
import { check } from '$lib/forms/field-errors';
import type { z } from 'zod';

export interface WordPressDraft {
  wp_url: string;
  wp_username: string;
  wp_app_password: string;
}

type Checked<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };
export type WordPressSaveBody = z.input<typeof wordpressSettingsBody>;
export type WordPressTestBody = z.input<typeof wordpressTestBody>;

/** Save: an emptied address or user clears it (null); the password only when one was typed. */
export function saveBody(draft: WordPressDraft): Checked<unknown> {
  return check(wordpressSettingsBody, {
    wp_url: draft.wp_url.trim() || null,
    wp_username: draft.wp_username.trim() || null,
    ...(draft.wp_app_password.trim() ? { wp_app_password: draft.wp_app_password } : {}),
  });
}

/**
 * Test Connection with what the form shows now, saved or not: each filled field replaces the
 * saved value for this test only; empty ones fall back to the saved settings.
 */
export function testBody(draft: WordPressDraft): Checked<unknown> {
  const body: Record<string, string> = {};
  for (const key of ['wp_url', 'wp_username', 'wp_app_password'] as const)
    if (draft[key].trim()) body[key] = draft[key];
  return check(wordpressTestBody, body);
}
