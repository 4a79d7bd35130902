import { describe, expect, it } from 'vitest';
import { checkOutboundUrl, loopbackAllowed } from './url-guard';

/** [url, allowed without loopback, allowed with development loopback on] */
type Case = [string, boolean, boolean];

const PUBLIC: Case[] = [
  ['https://api.openai.com/v1', true, true],
  ['https://example.com', true, true],
  ['https://example.com/blog/', true, true],
  ['https://example.com:443/', true, true],
  ['https://example.com:8443/wp', true, true],
  ['https://EXAMPLE.com./', true, true],
  ['https://sub.domain.example.co.uk/path?x=1', true, true],
  ['https://8.8.8.8/', true, true],
  ['https://1.1.1.1/', true, true],
  ['https://100.63.255.255/', true, true],
  ['https://100.128.0.0/', true, true],
  ['https://172.15.255.255/', true, true],
  ['https://172.32.0.1/', true, true],
  ['https://198.17.255.255/', true, true],
  ['https://198.20.0.1/', true, true],
  ['https://223.255.255.255/', true, true],
  ['https://[2606:4700:4700::1111]/', true, true],
  ['https://[2001:4860:4860::8888]/', true, true],
  ['https://[::ffff:8.8.8.8]/', true, true],
  ['https://[64:ff9b::808:808]/', true, true],
  ['https://[2002:808:808::1]/', true, true],
  ['https://xn--bcher-kva.example/', true, true],
];

const SCHEME_PORT_CREDENTIALS: Case[] = [
  ['http://example.com', false, false],
  ['ftp://example.com', false, false],
  ['file:///etc/passwd', false, false],
  ['gopher://example.com', false, false],
  ['javascript:alert(1)', false, false],
  ['data:text/plain,hi', false, false],
  ['https://example.com:8080/', false, false],
  ['https://example.com:22/', false, false],
  ['https://example.com:80/', false, false],
  ['http://example.com:443/', false, false],
  ['https://user:pw@example.com', false, false],
  ['https://user@example.com', false, false],
  ['not a url', false, false],
  ['https://', false, false],
];

const LOOPBACK: Case[] = [
  ['http://127.0.0.1:8799/v1', false, true],
  ['https://127.0.0.1/', false, true],
  ['http://127.255.255.254/', false, true],
  ['http://localhost:8089', false, true],
  ['http://localhost.:8089', false, true],
  ['http://wp.localhost/', false, true],
  ['http://[::1]:8799/', false, true],
  ['http://2130706433/', false, true],
  ['http://0x7f.1/', false, true],
  ['http://0x7f000001/', false, true],
  ['http://0177.0.0.1/', false, true],
  ['http://127.1/', false, true],
  ['http://[::ffff:127.0.0.1]/', false, true],
  ['http://[::ffff:7f00:1]/', false, true],
  ['http://[::127.0.0.1]/', false, true],
  ['http://[64:ff9b::7f00:1]/', false, true],
  ['http://[2002:7f00:1::]/', false, true],
];

const PRIVATE_AND_SPECIAL_V4: Case[] = [
  ['https://0.0.0.0/', false, false],
  ['http://0.0.0.0:8799/', false, false],
  ['https://0/', false, false],
  ['https://0.1.2.3/', false, false],
  ['https://10.0.0.5/wp', false, false],
  ['https://10.255.255.255/', false, false],
  ['https://012.0.0.1/', false, false],
  ['https://167772161/', false, false],
  ['https://100.64.0.1/', false, false],
  ['https://100.127.255.255/', false, false],
  ['https://169.254.169.254/latest/meta-data', false, false],
  ['http://169.254.169.254/', false, false],
  ['https://0xa9fea9fe/', false, false],
  ['https://172.16.0.1/', false, false],
  ['https://172.20.0.1', false, false],
  ['https://172.31.255.255/', false, false],
  ['https://192.0.0.8/', false, false],
  ['https://192.0.2.1/', false, false],
  ['https://192.88.99.1/', false, false],
  ['https://192.168.1.2', false, false],
  ['https://192.168.0.1.', false, false],
  ['https://198.18.0.1/', false, false],
  ['https://198.19.255.255/', false, false],
  ['https://198.51.100.7/', false, false],
  ['https://203.0.113.9/', false, false],
  ['https://224.0.0.1/', false, false],
  ['https://239.255.255.250/', false, false],
  ['https://240.0.0.1/', false, false],
  ['https://255.255.255.255/', false, false],
];

const SPECIAL_V6: Case[] = [
  ['https://[::]/', false, false],
  ['https://[::ffff:10.0.0.1]/', false, false],
  ['https://[::ffff:a00:1]/', false, false],
  ['https://[::ffff:169.254.169.254]/', false, false],
  ['https://[::ffff:0:a00:1]/', false, false],
  ['https://[::10.0.0.1]/', false, false],
  ['https://[::0.0.0.2]/', false, false],
  ['https://[64:ff9b::a9fe:a9fe]/', false, false],
  ['https://[64:ff9b::192.168.0.1]/', false, false],
  ['https://[64:ff9b:1::1]/', false, false],
  ['https://[2002:a00:1::1]/', false, false],
  ['https://[2002:c0a8:101::]/', false, false],
  ['https://[2001::1]/', false, false],
  ['https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', false, false],
  ['https://[2001:2::1]/', false, false],
  ['https://[2001:db8::1]/', false, false],
  ['https://[3fff::1]/', false, false],
  ['https://[fe80::1]/', false, false],
  ['https://[febf::1]/', false, false],
  ['https://[fec0::1]/', false, false],
  ['https://[fc00::1]/', false, false],
  ['https://[fd12:3456::1]/', false, false],
  ['https://[ff02::1]/', false, false],
  ['https://[ff05::2]/', false, false],
  ['https://[100::1]/', false, false],
  ['https://[::2]/', false, false],
  ['http://[fe80::1]/', false, false],
];

const INTERNAL_NAMES: Case[] = [
  ['https://printer.local', false, false],
  ['https://printer.local./', false, false],
  ['https://metadata.google.internal/', false, false],
  ['https://router.home.arpa/', false, false],
  ['https://1.0.0.127.in-addr.arpa/', false, false],
  ['https://nas.lan/', false, false],
  ['https://wiki.corp/', false, false],
  ['https://intranet/', false, false],
  ['https://metadata/', false, false],
  ['https://wordpress./', false, false],
  ['http://intranet:8080/', false, false],
];

describe('checkOutboundUrl', () => {
  const table = [
    ...PUBLIC,
    ...SCHEME_PORT_CREDENTIALS,
    ...LOOPBACK,
    ...PRIVATE_AND_SPECIAL_V4,
    ...SPECIAL_V6,
    ...INTERNAL_NAMES,
  ];

  it('has a table of at least 80 cases', () => expect(table.length).toBeGreaterThanOrEqual(80));

  it.each(table)('%s: allowed %s, with development loopback %s', (url, allowed, allowedWithLoopback) => {
    for (const [loopback, expected] of [
      [false, allowed],
      [true, allowedWithLoopback],
    ] as const) {
      if (expected) expect(() => checkOutboundUrl(url, loopback), `${url} (loopback ${loopback})`).not.toThrow();
      else expect(() => checkOutboundUrl(url, loopback), `${url} (loopback ${loopback})`).toThrow();
    }
  });

  it('names why an address is refused', () => {
    expect(() => checkOutboundUrl('https://169.254.169.254/', true)).toThrow(
      /^Link-local addresses \(including cloud metadata services\) are not allowed\.$/,
    );
    expect(() => checkOutboundUrl('https://[::ffff:10.0.0.1]/', true)).toThrow(
      'Private network addresses in IPv4-mapped IPv6 form are not allowed.',
    );
    expect(() => checkOutboundUrl('https://100.64.1.1/', true)).toThrow(/Carrier-grade NAT/);
    expect(() => checkOutboundUrl('https://192.168.1.20', true)).toThrow(
      /^Private network addresses are not allowed\.$/,
    );
    expect(() => checkOutboundUrl('http://127.0.0.1:8799/v1', false)).toThrow(/Loopback/);
  });

  it('strips trailing dots from the host it returns', () => {
    expect(checkOutboundUrl('https://Example.COM../x', false).hostname).toBe('example.com');
  });

  it('allows loopback only when the dev/test setting says so', () => {
    expect(checkOutboundUrl('http://127.0.0.1:8799/v1', true).port).toBe('8799');
    expect(checkOutboundUrl('http://localhost:8089', true).hostname).toBe('localhost');
  });

  it('turns development loopback on only with ALLOW_LOOPBACK_URLS=true outside production', () => {
    expect(loopbackAllowed({ ALLOW_LOOPBACK_URLS: 'true', APP_ENV: 'development' })).toBe(true);
    expect(loopbackAllowed({ ALLOW_LOOPBACK_URLS: 'true', APP_ENV: 'production' })).toBe(false);
    expect(loopbackAllowed({ ALLOW_LOOPBACK_URLS: 'false', APP_ENV: 'development' })).toBe(false);
    expect(loopbackAllowed({ ALLOW_LOOPBACK_URLS: undefined as unknown as string, APP_ENV: 'development' })).toBe(
      false,
    );
  });
});
