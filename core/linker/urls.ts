/**
 * One key per page address, so "/blog/bread/", "https://bakery.example/blog/bread" and
 * "https://BAKERY.example/blog/bread?utm=x#top" are the same page: the path on the site's origin,
 * without query, fragment or trailing slash. External hrefs keep their whole origin in the key.
 */
import { isInternal } from '../optimizer/links';

const BASE = 'https://internal.invalid';

// The common case — a plain ASCII path, relative or on the origin — without URL parsing (5,000
// pages per index build); anything URL would rewrite (dot segments, escapes, non-ASCII) goes to URL.
const PLAIN_PATH = /^\/(?!\/)[A-Za-z0-9\-_~/]*(?:[?#].*)?$/;

export function urlKey(href: string, siteOrigin: string | null | undefined): string {
  const trimmed = href.trim();
  const origin = siteOrigin?.replace(/\/+$/, '');
  const rest =
    origin && trimmed.length > origin.length && trimmed.slice(0, origin.length).toLowerCase() === origin.toLowerCase()
      ? trimmed.slice(origin.length)
      : trimmed;
  if (PLAIN_PATH.test(rest)) return rest.replace(/[?#].*$/, '').replace(/\/+$/, '') || '/';
  const internal = isInternal(trimmed, siteOrigin ?? null);
  let url: URL;
  try {
    url = new URL(trimmed, siteOrigin || BASE);
  } catch {
    return trimmed.toLowerCase();
  }
  const path = url.pathname.replace(/\/+$/, '') || '/';
  return internal ? path : `${url.origin}${path}`;
}

/** The key of an inventory page's URL (stored absolute or relative; both on the site's origin). */
export const pageKey = (url: string, siteOrigin: string | null | undefined) => urlKey(url, siteOrigin || originOf(url));

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
