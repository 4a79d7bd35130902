import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { sites } from '../../core/schema/shard';
import type { Tenant } from '../db/tenant';
import { Forbidden, NotFound } from './errors';

/**
 * Site-level access, used by every site-scoped route: a site the user cannot see is "not found"
 * (never 403, so ids of other tenants or ungranted sites reveal nothing); a site they can see but
 * not change is 403. Platform code (the scoped-resource helper builds on it), so it lives here and
 * not in the sites feature.
 */
export type AccessMode = 'read' | 'write';

/** SQL condition limiting `siteColumn` to the sites this user may see (undefined: all of the account's). */
export async function siteScope(tenant: Tenant, siteColumn: SQLiteColumn): Promise<SQL | undefined> {
  const ids = await tenant.accessibleSiteIds();
  if (ids === 'all') return undefined;
  return ids.length ? inArray(siteColumn, ids) : sql`0`;
}

/** A live site of the account that the user may see (else 404); `write` also needs data:write (else 403). */
export async function requireSite(tenant: Tenant, siteId: number, mode: AccessMode) {
  const [site, ids] = await Promise.all([
    tenant.db
      .select()
      .from(sites)
      .where(and(eq(sites.account_id, tenant.account.id), eq(sites.id, siteId), isNull(sites.deleted_at)))
      .get(),
    tenant.accessibleSiteIds(),
  ]);
  if (!site || (ids !== 'all' && !ids.includes(site.id))) throw new NotFound('Site');
  if (mode === 'write' && !tenant.can('data:write')) {
    throw new Forbidden(`Your role (${tenant.user.role}) can only read this site.`);
  }
  return site;
}

/** requireSite for a row of a site: a site the user can't see makes the row itself "not found". */
export async function requireSiteOf(tenant: Tenant, siteId: number, mode: AccessMode, what: string) {
  try {
    return await requireSite(tenant, siteId, mode);
  } catch (err) {
    if (err instanceof NotFound) throw new NotFound(what);
    throw err;
  }
}
