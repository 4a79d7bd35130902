import { describe, expect, it, vi } from 'vitest';
import { keywords } from '../../core/schema/shard';
import { memoryShard } from '../../tests/helpers/sqlite-d1';
import type { Tenant } from '../db/tenant';
import { NotFound, ValidationError } from './errors';
import { scopedResource } from './scoped-resource';

/** One account's shard in memory: two sites (the second deleted), one sector, `n` keywords. */
function fixture(n: number) {
  const { d1, db } = memoryShard();
  const now = Date.now();
  d1.sqlite.exec(`INSERT INTO sites (id, account_id, name, slug, seo_metadata, created_at, updated_at)
    VALUES (1, 7, 'Live', 'live', '{}', ${now}, ${now}), (2, 8, 'Other account', 'other', '{}', ${now}, ${now})`);
  d1.sqlite.exec(`INSERT INTO sectors (id, account_id, site_id, name, slug, created_at, updated_at)
    VALUES (1, 7, 1, 'S', 's', ${now}, ${now}), (2, 8, 2, 'S', 's', ${now}, ${now})`);
  const insert = d1.sqlite.prepare(`INSERT INTO keywords
      (account_id, site_id, sector_id, keyword, normalized, volume, created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ${now}, ${now})`);
  for (let i = 1; i <= n; i++) insert.run(7, 1, 1, `k${i}`, `k${i}`, i % 3);
  insert.run(8, 2, 2, 'theirs', 'theirs', 5);
  const tenant = {
    account: { id: 7 },
    user: { id: 1, role: 'owner' },
    db,
    can: () => true,
    accessibleSiteIds: async () => 'all' as const,
  } as unknown as Tenant;
  const ctx = { get: () => tenant } as never;
  return { d1, tenant, ctx };
}

const resource = scopedResource<
  typeof keywords.$inferSelect,
  { page: number; page_size: number; ordering?: string; site_id?: number }
>({
  table: keywords,
  scope: 'site-rows',
  noun: 'Keyword',
  plural: 'keywords',
  tags: [],
  orderable: { volume: keywords.volume, id: keywords.id },
  defaultOrdering: '-volume',
  oneSitePerSelection: true,
});

describe('scopedResource', () => {
  it('pages a list in a stable order (the id breaks ties) with the total count', async () => {
    const { ctx } = fixture(7);
    const first = await resource.list(ctx, { page: 1, page_size: 3 });
    const second = await resource.list(ctx, { page: 2, page_size: 3 });
    expect(first.count).toBe(7);
    expect([...first.rows, ...second.rows].map((r) => [r.volume, r.id])).toEqual([
      [2, 5],
      [2, 2],
      [1, 7],
      [1, 4],
      [1, 1],
      [0, 6],
    ]);
  });

  it('refuses an ordering outside the allow-list, including names every object has', async () => {
    const { ctx } = fixture(1);
    for (const ordering of ['constructor', '-__proto__', 'toString', 'keyword']) {
      await expect(resource.list(ctx, { page: 1, page_size: 3, ordering })).rejects.toBeInstanceOf(ValidationError);
    }
  });

  it('answers 404 for a ?site_id= of another account instead of an empty page', async () => {
    const { ctx } = fixture(1);
    await expect(resource.list(ctx, { page: 1, page_size: 3, site_id: 2 })).rejects.toBeInstanceOf(NotFound);
  });

  it("never shows or selects another account's row, by id or in a selection", async () => {
    const { tenant } = fixture(2);
    await expect(resource.require(tenant, 3, 'read')).rejects.toBeInstanceOf(NotFound);
    await expect(resource.selection(tenant, [1, 3], 'write')).rejects.toBeInstanceOf(NotFound);
  });

  it('deletes 250 rows as ONE batch whose statements each bind at most 100 parameters', async () => {
    const { d1, tenant, ctx } = fixture(250);
    const batch = vi.spyOn(d1, 'batch');
    const { rows, siteIds } = await resource.selection(
      tenant,
      Array.from({ length: 250 }, (_, i) => i + 1),
      'write',
    );
    await resource.remove(ctx, tenant, rows, siteIds);
    expect(batch).toHaveBeenCalledTimes(1);
    const statements = batch.mock.calls[0]![0] as unknown as { sql: string }[];
    expect(statements.length).toBeGreaterThan(2);
    for (const s of statements) expect((s.sql.match(/\?/g) ?? []).length).toBeLessThanOrEqual(100);
    expect(d1.sqlite.prepare('SELECT count(*) AS n FROM keywords').get()).toEqual({ n: 1 });
  });
});
