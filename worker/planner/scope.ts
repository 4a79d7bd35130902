import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { clusters, sectors } from '../../core/schema/shard';
import { chunk } from '../../durable-objects/site-coordinator/ai-function';
import { BadRequest, NotFound, ValidationError } from '../http/errors';
import type { Tenant } from '../middleware/tenant';
import { requireSite, siteScope, type AccessMode } from '../sites/access';

/** Columns every site/sector-scoped planner or writer table has. */
export interface ScopedTable {
  account_id: SQLiteColumn;
  site_id: SQLiteColumn;
  sector_id: SQLiteColumn;
}

/**
 * The WHERE of a list: the account, the sites the user can see, the live sites only, and the
 * optional ?site_id= / ?sector_id= (a site the user can't see is a 404, not an empty list).
 */
export async function scopedWhere(tenant: Tenant, t: ScopedTable, q: { site_id?: number | undefined; sector_id?: number | undefined }): Promise<SQL | undefined> {
  if (q.site_id) await requireSite(tenant, q.site_id, 'read');
  return and(
    eq(t.account_id, tenant.account.id),
    await siteScope(tenant, t.site_id),
    sql`${t.site_id} IN (SELECT id FROM sites WHERE account_id = ${tenant.account.id} AND deleted_at IS NULL)`,
    q.site_id ? eq(t.site_id, q.site_id) : undefined,
    q.sector_id ? eq(t.sector_id, q.sector_id) : undefined,
  );
}

/** The sector a new row goes into: it must belong to the given site, which the user may write. */
export async function requirePlacement(tenant: Tenant, siteId: number, sectorId: number, mode: AccessMode = 'write') {
  const site = await requireSite(tenant, siteId, mode);
  const sector = await tenant.db
    .select()
    .from(sectors)
    .where(and(eq(sectors.account_id, tenant.account.id), eq(sectors.id, sectorId)))
    .get();
  if (!sector) throw new NotFound('Sector');
  if (sector.site_id !== site.id) throw new ValidationError({ sector_id: ['This sector belongs to another site.'] });
  return { site, sector };
}

/** A row of a scoped table by id, if the user can see its site (else 404); `mode` checks writes. */
export async function requireScopedRow<T extends { site_id: number }>(tenant: Tenant, what: string, load: () => Promise<T | undefined>, mode: AccessMode): Promise<T> {
  const row = await load();
  if (!row) throw new NotFound(what);
  try {
    await requireSite(tenant, row.site_id, mode);
  } catch (err) {
    if (err instanceof NotFound) throw new NotFound(what);
    throw err;
  }
  return row;
}

/**
 * The rows of a bulk selection (`ids`) in this account, all of ONE site the user may access in
 * `mode` (AI jobs run per site); otherwise 404 for any id of another account or an unseen site
 * (nothing is revealed), or 400 for a selection spanning sites.
 */
export async function requireSelection(
  tenant: Tenant,
  table: SQLiteTable & ScopedTable & { id: SQLiteColumn },
  ids: number[],
  what: string,
  mode: AccessMode = 'write',
) {
  const unique = [...new Set(ids)];
  const rows: { id: number; site_id: number; sector_id: number }[] = [];
  for (const part of chunk(unique, 90)) {
    rows.push(
      ...((await tenant.db
        .select({ id: table.id, site_id: table.site_id, sector_id: table.sector_id })
        .from(table)
        .where(and(eq(table.account_id, tenant.account.id), inArray(table.id, part)))
        .all()) as { id: number; site_id: number; sector_id: number }[]),
    );
  }
  if (rows.length !== unique.length) throw new NotFound(what);
  const sites = [...new Set(rows.map((r) => r.site_id))];
  if (sites.length > 1) throw new BadRequest(`Select ${what.toLowerCase()}s of one site at a time.`, 'mixed_sites');
  try {
    await requireSite(tenant, sites[0]!, mode);
  } catch (err) {
    if (err instanceof NotFound) throw new NotFound(what);
    throw err;
  }
  return { siteId: sites[0]!, rows };
}

/** `LIKE %term%` with the term's wildcards escaped. */
/**
 * A cluster a row points at (an idea's or a task's `cluster_id`) must be the account's and in the
 * row's site: another account's id, or one nowhere, is "not found" like any foreign id.
 */
export async function requireClusterInSite(tenant: Tenant, siteId: number, clusterId: number | null | undefined) {
  if (clusterId == null) return;
  const found = await tenant.db
    .select({ id: clusters.id })
    .from(clusters)
    .where(and(eq(clusters.account_id, tenant.account.id), eq(clusters.site_id, siteId), eq(clusters.id, clusterId)))
    .get();
  if (!found) throw new NotFound('Cluster');
}

export function likePattern(term: string) {
  return `%${term.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}
