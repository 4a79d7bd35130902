import { and, eq, inArray } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { clusters, sectors } from '../../core/schema/shard';
import { BadRequest, NotFound, ValidationError } from '../http/errors';
import type { Tenant } from '../middleware/tenant';
import { requireSite, type AccessMode } from '../sites/access';

/** Columns every site/sector-scoped planner or writer table has. */
export interface ScopedTable {
  account_id: SQLiteColumn;
  site_id: SQLiteColumn;
  sector_id: SQLiteColumn;
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
export async function requireScopedRow<T extends { site_id: number }>(
  tenant: Tenant,
  what: string,
  load: () => Promise<T | undefined>,
  mode: AccessMode,
): Promise<T> {
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
  // In parts under D1's 100 bound parameters (the account id is one more).
  for (let at = 0; at < unique.length; at += 90) {
    const part = unique.slice(at, at + 90);
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

/** `LIKE %term%` with the term's wildcards escaped. */
export function likePattern(term: string) {
  return `%${term.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}
