/**
 * A blueprint's pages. Rules a user meets: the home page is the one page with slug '' (created
 * with the blueprint, never deleted, never moved under another page); slugs are unique per
 * blueprint (derived from the title and numbered when taken, or 409 `slug_taken` when given);
 * pages nest one level deep; an edit carries the version it was made on (409 `page_changed` when
 * the page moved on meanwhile, so a co-editor's or a generator's write is never silently lost).
 */
import { and, eq, sql } from 'drizzle-orm';
import { clusters, pageBlueprints } from '../../core/schema/shard';
import type { PageCreateBody, PageOrderBody, PageUpdateBody } from '../../core/validation/site-builder';
import { runBatch, sqlList, withinParamLimit } from '../db/batch';
import type { Tenant } from '../db/tenant';
import { isUniqueViolation } from '../db/unique-violation';
import { Conflict, NotFound, ValidationError } from '../http/errors';
import { type AccessMode, requireSiteOf } from '../http/site-access';
import {
  blueprintTouchStatement,
  type BlueprintRow,
  getPage,
  listPages,
  type PageRow,
  pagesDeleteStatements,
  uniqueSlug,
} from './service';

/** First path segments the renderer owns (core/site/paths.ts): a page can't take them. */
const RESERVED_SLUGS = new Set(['category', 'tag', 'assets', 'feed', 'sitemap', 'robots']);
/** `blog/` is the article index: only the blog page may be it. */
const reservedFor = (slug: string, type: string) => RESERVED_SLUGS.has(slug) || (slug === 'blog' && type !== 'blog');

export function presentPage(p: PageRow) {
  return {
    id: p.id,
    blueprint_id: p.site_blueprint_id,
    slug: p.slug,
    title: p.title,
    type: p.type,
    blocks: p.blocks,
    status: p.status,
    order: p.order,
    parent_id: p.parent_id,
    cluster_id: p.cluster_id,
    in_nav: p.in_nav,
    meta_description: p.meta_description,
    version: p.version,
    updated_at: p.updated_at,
  };
}
export type PageView = ReturnType<typeof presentPage>;

/** The page of the account that the user may see (else 404); `write` needs a writer role (else 403). */
export async function requirePage(tenant: Tenant, id: number, mode: AccessMode): Promise<PageRow> {
  const row = await getPage(tenant.db, tenant.account.id, id);
  if (!row) throw new NotFound('Page');
  await requireSiteOf(tenant, row.site_id, mode, 'Page');
  return row;
}

const slugTaken = (slug: string) =>
  new Conflict(
    slug === '' ? 'The blueprint already has a home page.' : `Another page of this blueprint has the slug "${slug}".`,
    'slug_taken',
    { slug: ['Already used by another page of this blueprint.'] },
  );

/** 404 unless the cluster is one of the blueprint's site. */
async function requireSiteCluster(tenant: Tenant, siteId: number, clusterId: number | null | undefined) {
  if (clusterId === null || clusterId === undefined) return;
  const row = await tenant.db
    .select({ id: clusters.id })
    .from(clusters)
    .where(and(eq(clusters.account_id, tenant.account.id), eq(clusters.site_id, siteId), eq(clusters.id, clusterId)))
    .get();
  if (!row) throw new NotFound('Cluster');
}

/** A parent must be a top-level page (not the home page) of the same blueprint, and not the page itself. */
function checkParent(pages: PageRow[], parentId: number | null | undefined, page?: PageRow) {
  if (parentId === null || parentId === undefined) return;
  const parent = pages.find((p) => p.id === parentId);
  if (!parent) throw new NotFound('Parent page');
  const problem =
    parent.id === page?.id
      ? 'A page cannot be its own parent.'
      : parent.parent_id !== null || parent.slug === ''
        ? 'Choose a top-level page other than the home page: pages nest one level deep.'
        : page && page.slug === ''
          ? 'The home page stays at the top level.'
          : page && pages.some((p) => p.parent_id === page.id)
            ? 'This page has pages under it: move them first (pages nest one level deep).'
            : null;
  if (problem) throw new ValidationError({ parent_id: [problem] });
}

/** How often a derived slug is numbered again when a parallel create took it meanwhile. */
const DERIVED_SLUG_ATTEMPTS = 4;

export async function createPage(tenant: Tenant, blueprint: BlueprintRow, input: PageCreateBody): Promise<PageRow> {
  const isHome = input.type === 'home' || input.slug === '';
  const type = isHome ? 'home' : input.type;
  if (isHome && input.parent_id !== null)
    throw new ValidationError({ parent_id: ['The home page stays at the top level.'] });
  if (!isHome && input.slug !== undefined && reservedFor(input.slug, type))
    throw new ValidationError({ slug: [`"${input.slug}" is used by the site itself.`] });
  await requireSiteCluster(tenant, blueprint.site_id, input.cluster_id);
  const derived = !isHome && input.slug === undefined;
  const a = tenant.account.id;
  const { blueprint_id: _blueprint, slug: _slug, type: _type, ...fields } = input;
  for (let attempt = 1; ; attempt++) {
    const pages = await listPages(tenant.db, a, blueprint.id);
    checkParent(pages, input.parent_id);
    const taken = new Set(pages.map((p) => p.slug));
    const reserved = [...RESERVED_SLUGS, ...(type === 'blog' ? [] : ['blog'])];
    const slug = isHome ? '' : derived ? uniqueSlug(input.title, new Set([...taken, ...reserved])) : input.slug!;
    if (taken.has(slug)) throw slugTaken(slug);
    const now = new Date();
    try {
      const [inserted] = await runBatch(tenant.db, [
        tenant.db
          .insert(pageBlueprints)
          .values({
            ...fields,
            account_id: a,
            site_id: blueprint.site_id,
            site_blueprint_id: blueprint.id,
            slug,
            type,
            // Last in the navigation: one more than the blueprint's highest order.
            order: sql`(SELECT coalesce(max("order"), -1) + 1 FROM page_blueprints
                        WHERE account_id = ${a} AND site_blueprint_id = ${blueprint.id})` as unknown as number,
            created_at: now,
            updated_at: now,
          })
          .returning({ id: pageBlueprints.id }),
        blueprintTouchStatement(tenant.db, a, blueprint.id),
      ]);
      return (await getPage(tenant.db, a, (inserted!.results[0] as { id: number }).id))!;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      // A parallel create took the slug between the read and the insert: number it again.
      if (!derived || attempt >= DERIVED_SLUG_ATTEMPTS) throw slugTaken(slug);
    }
  }
}

/** Applies an edit made on `input.version`; 409 `page_changed` when the page is at another version. */
export async function updatePage(tenant: Tenant, page: PageRow, input: PageUpdateBody) {
  const { version, ...change } = input;
  const isHome = page.slug === '';
  if (isHome && ((change.slug !== undefined && change.slug !== '') || (change.type && change.type !== 'home')))
    throw new ValidationError({ slug: ['The home page keeps the slug "" and the type home.'] });
  if (!isHome && (change.slug === '' || change.type === 'home'))
    throw new ValidationError({ slug: ['The blueprint has one home page: give this page a slug of its own.'] });
  const type = change.type ?? page.type;
  if (change.slug !== undefined && change.slug !== page.slug && reservedFor(change.slug, type))
    throw new ValidationError({ slug: [`"${change.slug}" is used by the site itself.`] });
  if (change.parent_id !== undefined)
    checkParent(await listPages(tenant.db, tenant.account.id, page.site_blueprint_id), change.parent_id, page);
  await requireSiteCluster(tenant, page.site_id, change.cluster_id);
  const a = tenant.account.id;
  let changed: unknown[];
  try {
    const [updated] = await runBatch(tenant.db, [
      tenant.db
        .update(pageBlueprints)
        .set({ ...change, version: sql`${pageBlueprints.version} + 1`, updated_at: new Date() })
        .where(
          and(eq(pageBlueprints.account_id, a), eq(pageBlueprints.id, page.id), eq(pageBlueprints.version, version)),
        )
        .returning({ id: pageBlueprints.id }),
      blueprintTouchStatement(tenant.db, a, page.site_blueprint_id),
    ]);
    changed = updated!.results;
  } catch (err) {
    if (isUniqueViolation(err)) throw slugTaken(change.slug ?? page.slug);
    throw err;
  }
  const now = await getPage(tenant.db, a, page.id);
  if (!now) throw new NotFound('Page');
  if (changed.length === 0) {
    throw new Conflict(
      `The page changed meanwhile (it is at version ${now.version}, the edit was made on ${version}): reload it.`,
      'page_changed',
      { version: [`Current version: ${now.version}.`] },
    );
  }
  return now;
}

/** Deletes a page; pages under it move to the top level (same batch). The home page stays. */
export async function deletePage(tenant: Tenant, page: PageRow) {
  if (page.slug === '') throw new Conflict('The home page cannot be deleted.', 'home_page');
  const a = tenant.account.id;
  await runBatch(tenant.db, [
    ...pagesDeleteStatements(tenant.db, a, page.site_blueprint_id, [page.id]),
    blueprintTouchStatement(tenant.db, a, page.site_blueprint_id),
  ]);
}

/**
 * The whole navigation order at once: every page of the blueprint exactly once (ids of other
 * blueprints are refused), each with its parent. Only pages whose place changed are written, in
 * one batch. Versions are not bumped: the order is the blueprint's, not the page's content.
 */
export async function reorderPages(tenant: Tenant, blueprint: BlueprintRow, input: PageOrderBody) {
  const a = tenant.account.id;
  const pages = await listPages(tenant.db, a, blueprint.id);
  const byId = new Map(pages.map((p) => [p.id, p]));
  const sent = input.pages.map((p) => p.id);
  const foreign = sent.filter((id) => !byId.has(id));
  const duplicate = sent.filter((id, i) => sent.indexOf(id) !== i);
  const missing = pages.filter((p) => !sent.includes(p.id)).map((p) => p.id);
  const problems = [
    ...(foreign.length ? [`Not pages of this blueprint: ${foreign.join(', ')}.`] : []),
    ...(duplicate.length ? [`Listed twice: ${[...new Set(duplicate)].join(', ')}.`] : []),
    ...(missing.length ? [`Send every page of the blueprint; missing: ${missing.join(', ')}.`] : []),
  ];
  const parentOf = new Map(input.pages.map((p) => [p.id, p.parent_id]));
  for (const p of input.pages) {
    if (p.parent_id === null) continue;
    const parent = byId.get(p.parent_id);
    if (!parent || !parentOf.has(p.parent_id))
      problems.push(`Page ${p.id}: its parent is not a page of this blueprint.`);
    else if (p.parent_id === p.id) problems.push(`Page ${p.id} cannot be its own parent.`);
    else if (parentOf.get(p.parent_id) !== null || parent.slug === '' || byId.get(p.id)?.slug === '')
      problems.push(`Page ${p.id}: pages nest one level deep, under a top-level page other than home.`);
  }
  if (problems.length) throw new ValidationError({ pages: problems });
  const moves = input.pages
    .map((p, order) => ({ id: p.id, order, parent_id: p.parent_id }))
    .filter((m) => {
      const row = byId.get(m.id)!;
      return row.order !== m.order || row.parent_id !== m.parent_id;
    });
  const now = Date.now();
  await runBatch(tenant.db, [
    ...withinParamLimit(
      moves,
      (part) => sql`UPDATE page_blueprints
        SET "order" = CASE id ${sql.join(
          part.map((m) => sql`WHEN ${m.id} THEN ${m.order}`),
          sql` `,
        )} END,
            parent_id = CASE id ${sql.join(
              part.map((m) => sql`WHEN ${m.id} THEN ${m.parent_id}`),
              sql` `,
            )} END,
            updated_at = ${now}
        WHERE account_id = ${a} AND site_blueprint_id = ${blueprint.id} AND id IN (${sqlList(part.map((m) => m.id))})`,
    ),
    ...(moves.length ? [blueprintTouchStatement(tenant.db, a, blueprint.id)] : []),
  ]);
  return listPages(tenant.db, a, blueprint.id);
}
