/**
 * A blueprint's taxonomy terms (blog categories and tags, product and service categories): the
 * renderer makes `category/<slug>/` and `tag/<slug>/` pages of them. A slug is unique per
 * blueprint and taxonomy type: derived from the name (numbered when taken) or given (409 when taken).
 */
import { and, eq } from 'drizzle-orm';
import { siteBlueprintTaxonomies } from '../../core/schema/shard';
import type { TaxonomyBody } from '../../core/validation/site-builder';
import { runBatch } from '../db/batch';
import type { Tenant } from '../db/tenant';
import { isUniqueViolation } from '../db/unique-violation';
import { Conflict, NotFound } from '../http/errors';
import { blueprintTouchStatement, type BlueprintRow, listTaxonomies, type TaxonomyRow, uniqueSlug } from './service';

export function presentTaxonomy(t: TaxonomyRow) {
  return {
    id: t.id,
    blueprint_id: t.site_blueprint_id,
    name: t.name,
    slug: t.slug,
    taxonomy_type: t.taxonomy_type,
    description: t.description,
  };
}

const slugTaken = () =>
  new Conflict('Another term of this type has this slug.', 'slug_taken', { slug: ['Already used by another term.'] });

async function takenSlugs(tenant: Tenant, blueprintId: number, type: string, exceptId?: number) {
  const terms = await listTaxonomies(tenant.db, tenant.account.id, blueprintId);
  return new Set(terms.filter((t) => t.taxonomy_type === type && t.id !== exceptId).map((t) => t.slug));
}

export async function requireTaxonomy(tenant: Tenant, blueprint: BlueprintRow, id: number) {
  const row = await tenant.db
    .select()
    .from(siteBlueprintTaxonomies)
    .where(
      and(
        eq(siteBlueprintTaxonomies.account_id, tenant.account.id),
        eq(siteBlueprintTaxonomies.site_blueprint_id, blueprint.id),
        eq(siteBlueprintTaxonomies.id, id),
      ),
    )
    .get();
  if (!row) throw new NotFound('Taxonomy');
  return row;
}

export async function createTaxonomy(tenant: Tenant, blueprint: BlueprintRow, input: TaxonomyBody) {
  const taken = await takenSlugs(tenant, blueprint.id, input.taxonomy_type);
  if (input.slug && taken.has(input.slug)) throw slugTaken();
  const slug = input.slug || uniqueSlug(input.name, taken);
  const now = new Date();
  try {
    const [inserted] = await runBatch(tenant.db, [
      tenant.db
        .insert(siteBlueprintTaxonomies)
        .values({
          account_id: tenant.account.id,
          site_id: blueprint.site_id,
          site_blueprint_id: blueprint.id,
          name: input.name,
          slug,
          taxonomy_type: input.taxonomy_type,
          description: input.description,
          created_at: now,
          updated_at: now,
        })
        .returning({ id: siteBlueprintTaxonomies.id }),
      blueprintTouchStatement(tenant.db, tenant.account.id, blueprint.id),
    ]);
    return requireTaxonomy(tenant, blueprint, (inserted!.results[0] as { id: number }).id);
  } catch (err) {
    if (isUniqueViolation(err)) throw slugTaken();
    throw err;
  }
}

export async function updateTaxonomy(
  tenant: Tenant,
  blueprint: BlueprintRow,
  row: TaxonomyRow,
  input: Partial<Pick<TaxonomyBody, 'name' | 'slug' | 'description'>>,
) {
  let slug = input.slug;
  if (slug !== undefined && slug !== row.slug) {
    const taken = await takenSlugs(tenant, blueprint.id, row.taxonomy_type, row.id);
    // An emptied slug is derived again from the (new) name.
    if (slug === '') slug = uniqueSlug(input.name ?? row.name, taken);
    else if (taken.has(slug)) throw slugTaken();
  }
  try {
    await runBatch(tenant.db, [
      tenant.db
        .update(siteBlueprintTaxonomies)
        .set({ ...input, slug, updated_at: new Date() })
        .where(and(eq(siteBlueprintTaxonomies.account_id, tenant.account.id), eq(siteBlueprintTaxonomies.id, row.id))),
      blueprintTouchStatement(tenant.db, tenant.account.id, blueprint.id),
    ]);
  } catch (err) {
    if (isUniqueViolation(err)) throw slugTaken();
    throw err;
  }
  return requireTaxonomy(tenant, blueprint, row.id);
}

export async function deleteTaxonomy(tenant: Tenant, blueprint: BlueprintRow, row: TaxonomyRow) {
  await runBatch(tenant.db, [
    tenant.db
      .delete(siteBlueprintTaxonomies)
      .where(and(eq(siteBlueprintTaxonomies.account_id, tenant.account.id), eq(siteBlueprintTaxonomies.id, row.id))),
    blueprintTouchStatement(tenant.db, tenant.account.id, blueprint.id),
  ]);
}
