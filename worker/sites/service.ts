import { and, asc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { forIdsWithinParamLimit } from '../db/batch';
import { planOf } from '../catalog/plan';
import { authorProfiles, sites, type SiteRow } from '../../core/schema/shard';
import { slugify } from '../../core/validation/common';
import type { CreateSiteBody, UpdateSiteBody } from '../../core/validation/sites';
import type { ShardDb } from '../db/shards';
import { Conflict, LimitReached, ValidationError } from '../http/errors';
import { assertCan, type Tenant } from '../middleware/tenant';
import { siteScope } from './access';

/**
 * What the API shows of a site. Its WordPress connection is the site's integration
 * (worker/integration, `GET /publisher/sites/:id/wordpress/`), not part of the site row.
 */
export function publicSite(site: SiteRow) {
  const { deleted_at: _deleted, ...rest } = site;
  return rest;
}

export async function accessibleSites(tenant: Tenant) {
  const scope = await siteScope(tenant, sites.id);
  return tenant.db
    .select({
      id: sites.id,
      name: sites.name,
      slug: sites.slug,
      domain: sites.domain,
      status: sites.status,
      industry_id: sites.industry_id,
    })
    .from(sites)
    .where(and(eq(sites.account_id, tenant.account.id), isNull(sites.deleted_at), scope))
    .orderBy(asc(sites.name), asc(sites.id))
    .all();
}

export function siteSearch(term: string | undefined): SQL | undefined {
  if (!term) return undefined;
  const pattern = `%${term.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  return or(sql`${sites.name} LIKE ${pattern} ESCAPE '\\'`, sql`${sites.domain} LIKE ${pattern} ESCAPE '\\'`);
}

/**
 * Creates a site within the plan's site limit. The count and the insert are one statement
 * (INSERT … SELECT … WHERE count < limit), so two concurrent creates can't both pass the limit.
 */
export async function createSite(tenant: Tenant, input: CreateSiteBody): Promise<SiteRow> {
  const plan = await planOf(tenant);
  const limit = plan.max_sites ?? Number.MAX_SAFE_INTEGER;
  const base = slugify(input.name);
  for (let attempt = 0; attempt < 6; attempt++) {
    const slug = attempt === 0 ? base : `${base}-${attempt + 1}`;
    const now = Date.now();
    try {
      const inserted = await tenant.db.get<{ id: number } | undefined>(sql`
        INSERT INTO sites (account_id, name, slug, domain, description, industry_id, status, hosting_type, seo_metadata,
                           created_at, updated_at)
        SELECT ${tenant.account.id}, ${input.name}, ${slug}, ${input.domain ?? null}, ${input.description ?? ''},
               ${input.industry_id ?? null}, ${input.status ?? 'active'}, ${input.hosting_type ?? 'wordpress'}, '{}',
               ${now}, ${now}
        WHERE (SELECT count(*) FROM sites WHERE account_id = ${tenant.account.id} AND deleted_at IS NULL) < ${limit}
        RETURNING id`);
      if (!inserted) {
        throw new LimitReached(
          `Your plan (${plan.name}) allows ${limit} site${limit === 1 ? '' : 's'}. ` +
            'Delete a site or upgrade the plan to add another.',
          'name',
        );
      }
      const row = await tenant.db
        .select()
        .from(sites)
        .where(and(eq(sites.account_id, tenant.account.id), eq(sites.id, inserted.id)))
        .get();
      return row!;
    } catch (err) {
      if (String(err).includes('UNIQUE constraint failed') && attempt < 5) continue;
      if (String(err).includes('UNIQUE constraint failed'))
        throw new Conflict('A site with this name already exists.', 'duplicate', {
          name: ['Already used by another site.'],
        });
      throw err;
    }
  }
  throw new Conflict('A site with this name already exists.', 'duplicate', { name: ['Already used by another site.'] });
}

export async function updateSite(tenant: Tenant, site: SiteRow, input: UpdateSiteBody) {
  if (input.default_author_profile_id != null) await requireActiveAuthor(tenant, input.default_author_profile_id);
  const [row] = await tenant.db
    .update(sites)
    .set({ ...input })
    .where(and(eq(sites.account_id, tenant.account.id), eq(sites.id, site.id)))
    .returning();
  return row!;
}

/**
 * A site's default author is chosen in the settings (settings:manage) and must be an active profile
 * of the account: anything else is a 400, so a foreign id is never stored nor used.
 */
async function requireActiveAuthor(tenant: Tenant, profileId: number) {
  assertCan(tenant, 'settings:manage');
  const profile = await tenant.db
    .select({ id: authorProfiles.id })
    .from(authorProfiles)
    .where(
      and(
        eq(authorProfiles.account_id, tenant.account.id),
        eq(authorProfiles.id, profileId),
        eq(authorProfiles.is_active, true),
      ),
    )
    .get();
  if (!profile) {
    throw new ValidationError({ default_author_profile_id: ['Pick an active author profile of this account.'] });
  }
}

/** A deleted author profile stops being any site's default (in the writer's delete batch). */
export function clearSiteDefaultAuthorStatement(db: ShardDb, accountId: number, profileId: number) {
  return db
    .update(sites)
    .set({ default_author_profile_id: null })
    .where(and(eq(sites.account_id, accountId), eq(sites.default_author_profile_id, profileId)));
}

/**
 * Soft delete of sites (one statement per part of the ids, under D1's parameter limit): each
 * disappears from every list and stops counting against the plan; its slug is freed.
 */
export function deleteSitesStatements(tenant: Tenant, ids: number[]) {
  return forIdsWithinParamLimit(ids, (part) =>
    tenant.db
      .update(sites)
      .set({ deleted_at: new Date(), status: 'inactive', slug: sql`${sites.slug} || '--deleted-' || ${sites.id}` })
      .where(and(eq(sites.account_id, tenant.account.id), inArray(sites.id, part))),
  );
}
