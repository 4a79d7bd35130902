/**
 * `<img src="/media/…">` can't send the Authorization header, so the worker also accepts the
 * access token from the httpOnly `igny8_media` cookie (path /media). The auth routes set it with
 * every token they issue to the browser (sign-in, sign-up, refresh), with the token's lifetime:
 * a fresh access token therefore means a fresh cookie. Script can't read the cookie, so the page
 * keeps the token fresh before showing thumbnails and renews it once when an image is refused.
 */
import { freshAccessToken } from '$lib/api/client';

/** Longer than it takes to load a page of thumbnails. */
const MIN_SECONDS_LEFT = 120;
/** A forced refresh rotates the refresh token: at most once a minute, whatever fails. */
const FORCE_INTERVAL_MS = 60_000;

let renewing: Promise<unknown> | null = null;
let forcedAt = 0;

/** Refreshes the token (and so the cookie) if it expires soon; no request otherwise. */
export function keepMediaCookieFresh(): Promise<unknown> {
  return freshAccessToken(MIN_SECONDS_LEFT);
}

/**
 * An image was refused (the cookie expired or is missing): get a new token, which sets a new
 * cookie. Shared by every thumbnail that failed at the same time.
 */
export function renewMediaCookie(): Promise<unknown> {
  renewing ??= (async () => {
    const force = Date.now() - forcedAt > FORCE_INTERVAL_MS;
    if (force) forcedAt = Date.now();
    await freshAccessToken(MIN_SECONDS_LEFT, force);
  })().finally(() => (renewing = null));
  return renewing;
}
