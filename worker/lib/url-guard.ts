import { BadRequest } from '../http/errors';
import type { Env } from '../env';

/**
 * The one guard for outbound URLs a tenant can influence (AI and Runware base URLs, WordPress
 * sites), checked when the URL is saved AND before every request and every redirect hop
 * (worker/lib/outbound-fetch.ts): settings saved before a rule existed, or a host whose redirect
 * points somewhere else, must not reach a private or special address.
 *
 * Only global unicast is allowed. IP literals are judged after the WHATWG URL parser has
 * normalised them (so http://2130706433/, http://0x7f.1/ and http://127.1/ are all 127.0.0.1, and
 * IPv6 is canonical hex), and IPv6 forms that embed an IPv4 address (mapped, compatible, NAT64,
 * 6to4) are judged by that address. Names that only resolve inside a network (localhost,
 * *.local, *.internal, *.home.arpa, single labels) are refused by name: we cannot see DNS here.
 * Only the scheme's default port (and 8443 for https) may be used, and only https — except that
 * when loopback is allowed (local development and tests: ALLOW_LOOPBACK_URLS, never in production)
 * loopback addresses may be called over http on any port; every other category stays refused.
 */

export type HostClass = { kind: 'public' } | { kind: 'loopback' } | { kind: 'refused'; why: string };

const PUBLIC: HostClass = { kind: 'public' };
const LOOPBACK: HostClass = { kind: 'loopback' };
const refused = (why: string): HostClass => ({ kind: 'refused', why });

/** Development loopback is on only when explicitly switched on, and never in production. */
export const loopbackAllowed = (env: Pick<Env, 'ALLOW_LOOPBACK_URLS' | 'APP_ENV'>) =>
  env.ALLOW_LOOPBACK_URLS === 'true' && env.APP_ENV !== 'production';

/** [first address as a 32-bit number, prefix length, what it is (the subject of "… are not allowed.")] */
const V4_SPECIAL: [number, number, string][] = [
  [ip4(0, 0, 0, 0), 8, '"This network" addresses (0.0.0.0/8)'],
  [ip4(10, 0, 0, 0), 8, 'Private network addresses'],
  [ip4(100, 64, 0, 0), 10, 'Carrier-grade NAT addresses'],
  [ip4(127, 0, 0, 0), 8, 'loopback'],
  [ip4(169, 254, 0, 0), 16, 'Link-local addresses (including cloud metadata services)'],
  [ip4(172, 16, 0, 0), 12, 'Private network addresses'],
  [ip4(192, 0, 0, 0), 24, 'IETF protocol assignments'],
  [ip4(192, 0, 2, 0), 24, 'Documentation addresses'],
  [ip4(192, 88, 99, 0), 24, '6to4 relay addresses'],
  [ip4(192, 168, 0, 0), 16, 'Private network addresses'],
  [ip4(198, 18, 0, 0), 15, 'Benchmarking addresses'],
  [ip4(198, 51, 100, 0), 24, 'Documentation addresses'],
  [ip4(203, 0, 113, 0), 24, 'Documentation addresses'],
  [ip4(224, 0, 0, 0), 4, 'Multicast addresses'],
  [ip4(240, 0, 0, 0), 4, 'Reserved addresses (including broadcast)'],
];

function ip4(a: number, b: number, c: number, d: number): number {
  return ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
}

function inV4(addr: number, base: number, bits: number): boolean {
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (addr & mask) >>> 0 === base;
}

export function classifyIPv4(addr: number): HostClass {
  for (const [base, bits, what] of V4_SPECIAL) {
    if (inV4(addr, base, bits)) return what === 'loopback' ? LOOPBACK : refused(what);
  }
  return PUBLIC;
}

/** The 8 groups of a canonical IPv6 literal (brackets removed); null when it is not one. */
function parseIPv6(text: string): number[] | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const part = (s: string) => (s ? s.split(':').map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN)) : []);
  const head = part(halves[0]!);
  const tail = halves.length === 2 ? part(halves[1]!) : [];
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const groups = [...head, ...new Array<number>(fill).fill(0), ...tail];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g)) ? groups : null;
}

const v4At = (g: number[], i: number) => ((g[i]! << 16) >>> 0) + g[i + 1]!;
const embedded = (g: number[], i: number, form: string): HostClass => {
  const inner = classifyIPv4(v4At(g, i));
  return inner.kind === 'refused' ? refused(`${inner.why} in ${form} IPv6 form`) : inner;
};

export function classifyIPv6(g: number[]): HostClass {
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 8)) return refused('Unspecified addresses (::)');
  if (zeros(0, 7) && g[7] === 1) return LOOPBACK;
  if (zeros(0, 5) && g[5] === 0xffff) return embedded(g, 6, 'IPv4-mapped'); // ::ffff:a.b.c.d
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return embedded(g, 6, 'IPv4-translated'); // ::ffff:0:a.b.c.d
  if (zeros(0, 6)) return embedded(g, 6, 'IPv4-compatible'); // ::a.b.c.d
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return embedded(g, 6, 'NAT64'); // 64:ff9b::/96
  if (g[0] === 0x2002) return embedded(g, 1, '6to4'); // 2002:AABB:CCDD::/48
  const top = g[0]!;
  if (top === 0x64 && g[1] === 0xff9b) return refused('Local-use NAT64 addresses');
  if (top === 0x2001 && g[1]! < 0x200) {
    // 2001::/23, IETF protocol assignments: Teredo (2001::/32), benchmarking, ORCHID, …
    return refused(g[1] === 0 ? 'Teredo addresses' : 'IETF protocol assignments');
  }
  if (top === 0x2001 && g[1] === 0x0db8) return refused('Documentation addresses');
  if (top === 0x3fff && g[1]! < 0x1000) return refused('Documentation addresses'); // 3fff::/20
  if ((top & 0xffc0) === 0xfe80) return refused('Link-local addresses');
  if ((top & 0xffc0) === 0xfec0) return refused('Site-local addresses');
  if ((top & 0xfe00) === 0xfc00) return refused('Unique local (private) addresses');
  if ((top & 0xff00) === 0xff00) return refused('Multicast addresses');
  if ((top & 0xe000) !== 0x2000) return refused('Addresses outside global unicast');
  return PUBLIC;
}

/** Names that only mean something inside a network; a name ending in one of these is refused. */
const INTERNAL_SUFFIXES = ['local', 'internal', 'arpa', 'localdomain', 'lan', 'intranet', 'corp', 'home', 'private'];

export function classifyHost(hostname: string): HostClass {
  const host = hostname.toLowerCase().replace(/\.+$/, '');
  if (!host) return refused('Empty host names');
  if (host.startsWith('[')) {
    const groups = parseIPv6(host.slice(1, -1));
    return groups ? classifyIPv6(groups) : refused('Invalid IPv6 addresses');
  }
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (v4) return classifyIPv4(ip4(+v4[1]!, +v4[2]!, +v4[3]!, +v4[4]!));
  const labels = host.split('.');
  const tld = labels[labels.length - 1]!;
  if (tld === 'localhost') return LOOPBACK;
  if (labels.length < 2) return refused('Single-label names (they only resolve inside a network)');
  if (INTERNAL_SUFFIXES.includes(tld)) return refused(`.${tld} names (they only resolve inside a network)`);
  // The URL parser has already turned numeric hosts into IPv4; a numeric last label that is left is not a name.
  if (/^(\d+|0x[0-9a-f]*)$/.test(tld)) return refused('Invalid host names');
  return PUBLIC;
}

/** Parses and checks a URL; throws BadRequest (`invalid_url` / `url_not_allowed`) with the reason. */
export function checkOutboundUrl(raw: string | URL, allowLoopback: boolean): URL {
  let url: URL;
  try {
    url = new URL(String(raw));
  } catch {
    throw new BadRequest('Not a valid URL.', 'invalid_url');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new BadRequest('Use an https:// URL.', 'url_not_allowed');
  if (url.username || url.password)
    throw new BadRequest('URLs with credentials in them are not accepted.', 'invalid_url');
  // "example.com." is example.com: strip the dots so name rules and Host headers see one form.
  if (url.hostname.endsWith('.')) url.hostname = url.hostname.replace(/\.+$/, '');
  const host = classifyHost(url.hostname);
  if (host.kind === 'refused') throw new BadRequest(`${host.why} are not allowed.`, 'url_not_allowed');
  if (host.kind === 'loopback') {
    if (allowLoopback) return url;
    throw new BadRequest('Loopback addresses are not allowed.', 'url_not_allowed');
  }
  if (url.protocol !== 'https:') throw new BadRequest('Use an https:// URL.', 'url_not_allowed');
  if (url.port !== '' && url.port !== '8443')
    throw new BadRequest(`Port ${url.port} is not allowed: use the default https port (or 8443).`, 'url_not_allowed');
  return url;
}
