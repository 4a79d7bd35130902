import { safeNextPath } from '$core/navigation/safe-next';

/**
 * Where to go after signing in or up: the `?next=` of this page's URL when it is a path of this
 * app (judged after URL parsing, see core/navigation/safe-next.ts), otherwise the dashboard.
 */
export function safeNext(url: URL, fallback = '/'): string {
  return safeNextPath(url.searchParams.get('next'), url.origin, fallback);
}
