import { describe, expect, it } from 'vitest';
import { pageKey, urlKey } from './urls';

const ORIGIN = 'https://bakery.example';

describe('urlKey', () => {
  it('gives one key to every spelling of a page on the site', () => {
    const spellings = [
      '/blog/rye',
      '/blog/rye/',
      `${ORIGIN}/blog/rye`,
      'https://BAKERY.example/blog/rye?utm=x#top',
      `${ORIGIN}/blog/./rye/`,
    ];
    expect(new Set(spellings.map((s) => urlKey(s, ORIGIN)))).toEqual(new Set(['/blog/rye']));
    expect(urlKey(`${ORIGIN}/`, ORIGIN)).toBe('/');
    expect(urlKey('/blog/caf%C3%A9', ORIGIN)).toBe(urlKey('/blog/café', ORIGIN));
  });

  it('keeps other sites apart, and paths case-sensitive', () => {
    expect(urlKey('https://other.example/blog/rye', ORIGIN)).toBe('https://other.example/blog/rye');
    expect(urlKey(`${ORIGIN}.evil.example/blog/rye`, ORIGIN)).not.toBe('/blog/rye');
    expect(urlKey('//other.example/blog/rye', ORIGIN)).not.toBe('/blog/rye');
    expect(urlKey('/Blog/Rye', ORIGIN)).not.toBe('/blog/rye');
  });

  it('reads an absolute page URL on its own origin when the site origin is not given', () => {
    expect(pageKey(`${ORIGIN}/blog/rye/`, null)).toBe('/blog/rye');
  });
});
