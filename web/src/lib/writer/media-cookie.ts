/**
 * `<img src="/media/…">` can't send the Authorization header, so /media also accepts the httpOnly
 * `igny8_media` cookie (path /media). It holds a media ticket, never the access token: the page
 * asks for one (POST /api/v1/auth/tickets/) before showing images, and the ticket expires with the
 * access token it was issued under. Script can't read the cookie, so this module remembers when
 * it expires, asks again when it expires soon, and once more when an image is refused.
 */
import { freshAccessToken } from '$lib/api/client';
import { mediaTicket } from '$lib/realtime/tickets';

/** Longer than it takes to load a page of thumbnails. */
const MIN_SECONDS_LEFT = 120;
/** A forced refresh rotates the refresh token: at most once a minute, whatever fails. */
const FORCE_INTERVAL_MS = 60_000;

let renewing: Promise<unknown> | null = null;
let forcedAt = 0;
let cookieExpiresAt = 0;

async function issue(force: boolean) {
  await freshAccessToken(MIN_SECONDS_LEFT, force);
  cookieExpiresAt = await mediaTicket().catch(() => 0);
}

/** Sets a new media cookie if the current one expires soon (or was never set); no request otherwise. */
export function keepMediaCookieFresh(): Promise<unknown> {
  if (cookieExpiresAt - Date.now() > MIN_SECONDS_LEFT * 1000) return Promise.resolve();
  renewing ??= issue(false).finally(() => (renewing = null));
  return renewing;
}

/**
 * An image was refused (the cookie expired, is missing, or the session changed): get a new
 * access token and a new media ticket. Shared by every thumbnail that failed at the same time.
 */
export function renewMediaCookie(): Promise<unknown> {
  renewing ??= (async () => {
    const force = Date.now() - forcedAt > FORCE_INTERVAL_MS;
    if (force) forcedAt = Date.now();
    await issue(force);
  })().finally(() => (renewing = null));
  return renewing;
}
