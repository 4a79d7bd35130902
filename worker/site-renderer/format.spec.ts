import { describe, expect, it } from 'vitest';
import { jsonLdHtml, linkFrom, olderPageOf, paginateStably, xmlEscape } from './format';
import { accentVariables, contrast } from './style';

const ids = (n: number) => Array.from({ length: n }, (_, i) => n - i); // newest first

describe('paginateStably', () => {
  it('fills archive pages from the oldest and keeps the newest remainder on page 1', () => {
    expect(paginateStably([], 3)).toEqual([{ page: 1, items: [] }]);
    expect(paginateStably(ids(3), 3)).toEqual([{ page: 1, items: [3, 2, 1] }]);
    expect(paginateStably(ids(4), 3)).toEqual([
      { page: 1, items: [4] },
      { page: 2, items: [3, 2, 1] },
    ]);
    expect(paginateStably(ids(8), 3)).toEqual([
      { page: 1, items: [8, 7] },
      { page: 3, items: [6, 5, 4] },
      { page: 2, items: [3, 2, 1] },
    ]);
  });

  it('never moves an item between archive pages as newer items arrive', () => {
    const pageOf = new Map<number, number>();
    for (let n = 1; n <= 40; n++) {
      for (const { page, items } of paginateStably(ids(n), 4)) {
        if (page === 1) continue;
        for (const item of items) {
          expect(pageOf.get(item) ?? page, `item ${item} at n=${n}`).toBe(page);
          pageOf.set(item, page);
        }
      }
    }
  });

  it('links older pages newest to oldest', () => {
    expect(olderPageOf(1, 1)).toBeNull();
    expect(olderPageOf(1, 4)).toBe(4);
    expect(olderPageOf(4, 4)).toBe(3);
    expect(olderPageOf(2, 4)).toBeNull();
  });
});

describe('links and escaping', () => {
  it('links relatively from a page, absolutely from the 404 page', () => {
    expect(linkFrom('', 'https://x.test/', 'blog/')).toBe('blog/');
    expect(linkFrom('blog/a/', 'https://x.test/', '')).toBe('../../');
    expect(linkFrom('blog/a/', 'https://x.test/', '/assets/a.png')).toBe('../../assets/a.png');
    expect(linkFrom('', 'https://x.test/', '')).toBe('./');
    expect(linkFrom(null, 'https://x.test/s/a/', 'blog/')).toBe('https://x.test/s/a/blog/');
  });

  it('writes JSON-LD no string can break out of', () => {
    const html = jsonLdHtml([{ '@type': 'Thing', name: '</script><script>alert(1)</script>&\u2028' }]);
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(html).not.toContain('<script>');
    const json = /<script type="application\/ld\+json">(.*)<\/script>/s.exec(html)?.[1] ?? '';
    expect(JSON.parse(json).name).toBe('</script><script>alert(1)</script>&\u2028');
  });

  it('escapes XML text and drops characters XML cannot hold', () => {
    expect(xmlEscape(`<a href="x">&'\u0001`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
  });
});

describe('accent colour', () => {
  const hex = (css: string, name: string) => new RegExp(`--${name}:#([0-9a-f]{6})`).exec(css)?.[1] ?? '';
  const rgb = (h: string) => [0, 2, 4].map((i) => Number.parseInt(h.slice(i, i + 2), 16)) as [number, number, number];

  it('keeps a dark accent and darkens a light one until text in it reads on white (4.5:1)', () => {
    expect(hex(accentVariables('#1f6f43'), 'accent-text')).toBe('1f6f43');
    for (const accent of ['#ffff00', '#a0e0ff', '#ffffff', '#ff8800']) {
      const css = accentVariables(accent);
      expect(contrast(rgb(hex(css, 'accent-text')), [255, 255, 255]), accent).toBeGreaterThanOrEqual(4.5);
      const fill = rgb(hex(css, 'accent'));
      expect(contrast(fill, rgb(hex(css, 'on-accent'))), accent).toBeGreaterThanOrEqual(4.5);
    }
  });
});
