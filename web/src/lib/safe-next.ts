/**
 * Where to go after signing in: only a path on this site (never `//evil.example` or
 * `https://…`), so ?next= can't be used to send users elsewhere.
 */
export function safeNext(url: URL, fallback = '/'): string {
  const next = url.searchParams.get('next');
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  if (next.startsWith('/signin') || next.startsWith('/signup')) return fallback;
  return next;
}
