import { getTableColumns, getTableName, is } from 'drizzle-orm';
import { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as shard from './shard';
import { TENANT_TABLE_NAMES, tenantTables } from './tenant-tables';

const shardTables = Object.values(shard as Record<string, unknown>).filter((v): v is SQLiteTable => is(v, SQLiteTable));

describe('the tenant table catalogue', () => {
  it('names every table of the shard schema, once, in the order of TENANT_TABLE_NAMES', () => {
    const catalogued = tenantTables.map((t) => t.name);
    expect([...catalogued].sort()).toEqual(shardTables.map(getTableName).sort());
    expect(new Set(catalogued).size).toBe(catalogued.length);
    expect(catalogued).toEqual([...TENANT_TABLE_NAMES]);
    for (const t of tenantTables) expect(getTableName(t.table)).toBe(t.name);
  });

  it('declares only columns that exist, and every *_id integer column of another tenant table', () => {
    const notTenantIds = new Set(['account_id', 'user_id', 'industry_id', 'industry_sector_id', 'wp_post_id']);
    for (const t of tenantTables) {
      const columns = getTableColumns(t.table);
      const names = Object.values(columns).map((c) => c.name);
      for (const col of [...Object.keys(t.refs), ...Object.keys(t.json ?? {}), ...(t.keys ?? []), ...(t.secrets ?? [])])
        expect(names, `${t.name}.${col}`).toContain(col);
      const idColumns = Object.values(columns)
        .filter((c) => c.name.endsWith('_id') && c.dataType === 'number' && !c.name.endsWith('_user_id'))
        .map((c) => c.name)
        .filter((n) => !notTenantIds.has(n) && !n.startsWith('wp_') && !n.startsWith('destination'));
      for (const col of idColumns) expect(Object.keys(t.refs), `${t.name}.${col} is not in refs`).toContain(col);
      expect(names.includes('id')).toBe(t.id !== null);
    }
  });

  it('points every reference at a catalogued table that is copied before it (or patched after)', () => {
    const order = new Map(tenantTables.map((t, i) => [t.name, i]));
    const forward: string[] = [];
    for (const [i, t] of tenantTables.entries())
      for (const [col, target] of Object.entries(t.refs)) {
        if (typeof target === 'function') continue;
        expect(order.has(target), `${t.name}.${col}`).toBe(true);
        if (order.get(target)! >= i) forward.push(`${t.name}.${col}`);
      }
    // The only back references; the mover patches them once their target is copied.
    expect(forward.sort()).toEqual(['page_blueprints.parent_id', 'tasks.content_id']);
  });
});
