import { describe, expect, it } from 'vitest';
import { checkLinkHref } from './link';

describe('link dialog addresses', () => {
  it('accepts http(s) addresses and paths on the site', () => {
    expect(checkLinkHref(' https://example.com/a?b=1#c ')).toEqual({ ok: true, href: 'https://example.com/a?b=1#c' });
    expect(checkLinkHref('http://example.com')).toMatchObject({ ok: true });
    expect(checkLinkHref('/guides/leeks/')).toEqual({ ok: true, href: '/guides/leeks/' });
  });

  it('refuses what the sanitizer would drop, saying why', () => {
    for (const bad of ['javascript:alert(1)', 'data:text/html,x', 'mailto:a@b.c', '//evil.test/x', 'leeks', ''])
      expect(checkLinkHref(bad).ok, bad).toBe(false);
    expect(checkLinkHref('https://exa mple.com')).toEqual({ ok: false, error: 'An address has no spaces.' });
  });
});
