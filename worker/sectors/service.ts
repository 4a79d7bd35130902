import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { industrySectors } from '../../core/schema/control';
import * as shard from '../../core/schema/shard';
import { slugify } from '../../core/validation/common';
import { MAX_ACTIVE_SECTORS_PER_SITE, type UpdateSectorBody } from '../../core/validation/sites';
import { forIdsWithinParamLimit, sqlList, type Statement } from '../db/batch';
import { Conflict, LimitReached, ValidationError } from '../http/errors';
import type { Tenant } from '../middleware/tenant';
import { deleteSectorsClusterLinksStatements, deleteSectorsPlanningStatements } from '../planner/sector-cascade';
import { deleteSectorsPagesStatements } from '../inventory/service';
import { deleteSectorsScoresStatements } from '../optimizer/scores';
import { deleteSectorsContentStatements } from '../writer/content-service';
import { deleteSectorsImagesStatements } from '../writer/images-service';
import { deleteSectorsTasksStatements } from '../writer/tasks-service';

const { sectors } = shard;

type NewSector = {
  name: string;
  slug: string;
  description: string;
  industry_sector_id: number | null;
  status: 'active' | 'inactive';
};

const limitMessage = (siteName: string, active: number, adding: number) =>
  `A site has at most ${MAX_ACTIVE_SECTORS_PER_SITE} active sectors; "${siteName}" has ${active}` +
  (adding > 1 ? ` and you are adding ${adding}.` : '.') +
  ' Deactivate or delete one first.';

async function activeCount(tenant: Tenant, siteId: number, exceptId?: number) {
  const row = await tenant.db
    .select({ n: sql<number>`count(*)` })
    .from(sectors)
    .where(
      and(
        eq(sectors.account_id, tenant.account.id),
        eq(sectors.site_id, siteId),
        eq(sectors.status, 'active'),
        exceptId ? ne(sectors.id, exceptId) : undefined,
      ),
    )
    .get();
  return row?.n ?? 0;
}

/** Sector templates by id, with a field error naming any id that isn't one. */
export async function templatesByIds(tenant: Tenant, ids: number[]) {
  if (!ids.length) return [];
  const rows = await tenant.control.select().from(industrySectors).where(inArray(industrySectors.id, ids)).all();
  const missing = ids.filter((id) => !rows.some((r) => r.id === id));
  if (missing.length)
    throw new ValidationError({ industry_sector_id: [`No industry sector template with id ${missing.join(', ')}.`] });
  return ids.map((id) => rows.find((r) => r.id === id)!);
}

/**
 * Inserts sectors for a site in ONE statement that also checks the active-sector limit
 * (INSERT … SELECT … FROM (VALUES …) WHERE active + new ≤ 5): all are added or none, and two
 * concurrent requests can never take a site past the limit.
 */
export async function insertSectors(tenant: Tenant, site: { id: number; name: string }, rows: NewSector[]) {
  const slugs = new Set<string>();
  for (const r of rows) {
    if (slugs.has(r.slug)) throw new ValidationError({ name: [`"${r.name}" is listed twice.`] });
    slugs.add(r.slug);
  }
  const adding = rows.filter((r) => r.status === 'active').length;
  const now = Date.now();
  const values = sql.join(
    rows.map((r) => sql`(${r.name}, ${r.slug}, ${r.description}, ${r.industry_sector_id}, ${r.status})`),
    sql`, `,
  );
  let inserted: { id: number }[];
  try {
    inserted = await tenant.db.all<{ id: number }>(sql`
      INSERT INTO sectors (account_id, site_id, name, slug, description, industry_sector_id, status,
                           created_at, updated_at)
      SELECT ${tenant.account.id}, ${site.id}, v.column1, v.column2, v.column3, v.column4, v.column5, ${now}, ${now}
      FROM (VALUES ${values}) AS v
      WHERE (SELECT count(*) FROM sectors
             WHERE account_id = ${tenant.account.id} AND site_id = ${site.id} AND status = 'active') + ${adding}
            <= ${MAX_ACTIVE_SECTORS_PER_SITE}
      RETURNING id`);
  } catch (err) {
    if (String(err).includes('UNIQUE constraint failed')) {
      throw new Conflict('This site already has a sector with that name.', 'duplicate', {
        name: ['Already a sector of this site.'],
      });
    }
    throw err;
  }
  if (inserted.length === 0)
    throw new LimitReached(limitMessage(site.name, await activeCount(tenant, site.id), adding), 'site_id');
  return tenant.db
    .select()
    .from(sectors)
    .where(
      and(
        eq(sectors.account_id, tenant.account.id),
        inArray(
          sectors.id,
          inserted.map((r) => r.id),
        ),
      ),
    )
    .all();
}

export function sectorFromTemplate(t: Awaited<ReturnType<typeof templatesByIds>>[number]): NewSector {
  return { name: t.name, slug: t.slug, description: t.description, industry_sector_id: t.id, status: 'active' };
}

export function sectorFromInput(input: {
  name: string;
  description?: string | undefined;
  status?: 'active' | 'inactive' | undefined;
}): NewSector {
  return {
    name: input.name,
    slug: slugify(input.name),
    description: input.description ?? '',
    industry_sector_id: null,
    status: input.status ?? 'active',
  };
}

/** Changes a sector; re-activating one is checked against the limit in the same statement. */
export async function updateSector(
  tenant: Tenant,
  sector: typeof sectors.$inferSelect,
  site: { id: number; name: string },
  input: UpdateSectorBody,
) {
  const changes: Partial<typeof sectors.$inferInsert> = { ...input };
  if (input.name) changes.slug = slugify(input.name);
  const activating = input.status === 'active' && sector.status !== 'active';
  try {
    const rows = await tenant.db
      .update(sectors)
      .set(changes)
      .where(
        and(
          eq(sectors.account_id, tenant.account.id),
          eq(sectors.id, sector.id),
          activating
            ? sql`(SELECT count(*) FROM sectors
                   WHERE account_id = ${tenant.account.id} AND site_id = ${site.id} AND status = 'active')
                  < ${MAX_ACTIVE_SECTORS_PER_SITE}`
            : undefined,
        ),
      )
      .returning();
    if (rows.length === 0)
      throw new LimitReached(limitMessage(site.name, await activeCount(tenant, site.id), 1), 'status');
    return rows[0]!;
  } catch (err) {
    if (String(err).includes('UNIQUE constraint failed')) {
      throw new Conflict('This site already has a sector with that name.', 'duplicate', {
        name: ['Already a sector of this site.'],
      });
    }
    throw err;
  }
}

/**
 * The statements deleting sectors and everything planned or written under them (one batch, all
 * or nothing), each under D1's 100 bound parameters.
 */
export function deleteSectorsStatements(tenant: Tenant, sectorIds: number[]): Statement[] {
  const a = tenant.account.id;
  const db = tenant.db;
  // Each table through its owner's service (core/schema/owners.ts), in foreign-key order.
  return [
    ...deleteSectorsClusterLinksStatements(db, a, sectorIds),
    ...deleteSectorsImagesStatements(db, a, sectorIds),
    ...deleteSectorsPagesStatements(a, sectorIds),
    ...deleteSectorsScoresStatements(a, sectorIds),
    ...deleteSectorsContentStatements(db, a, sectorIds),
    ...deleteSectorsTasksStatements(db, a, sectorIds),
    ...deleteSectorsPlanningStatements(db, a, sectorIds),
    ...forIdsWithinParamLimit(sectorIds, (ids) =>
      db.delete(sectors).where(and(eq(sectors.account_id, a), inArray(sectors.id, ids))),
    ),
  ];
}
