/**
 * Where to send someone after signing in, from an untrusted `?next=`: a path of this app, or the
 * fallback (the dashboard). The string is judged the way the browser will read it — after URL
 * parsing against the app's origin, which drops tabs and newlines and reads `\` as `/` — so
 * `/%09/evil.example`, `/\evil.example`, `//evil.example`, `https://evil.example` and
 * `javascript:…` can never leave the site. Pure, so the web app and the tests share it.
 */
export function safeNextPath(next: string | null | undefined, appOrigin: string, fallback = '/'): string {
  // Only an absolute path is a candidate: no scheme, no host, nothing relative to the sign-in page.
  if (!next || !next.startsWith('/')) return fallback;
  let target: URL;
  try {
    target = new URL(next, appOrigin);
  } catch {
    return fallback;
  }
  if (target.origin !== new URL(appOrigin).origin) return fallback;
  // `/.//evil.example` parses to the path `//evil.example`, which a router would follow as a
  // protocol-relative address: the path must start with exactly one slash.
  if (!target.pathname.startsWith('/') || target.pathname.startsWith('//')) return fallback;
  // Back to sign-in or sign-up would loop.
  if (/^\/(signin|signup)(\/|$)/.test(target.pathname)) return fallback;
  return target.pathname + target.search + target.hash;
}
