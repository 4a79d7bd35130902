/** Small pure helpers of the renderer: relative links, stable pagination, dates, safe JSON-LD and XML. */
import { htmlToText } from '../../core/html/sanitize';

/**
 * A link from one page to another, relative, so the same files work under /s/<slug>/, /s/<slug>/_v/<n>/,
 * a custom hostname and the preview prefix. `from` null (404.html, served at any missing path): absolute.
 */
export function linkFrom(from: string | null, baseUrl: string, to: string): string {
  const target = to.replace(/^\/+/, '');
  if (from === null) return baseUrl + target;
  const depth = from.split('/').filter(Boolean).length;
  return '../'.repeat(depth) + target || './';
}

export interface ListPage<T> {
  /** 1 = the newest items; archive pages 2… are counted from the oldest. */
  page: number;
  items: T[];
}

/**
 * Stable pagination of a newest-first list: the oldest items fill archive pages from page 2 up, in
 * full chunks counted from the oldest, and page 1 holds the newest remainder (1..perPage items). A
 * new item therefore changes page 1 only; an archive page's items never move once it exists (when
 * page 1 overflows, a new archive page appears and page 1 restarts with the new item alone).
 */
export function paginateStably<T>(newestFirst: T[], perPage: number): ListPage<T>[] {
  const total = newestFirst.length;
  const archived = total === 0 ? 0 : Math.floor((total - 1) / perPage);
  const oldestFirst = [...newestFirst].reverse();
  const pages: ListPage<T>[] = [{ page: 1, items: newestFirst.slice(0, total - archived * perPage) }];
  for (let chunk = archived - 1; chunk >= 0; chunk--) {
    const items = oldestFirst.slice(chunk * perPage, (chunk + 1) * perPage).reverse();
    pages.push({ page: chunk + 2, items });
  }
  return pages;
}

/** Newer → older: page 1 → the newest archive page (the highest number) → … → page 2. */
export function olderPageOf(page: number, pageCount: number): number | null {
  if (page === 1) return pageCount > 1 ? pageCount : null;
  return page > 2 ? page - 1 : null;
}

export function readingMinutes(wordCount: number, html: string): number {
  const words = wordCount > 0 ? wordCount : htmlToText(html).split(/\s+/).filter(Boolean).length;
  return Math.max(1, Math.round(words / 220));
}

export function dateFormatter(lang: string): (ms: number) => string {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat(lang, { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
  } catch {
    format = new Intl.DateTimeFormat('en', { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
  }
  return (ms) => format.format(new Date(ms));
}

export const isoDate = (ms: number) => new Date(ms).toISOString();

/**
 * JSON-LD as <script> elements. `<`, `>`, `&` and the JS line separators are \u-escaped, so no string
 * from a model or a user (a title holding "</script>") can end the element or start markup.
 */
export function jsonLdHtml(objects: object[]): string {
  return objects
    .map((object) => {
      const json = JSON.stringify({ '@context': 'https://schema.org', ...object })
        .replace(/</g, '\\u003c')
        .replace(/>/g, '\\u003e')
        .replace(/&/g, '\\u0026')
        .replace(/\u2028/g, '\\u2028')
        .replace(/\u2029/g, '\\u2029');
      return `<script type="application/ld+json">${json}</script>`;
    })
    .join('\n');
}

/** Text for XML element content and attribute values (sitemap, feed). */
export function xmlEscape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '');
}
