import { describe, expect, it } from 'vitest';
import type { WordPressClient } from '../wordpress-client';
import { gmtMs, itemOf, readAll, readPage } from './wordpress-pull';

/** A WordPress that answers list reads from `items` the way the REST API does with `_envelope`. */
function fakeWordPress(items: Record<string, unknown>[]) {
  const calls: Record<string, string | number>[] = [];
  const client = {
    async request(_method: string, _path: string, opts: { query: Record<string, string | number> }) {
      calls.push(opts.query);
      const perPage = Number(opts.query.per_page);
      const page = Number(opts.query.page);
      const pages = Math.ceil(items.length / perPage);
      if (page > Math.max(pages, 1))
        return { data: { status: 400, body: { code: 'rest_post_invalid_page_number', message: 'too far' } } };
      const body = items.slice((page - 1) * perPage, page * perPage);
      return {
        data: { status: 200, body, headers: { 'X-WP-Total': items.length, 'X-WP-TotalPages': pages } },
      };
    },
  } as unknown as WordPressClient;
  return { client, calls };
}

const post = (id: number) => ({
  id,
  link: `https://example.com/p-${id}/`,
  title: { rendered: `Tomatoes &amp; basil <em>${id}</em>` },
  date_gmt: '2026-12-01T10:00:00',
  modified_gmt: '2026-12-02T14:10:29',
  content: { rendered: '<p>Body</p>' },
  excerpt: { rendered: '<p>Short</p>' },
  categories: [3, 'x', 4],
});

describe('wordpress-pull', () => {
  it('reads modified_gmt as UTC (WordPress omits the zone)', () => {
    expect(gmtMs('2026-12-02T14:10:29')).toBe(Date.UTC(2026, 11, 2, 14, 10, 29));
    expect(gmtMs('')).toBeNull();
    expect(gmtMs(undefined)).toBeNull();
  });

  it('decodes titles, keeps term ids, and reads names for terms', () => {
    expect(itemOf(post(7))).toMatchObject({
      id: 7,
      title: 'Tomatoes & basil 7',
      categories: [3, 4],
      modifiedAt: Date.UTC(2026, 11, 2, 14, 10, 29),
    });
    expect(itemOf({ id: 9, name: 'Herbs &amp; spices', slug: 'herbs', link: 'x' })).toMatchObject({
      title: 'Herbs & spices',
      slug: 'herbs',
      modifiedAt: null,
    });
    expect(itemOf({ id: 0 })).toBeNull();
  });

  it('pages by X-WP-TotalPages and never asks past the last page', async () => {
    const wp = fakeWordPress(Array.from({ length: 250 }, (_, i) => post(i + 1)));
    const first = await readPage(wp.client, 'posts', 1, { withBody: true });
    expect(first).toMatchObject({ total: 250, totalPages: 3 });
    expect(first.items).toHaveLength(100);
    expect(wp.calls[0]).toMatchObject({ per_page: 100, _envelope: 1 });
    expect(String(wp.calls[0]!._fields)).toContain('content');
    const all = await readAll(wp.client, 'posts');
    expect(all).toHaveLength(250);
    expect(wp.calls.slice(1).map((q) => q.page)).toEqual([1, 2, 3]);
    // List reads without bodies ask for no content.
    await readPage(wp.client, 'posts', 1);
    expect(String(wp.calls.at(-1)!._fields)).not.toContain('content');
  });

  it('turns an error inside the envelope into a WordPressError', async () => {
    const wp = fakeWordPress([]);
    await expect(readPage(wp.client, 'posts', 5)).rejects.toMatchObject({ name: 'WordPressError' });
  });
});
