import { describe, expect, it } from 'vitest';
import { checkOutboundUrl } from './url-guard';

describe('checkOutboundUrl', () => {
  it('accepts public https URLs', () => {
    expect(checkOutboundUrl('https://api.openai.com/v1', false).host).toBe('api.openai.com');
  });

  it.each(['http://example.com', 'ftp://example.com', 'https://10.0.0.5/wp', 'https://192.168.1.2', 'https://172.20.0.1', 'https://169.254.169.254/latest', 'https://printer.local', 'https://user:pw@example.com', 'not a url'])(
    'refuses %s',
    (url) => expect(() => checkOutboundUrl(url, true)).toThrow(),
  );

  it('allows loopback only when the dev/test setting says so', () => {
    expect(() => checkOutboundUrl('http://127.0.0.1:8799/v1', false)).toThrow(/Loopback/);
    expect(checkOutboundUrl('http://127.0.0.1:8799/v1', true).port).toBe('8799');
    expect(checkOutboundUrl('http://localhost:8089', true).hostname).toBe('localhost');
  });
});
