/**
 * generate_site_structure: a site's pages and taxonomies from its blueprint and clusters. A home
 * page, the pages the site type needs (about, blog or services or shop, contact), a pillar page per
 * hub cluster (titles vary by cluster, deterministically), blog categories for hub and supporting
 * clusters and a few tags from the top keywords. Written a little untidily, as models do: one
 * cluster id as a string, a parent slug with slashes. Slugs of `existing_pages` are left alone.
 *
 * Prompt marker for tests: `[omit cluster: <name>]` in the site or blueprint description makes the
 * reply forget that cluster (the product must still give every hub cluster a page).
 */
import { asArray, asString, keywordString, pick, plainQuotes, rngFor, titleCase, type Rng } from '../text.ts';

interface ClusterIn {
  id: number;
  name: string;
  role: string;
  keywords: string[];
}

const slug = (s: string) =>
  s
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);

const PILLAR_TITLES: ((name: string) => string)[] = [
  (n) => n,
  (n) => `The ${n} Guide`,
  (n) => `${n}: A Complete Guide`,
  (n) => `All About ${n}`,
  (n) => `${n} Explained`,
];

const SITE_PAGES: Record<string, { title: string[]; slug: string; type: string }[]> = {
  blog: [
    { title: ['About', 'About Us', 'Our Story'], slug: 'about', type: 'about' },
    { title: ['Blog', 'Articles', 'Journal'], slug: 'blog', type: 'blog' },
    { title: ['Contact', 'Get in Touch'], slug: 'contact', type: 'contact' },
  ],
  company: [
    { title: ['About', 'About Us', 'Who We Are'], slug: 'about', type: 'about' },
    { title: ['Services', 'What We Do'], slug: 'services', type: 'services' },
    { title: ['Insights', 'Blog', 'Resources'], slug: 'blog', type: 'blog' },
    { title: ['Contact', 'Contact Us'], slug: 'contact', type: 'contact' },
  ],
  ecommerce: [
    { title: ['Shop', 'Products', 'Our Range'], slug: 'shop', type: 'products' },
    { title: ['About', 'Our Story'], slug: 'about', type: 'about' },
    { title: ['Guides', 'Blog'], slug: 'blog', type: 'blog' },
    { title: ['Contact', 'Customer Care'], slug: 'contact', type: 'contact' },
  ],
};
const PILLAR_TYPE: Record<string, string> = { blog: 'custom', company: 'services', ecommerce: 'products' };
const PILLAR_PARENT: Record<string, string | null> = { blog: null, company: 'services', ecommerce: 'shop' };

function clustersOf(input: Record<string, unknown>): ClusterIn[] {
  return asArray(input.clusters)
    .filter((c): c is Record<string, unknown> => !!c && typeof c === 'object')
    .map((c) => ({
      id: Number(c.id ?? c.cluster_id),
      name: plainQuotes(asString(c.name).trim()),
      role: asString(c.role, 'hub'),
      keywords: asArray(c.keywords)
        .map(keywordString)
        .filter((k): k is string => !!k),
    }))
    .filter((c) => Number.isFinite(c.id) && c.name);
}

/** Names listed in `[omit cluster: A, B]` markers of the site or blueprint description. */
function omitted(...texts: string[]): Set<string> {
  const out = new Set<string>();
  for (const t of texts)
    for (const m of t.matchAll(/\[omit cluster:\s*([^\]]+)\]/gi))
      for (const name of m[1]!.split(',')) out.add(name.trim().toLowerCase());
  return out;
}

function describe(rng: Rng, title: string, site: string, keywords: string[]): string {
  const kw = keywords[0] ?? title.toLowerCase();
  const lines = [
    `${title} at ${site}: practical advice on ${kw}, tested and explained step by step.`,
    `Everything ${site} knows about ${kw}, from first steps to expert tips.`,
    `${title}: clear answers on ${kw} and the questions readers ask most.`,
  ];
  return pick(rng, lines).slice(0, 160);
}

export function siteStructure(input: unknown): unknown {
  const obj = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const site = (obj.site ?? {}) as Record<string, unknown>;
  const blueprint = (obj.blueprint ?? {}) as Record<string, unknown>;
  const siteName = plainQuotes(asString(site.name, 'The Site'));
  const type = ['blog', 'company', 'ecommerce'].includes(asString(blueprint.type)) ? asString(blueprint.type) : 'blog';
  const clusters = clustersOf(obj);
  const skip = omitted(asString(site.description), asString(blueprint.description));
  const taken = new Set(asArray(obj.existing_pages).map((p) => asString((p as Record<string, unknown> | null)?.slug)));
  const rng = rngFor('site_structure', siteName, type, clusters.map((c) => `${c.id}:${c.name}`).join('|'));

  const pages: Record<string, unknown>[] = [];
  const add = (p: Record<string, unknown>) => {
    if (taken.has(asString(p.slug))) return;
    taken.add(asString(p.slug));
    pages.push(p);
  };
  add({
    title: pick(rng, ['Home', siteName, `Welcome to ${siteName}`]),
    slug: '',
    type: 'home',
    cluster_id: null,
    meta_description: describe(rng, siteName, siteName, clusters[0]?.keywords ?? []),
    in_nav: true,
    parent_slug: null,
  });
  for (const p of SITE_PAGES[type]!.slice(0, -1)) {
    const title = pick(rng, p.title);
    add({
      title,
      slug: p.slug,
      type: p.type,
      cluster_id: null,
      meta_description: describe(rng, title, siteName, []),
      in_nav: true,
      parent_slug: null,
    });
  }
  const hubs = clusters.filter((c) => c.role === 'hub' && !skip.has(c.name.toLowerCase()));
  hubs.forEach((c, i) => {
    const title = titleCase(pick(rng, PILLAR_TITLES)(c.name));
    const parent = PILLAR_PARENT[type];
    add({
      title,
      slug: slug(c.name),
      type: PILLAR_TYPE[type],
      // Untidy on purpose: one id written as a string, one parent slug as a path.
      cluster_id: i === 1 ? String(c.id) : c.id,
      meta_description: describe(rng, title, siteName, c.keywords),
      in_nav: i < 6,
      parent_slug: parent ? (i % 2 ? `/${parent}/` : parent) : null,
    });
  });
  const contact = SITE_PAGES[type]!.at(-1)!;
  const contactTitle = pick(rng, contact.title);
  add({
    title: contactTitle,
    slug: contact.slug,
    type: contact.type,
    cluster_id: null,
    meta_description: `${contactTitle}: how to reach ${siteName}.`,
    in_nav: true,
    parent_slug: null,
  });

  const taxonomies: Record<string, unknown>[] = [];
  for (const c of clusters) {
    if (skip.has(c.name.toLowerCase()) || c.role === 'attribute') continue;
    taxonomies.push({ name: titleCase(c.name), slug: slug(c.name), taxonomy_type: 'blog_category' });
  }
  for (const c of hubs) {
    for (const k of c.keywords.slice(0, 2)) taxonomies.push({ name: k, slug: slug(k), taxonomy_type: 'blog_tag' });
  }
  return { pages, taxonomies };
}
