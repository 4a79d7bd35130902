/**
 * generate_site_structure's reading of a reply (pure: no D1, so the rules are unit-tested): the
 * model proposes pages and taxonomies; what the product promises is enforced here, never trusted
 * to the model — every attached hub cluster is served by a page (a forgotten one gets a pillar page
 * named after the cluster), supporting clusters become blog categories, there is exactly one home
 * page, slugs are unique and free of the renderer's own paths, unknown cluster ids are dropped, and
 * pages the user made or edited are left alone unless the job replaces them.
 */
import { siteStructureReply, structurePage, structureTaxonomy } from '../../../core/ai/contracts';
import { asEnum, asInt, asPlain, listIn } from '../../../core/ai/normalize-reply';
import type { BlueprintType, PageType, TaxonomyType } from '../../../core/domain/enums';
import { PAGE_TYPES, TAXONOMY_TYPES } from '../../../core/domain/enums';
import { slugify } from '../../../core/validation/common';
import type { PageBlock } from '../../../core/validation/site-blocks';
import { InvalidReply } from '../../../durable-objects/site-coordinator/engine/ai-function';
import { uniqueSlug, type PageDraft, type TaxonomyDraft } from '../service';
import { starterBlocks } from './starter-blocks';

export type ClusterRole = 'hub' | 'supporting' | 'attribute';

export interface ClusterInput {
  cluster_id: number;
  name: string;
  role: ClusterRole;
  keywords: { keyword: string; volume: number }[];
}

/** A page of the blueprint when the job was prepared. */
export interface ExistingPage {
  id: number;
  slug: string;
  title: string;
  type: PageType;
  cluster_id: number | null;
  parent_id: number | null;
  in_nav: boolean;
  order: number;
  version: number;
  /** Written by an earlier generation and not changed since (its version is the one that wrote it). */
  generated: boolean;
}

export interface StructureMeta {
  blueprint_id: number;
  blueprint_type: BlueprintType;
  replace: boolean;
  clusters: ClusterInput[];
  existing: ExistingPage[];
}

export interface PlannedPage extends PageDraft {
  blocks: PageBlock[];
  cluster_id: number | null;
  in_nav: boolean;
  meta_description: string;
  parent_slug: string | null;
}

export interface PlannedTerm extends TaxonomyDraft {
  slug: string;
  /** The attached cluster the term files (a supporting cluster's category). */
  cluster_id: number | null;
}

export interface StructurePlan {
  /** Pages to write (upserted by slug). */
  pages: PlannedPage[];
  /** Existing pages the plan replaces and no longer has: deleted. */
  removed: ExistingPage[];
  /** Existing pages left as they are (made or edited by a user, and not replaced). */
  kept: ExistingPage[];
  taxonomies: PlannedTerm[];
  /** slug → the page version this generation leaves it at (how the next run knows it untouched). */
  generated: Record<string, number>;
  /** Hub clusters the model left without a page: a pillar page was added for each. */
  added_for_coverage: number[];
  /** Items of the reply that were unusable, and cluster ids it named that are not attached. */
  dropped: number;
  unknown_clusters: number;
}

/** Paths the renderer writes itself (core/site/paths.ts): a page may not take them. */
const RESERVED = new Set(['blog', 'category', 'tag', 'assets', 'feed', 'sitemap', 'robots', 'page', 's']);
/** Page types a site has one of. */
const SINGLETONS = new Set<PageType>(['home', 'about', 'blog', 'contact']);
/** What a pillar page is called on each kind of site. */
const PILLAR_TYPE: Record<BlueprintType, PageType> = { blog: 'custom', company: 'services', ecommerce: 'products' };

const PAGE_TYPE_ALIASES: Record<string, PageType> = {
  homepage: 'home',
  index: 'home',
  landing: 'custom',
  pillar: 'custom',
  hub: 'custom',
  service: 'services',
  product: 'products',
  category: 'custom',
  posts: 'blog',
  articles: 'blog',
  news: 'blog',
  'about-us': 'about',
  'contact-us': 'contact',
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const pick = (o: Obj, ...keys: string[]) => keys.map((k) => o[k]).find((v) => v !== undefined && v !== null);
const defined = (o: Obj) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

function pageTypeOf(v: unknown): PageType | string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const alias = PAGE_TYPE_ALIASES[slugify(String(v))];
  return alias ?? asEnum(v, PAGE_TYPES) ?? String(v);
}

function boolOf(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 1 || v === 'yes') return true;
  if (v === 'false' || v === 0 || v === 'no') return false;
  return undefined;
}

/** A cluster named by id, by "12", or by its name (models do all three). */
function clusterRefOf(o: Obj, clusters: ClusterInput[]): number | null | undefined {
  const raw = pick(o, 'cluster_id', 'clusterId', 'cluster');
  if (raw === undefined || raw === null || raw === '') return null;
  const id = asInt(raw);
  if (id !== undefined) return id;
  const named = clusters.find((c) => slugify(c.name) === slugify(String(raw)));
  return named ? named.cluster_id : -1;
}

/** The reply's pages and terms, each read on its own: an unusable one is dropped and counted. */
export function readStructureReply(reply: unknown, clusters: ClusterInput[]) {
  const rawPages = listIn(reply, 'pages', (o) => 'title' in o && ('slug' in o || 'type' in o)) ?? [];
  const rawTerms = isObj(reply) ? (listIn(reply.taxonomies ?? [], 'taxonomies', (o) => 'name' in o) ?? []) : [];
  let dropped = 0;
  const pages = rawPages.flatMap((p) => {
    const shaped = isObj(p)
      ? defined({
          title: asPlain(pick(p, 'title', 'name'), 200),
          slug: typeof p.slug === 'string' ? p.slug : undefined,
          type: pageTypeOf(pick(p, 'type', 'page_type')),
          cluster_id: clusterRefOf(p, clusters),
          meta_description: asPlain(pick(p, 'meta_description', 'description'), 300),
          in_nav: boolOf(pick(p, 'in_nav', 'nav')),
          parent_slug: typeof p.parent_slug === 'string' ? p.parent_slug : undefined,
        })
      : p;
    const r = structurePage.safeParse(shaped);
    if (!r.success) dropped++;
    return r.success ? [r.data] : [];
  });
  const terms = rawTerms.flatMap((t) => {
    const shaped = isObj(t)
      ? defined({
          name: asPlain(t.name, 120),
          slug: typeof t.slug === 'string' ? t.slug : undefined,
          taxonomy_type: asEnum(pick(t, 'taxonomy_type', 'type'), TAXONOMY_TYPES),
        })
      : t;
    const r = structureTaxonomy.safeParse(shaped);
    if (!r.success) dropped++;
    return r.success ? [r.data] : [];
  });
  if (!pages.length) {
    throw new InvalidReply(
      dropped ? `no usable page in the reply (${dropped} item(s) dropped)` : 'the reply has no pages',
    );
  }
  return { ...siteStructureReply.parse({ pages, taxonomies: terms }), dropped };
}

/**
 * A page slug: lowercase words joined by hyphens, never one of the renderer's paths — except the
 * blog page, which is the one at 'blog' (the renderer shows its blocks on the blog index).
 */
function pageSlugOf(raw: string, title: string, type: PageType): string {
  if (type === 'blog') return 'blog';
  const base = slugify(raw.replace(/^\/+|\/+$/g, '') || title);
  return RESERVED.has(base) ? `${base}-page` : base;
}

const taxonomyFor = (role: ClusterRole, type: BlueprintType): TaxonomyType =>
  role === 'supporting' ? 'blog_category' : type === 'ecommerce' ? 'product_attribute' : 'blog_tag';

/** The plan the job saves: the model's proposal, checked against the blueprint and made complete. */
export function planStructure(reply: unknown, meta: StructureMeta): StructurePlan {
  const read = readStructureReply(reply, meta.clusters);
  const attached = new Map(meta.clusters.map((c) => [c.cluster_id, c]));
  const kept = meta.replace ? [] : meta.existing.filter((p) => !p.generated);
  const keptSlugs = new Set(kept.map((p) => p.slug));
  const served = new Set(kept.flatMap((p) => (p.cluster_id ? [p.cluster_id] : [])));
  const keptTypes = new Set(kept.map((p) => (p.slug === '' ? 'home' : p.type)));
  const taken = new Set(keptSlugs);
  let unknown = 0;
  const pages: PlannedPage[] = [];
  const add = (p: Omit<PlannedPage, 'blocks' | 'order'>) => {
    pages.push({ ...p, order: 0, blocks: [] });
    taken.add(p.slug);
    if (p.cluster_id) served.add(p.cluster_id);
  };

  for (const p of read.pages) {
    let clusterId = p.cluster_id;
    if (clusterId !== null && !attached.has(clusterId)) {
      unknown++;
      clusterId = null;
    }
    const type: PageType = p.type === 'home' || p.slug.replace(/\//g, '') === '' ? 'home' : p.type;
    // A page the user keeps (or one planned already) serves this cluster or plays this role.
    if (clusterId !== null && served.has(clusterId)) continue;
    if (SINGLETONS.has(type) && (keptTypes.has(type) || pages.some((x) => x.type === type))) continue;
    const home = type === 'home';
    add({
      slug: home ? '' : uniqueSlug(pageSlugOf(p.slug, p.title, type), taken),
      title: p.title,
      type,
      cluster_id: clusterId,
      in_nav: p.in_nav,
      meta_description: p.meta_description,
      parent_slug: home ? null : p.parent_slug,
    });
  }
  if (!taken.has('') && !keptTypes.has('home')) {
    const site = meta.blueprint_type === 'blog' ? 'blog' : 'site';
    pages.unshift({
      slug: '',
      title: 'Home',
      type: 'home',
      cluster_id: null,
      in_nav: true,
      meta_description: `Welcome to the ${site}: start here.`,
      parent_slug: null,
      order: 0,
      blocks: [],
    });
    taken.add('');
  }
  // Coverage is the product's promise, not the model's: a hub cluster without a page gets its pillar.
  const added: number[] = [];
  for (const c of meta.clusters) {
    if (c.role !== 'hub' || served.has(c.cluster_id)) continue;
    const top = c.keywords
      .slice(0, 3)
      .map((k) => k.keyword)
      .join(', ');
    add({
      slug: uniqueSlug(pageSlugOf('', c.name, 'custom'), taken),
      title: c.name,
      type: PILLAR_TYPE[meta.blueprint_type],
      cluster_id: c.cluster_id,
      in_nav: true,
      meta_description: `${c.name}: everything in one place${top ? ` — ${top}` : ''}.`.slice(0, 300),
      parent_slug: null,
    });
    added.push(c.cluster_id);
  }

  resolveParents(pages, kept);
  const base = kept.length ? Math.max(...kept.map((p) => p.order)) + 1 : 0;
  const homeFirst = [...pages.filter((p) => p.slug === ''), ...pages.filter((p) => p.slug !== '')];
  homeFirst.forEach((p, i) => {
    p.order = base + i;
    p.blocks = starterBlocks(p);
  });

  const byPrevious = new Map(meta.existing.map((p) => [p.slug, p]));
  const plannedSlugs = new Set(homeFirst.map((p) => p.slug));
  const removed = meta.existing.filter((p) => !keptSlugs.has(p.slug) && !plannedSlugs.has(p.slug));
  const generated: Record<string, number> = {};
  for (const p of homeFirst) generated[p.slug] = (byPrevious.get(p.slug)?.version ?? 0) + 1;

  return {
    pages: homeFirst,
    removed,
    kept,
    taxonomies: planTerms(read.taxonomies, meta),
    generated,
    added_for_coverage: added,
    dropped: read.dropped,
    unknown_clusters: unknown,
  };
}

/**
 * A parent is a top-level page of the final structure (new or kept), never the page itself or the
 * home page: the navigation is one level deep. Anything else puts the page at the top level.
 */
function resolveParents(pages: PlannedPage[], kept: ExistingPage[]) {
  const topLevel = new Set([
    ...kept.filter((p) => p.parent_id === null && p.slug !== '').map((p) => p.slug),
    ...pages.map((p) => p.slug).filter((s) => s !== ''),
  ]);
  for (const p of pages) {
    const wanted = p.parent_slug === null ? null : slugify(p.parent_slug);
    p.parent_slug = wanted && wanted !== p.slug && topLevel.has(wanted) ? wanted : null;
  }
  const children = new Set(pages.filter((p) => p.parent_slug).map((p) => p.slug));
  for (const p of pages) if (p.parent_slug && children.has(p.parent_slug)) p.parent_slug = null;
}

/** The model's terms, de-duplicated by type and slug, plus a term for every supporting/attribute cluster. */
function planTerms(terms: { name: string; slug: string; taxonomy_type: TaxonomyType }[], meta: StructureMeta) {
  const out: PlannedTerm[] = [];
  const put = (t: PlannedTerm) => {
    const same = out.find((x) => x.taxonomy_type === t.taxonomy_type && x.slug === t.slug);
    if (same) same.cluster_id ??= t.cluster_id;
    else out.push(t);
  };
  for (const t of terms) put({ ...t, slug: slugify(t.slug || t.name), cluster_id: null });
  for (const c of meta.clusters) {
    if (c.role === 'hub') continue;
    put({
      name: c.name,
      slug: slugify(c.name),
      taxonomy_type: taxonomyFor(c.role, meta.blueprint_type),
      cluster_id: c.cluster_id,
    });
  }
  return out;
}
