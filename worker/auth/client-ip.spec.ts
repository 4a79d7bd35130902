import { describe, expect, it } from 'vitest';
import { UNKNOWN_CLIENT, clientKey } from './client-ip';

describe('clientKey (the throttle key of CF-Connecting-IP)', () => {
  it.each([
    ['198.51.100.7', '198.51.100.7'],
    [' 198.51.100.7 ', '198.51.100.7'],
    ['0.0.0.0', '0.0.0.0'],
    ['::ffff:198.51.100.7', '198.51.100.7'],
    ['::FFFF:c633:6407', '198.51.100.7'],
    ['2001:db8:aa:1::1', '2001:db8:aa:1::/64'],
    ['2001:0DB8:00AA:0001:ffff:ffff:ffff:ffff', '2001:db8:aa:1::/64'],
    ['2001:db8:aa:1:1::', '2001:db8:aa:1::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['::', '0:0:0:0::/64'],
    ['64:ff9b::198.51.100.7', '64:ff9b:0:0::/64'],
  ])('%s → %s', (header, key) => {
    expect(clientKey(header)).toBe(key);
  });

  it.each([
    [undefined],
    [''],
    ['not-an-ip'],
    ['999.1.1.1'],
    ['1.2.3'],
    ['01.2.3.4'],
    ['1.2.3.4.5'],
    ['2001:db8::1::2'],
    ['2001:db8:1:2:3:4:5:6:7'],
    ['2001:db8:1:2:3:4:5'],
    ['12345::1'],
    ['fe80::1%eth0'],
    ['1.2.3.4::'],
    ['[2001:db8::1]'],
    ['198.51.100.7, 203.0.113.1'],
    ['g::1'],
  ])('%s → the one "unknown" bucket', (header) => {
    expect(clientKey(header)).toBe(UNKNOWN_CLIENT);
  });
});
