import { BadRequest } from '../http/errors';

/**
 * User-supplied outbound URLs (AI base URLs, WordPress sites): https only, never a private,
 * link-local or loopback address — except loopback over http when ALLOW_LOOPBACK_URLS is "true"
 * (local development and tests, where the dev model server and WordPress run on 127.0.0.1).
 * Hostnames are checked as written; Workers' fetch does not reach private networks anyway, and
 * redirects are followed manually and re-checked by the callers that follow them.
 */
const PRIVATE_V4 = [/^10\./, /^172\.(1[6-9]|2\d|3[01])\./, /^192\.168\./, /^169\.254\./, /^0\./, /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./];
const LOOPBACK = (host: string) => host === 'localhost' || /^127\./.test(host) || host === '[::1]' || host === '::1';

export function checkOutboundUrl(raw: string, allowLoopback: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BadRequest('Not a valid URL.', 'invalid_url');
  }
  const host = url.hostname.toLowerCase();
  if (url.username || url.password) throw new BadRequest('URLs with credentials in them are not accepted.', 'invalid_url');
  if (LOOPBACK(host)) {
    if (allowLoopback && (url.protocol === 'http:' || url.protocol === 'https:')) return url;
    throw new BadRequest('Loopback addresses are not allowed.', 'url_not_allowed');
  }
  if (url.protocol !== 'https:') throw new BadRequest('Use an https:// URL.', 'url_not_allowed');
  if (PRIVATE_V4.some((re) => re.test(host)) || /^\[?(fc|fd|fe8|fe9|fea|feb)/i.test(host) || host.endsWith('.local') || host.endsWith('.internal') || host === '0.0.0.0') {
    throw new BadRequest('Private network addresses are not allowed.', 'url_not_allowed');
  }
  return url;
}
