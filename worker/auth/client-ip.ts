/**
 * The throttle key of a client address. Cloudflare sets CF-Connecting-IP on every request, but the
 * value is parsed rather than trusted as a string: one IPv6 client owns a whole /64 (and can pick any
 * of its 2^64 addresses), so IPv6 is keyed by its /64 prefix, written canonically so that "2001:DB8::1"
 * and "2001:0db8:0:0::2" land in one bucket. IPv4 is keyed by the full address (an IPv4-mapped IPv6
 * address is its IPv4 client). Anything that does not parse shares one fixed bucket, so sending
 * garbage never earns a fresh counter.
 */
export const UNKNOWN_CLIENT = 'unknown';

function parseIPv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes = parts.map((p) => (/^(0|[1-9]\d{0,2})$/.test(p) ? Number(p) : NaN));
  return bytes.every((b) => b <= 255) ? bytes : null;
}

/** The eight 16-bit groups of an IPv6 address (with an optional dotted IPv4 tail), or null. */
function parseIPv6(text: string): number[] | null {
  if (!/^[0-9a-f:.]+$/i.test(text) || text.length > 45) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  // A dotted IPv4 tail may only end the address.
  const groupsOf = (part: string, last: boolean): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (const [i, piece] of pieces.entries()) {
      if (last && i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIPv4(piece);
        if (!v4) return null;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-f]{1,4}$/i.test(piece)) {
        out.push(parseInt(piece, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = groupsOf(halves[0]!, halves.length === 1);
  const tail = halves.length === 2 ? groupsOf(halves[1]!, true) : [];
  if (!head || !tail) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - tail.length;
  return missing >= 1 ? [...head, ...Array<number>(missing).fill(0), ...tail] : null;
}

/** `CF-Connecting-IP` → `198.51.100.7`, `2001:db8:aa:1::/64` or `unknown`. */
export function clientKey(header: string | undefined | null): string {
  const text = (header ?? '').trim();
  const v4 = parseIPv4(text);
  if (v4) return v4.join('.');
  const v6 = parseIPv6(text);
  if (!v6) return UNKNOWN_CLIENT;
  // ::ffff:a.b.c.d is an IPv4 client that reached us over IPv6.
  if (v6.slice(0, 5).every((g) => g === 0) && v6[5] === 0xffff) {
    return [v6[6]! >> 8, v6[6]! & 0xff, v6[7]! >> 8, v6[7]! & 0xff].join('.');
  }
  return `${v6
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}
