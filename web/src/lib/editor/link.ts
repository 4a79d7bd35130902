/**
 * What the link dialog accepts as an address: an absolute http(s) URL, or a path on the article's own
 * site ("/guides/leeks/", with an optional query or #fragment). Anything else (javascript:, data:,
 * mailto:, "//host" protocol-relative, spaces) is refused with a sentence the dialog shows, since the
 * server's sanitizer would drop it and the editor would lose the link without saying why.
 */
export type LinkCheck = { ok: true; href: string } | { ok: false; error: string };

export function checkLinkHref(input: string): LinkCheck {
  const href = input.trim();
  if (!href) return { ok: false, error: 'Enter an address.' };
  if (/\s/.test(href)) return { ok: false, error: 'An address has no spaces.' };
  if (href.startsWith('/')) {
    if (href.startsWith('//')) return { ok: false, error: 'Start a path on this site with a single “/”.' };
    return { ok: true, href };
  }
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return { ok: false, error: 'Enter a full address (https://…) or a path on this site (/…).' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return { ok: false, error: 'Only http:// and https:// addresses can be linked.' };
  if (!url.hostname) return { ok: false, error: 'The address needs a host name.' };
  return { ok: true, href };
}
