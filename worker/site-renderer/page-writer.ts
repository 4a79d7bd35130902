/**
 * Page views for one file: links relative to it, images, cards, blocks resolved (a post list also
 * reports the articles it shows), navigation, breadcrumbs and the head (canonical, Open Graph, JSON-LD).
 */
import { safeUrl, sanitizeHtml } from '../../core/html/sanitize';
import type { RenderedFile, SiteArticle, SiteImage, SiteModel, SitePage, SiteTerm } from '../../core/site/model';
import { absoluteUrl, fileOf, sitePaths } from '../../core/site/paths';
import type { PageBlock } from '../../core/validation/site-blocks';
import { renderDocument } from './document';
import { dateFormatter, isoDate, jsonLdHtml, linkFrom, readingMinutes } from './format';
import type { BlockView, BodyView, CardView, ImageView, LinkView, PageView } from './view';

/** Page slugs that would collide with the renderer's own paths (the blog, term pages, assets). */
const RESERVED_SLUGS = new Set(['blog', 'category', 'tag', 'assets', 'sitemap.xml', 'feed.xml', 'robots.txt']);

export interface Context {
  model: SiteModel;
  perPage: number;
  formatDate: (ms: number) => string;
  pages: SitePage[];
  homePage: SitePage | null;
  blogPage: SitePage | null;
  hubByCluster: Map<number, SitePage>;
  termsById: Map<number, SiteTerm>;
  termBySlug: Map<string, SiteTerm>;
}

export function context(model: SiteModel): Context {
  const pages = [...model.pages].sort((a, b) => a.order - b.order || a.id - b.id);
  const hubByCluster = new Map<number, SitePage>();
  for (const page of pages) {
    if (page.clusterId !== null && !hubByCluster.has(page.clusterId)) hubByCluster.set(page.clusterId, page);
  }
  return {
    model,
    perPage: model.blueprint.config.posts_per_page,
    formatDate: dateFormatter(model.blueprint.config.language),
    pages: pages.filter((p) => p.slug !== '' && !RESERVED_SLUGS.has(p.slug)),
    homePage: pages.find((p) => p.slug === '') ?? null,
    blogPage: pages.find((p) => p.slug === 'blog') ?? null,
    hubByCluster,
    termsById: new Map(model.terms.map((t) => [t.id, t])),
    termBySlug: new Map(model.terms.map((t) => [`${t.type}:${t.slug}`, t])),
  };
}

export const termPath = (term: SiteTerm, page = 1) =>
  term.type === 'blog_tag' ? sitePaths.tag(term.slug, page) : sitePaths.category(term.slug, page);
export const isListedTerm = (term: SiteTerm) => term.type === 'blog_category' || term.type === 'blog_tag';

export function articlesOfTerm(model: SiteModel, term: SiteTerm): SiteArticle[] {
  const of = (a: SiteArticle) => (term.type === 'blog_tag' ? a.tags : a.categories);
  return model.articles.filter((a) => of(a).includes(term.slug));
}

/** Renders page views for one file at `from` (its URL path; null for 404.html). */
export class PageWriter {
  constructor(
    private readonly ctx: Context,
    private readonly from: string | null,
  ) {}

  href(to: string): string {
    return linkFrom(this.from, this.ctx.model.baseUrl, to);
  }

  /** Sanitized HTML whose site-root images ("/assets/…", from the model loader) point relatively. */
  html(raw: string): string {
    return sanitizeHtml(raw).replace(/(<img\b[^>]*?\ssrc=")\/(assets\/[^"]+)"/g, (_, head: string, path: string) => {
      return `${head}${this.href(path)}"`;
    });
  }

  /** A block href: a site path ("/contact/") becomes relative; an http(s) URL stays. */
  blockHref(href: string): string {
    // Validated on the way in (blockHref); checked again since old rows or a direct write could hold anything.
    if (href.startsWith('/') && !href.startsWith('//')) return this.href(href);
    return safeUrl(href, 'href') && /^https?:/i.test(href) ? href : '#';
  }

  image(image: SiteImage | null | undefined): ImageView | null {
    if (!image) return null;
    return { src: this.href(image.path), width: image.width, height: image.height, alt: image.alt };
  }

  card(article: SiteArticle): CardView {
    return {
      title: article.title,
      href: this.href(sitePaths.article(article.slug)),
      excerpt: article.excerpt || article.metaDescription,
      date: isoDate(article.publishedAt),
      dateLabel: this.ctx.formatDate(article.publishedAt),
      readingMinutes: readingMinutes(article.wordCount, article.html),
      image: this.image(article.featuredImage),
    };
  }

  /** Resolves a block; a post list also reports the articles it shows. */
  block(block: PageBlock, shown: Set<number>, self: SitePage | null): BlockView {
    const { model } = this.ctx;
    switch (block.type) {
      case 'hero':
        return {
          type: 'hero',
          heading: block.heading,
          subheading: block.subheading,
          cta:
            block.cta_label && block.cta_href ? { label: block.cta_label, href: this.blockHref(block.cta_href) } : null,
          image: block.image_asset_id === null ? null : this.image(model.images[block.image_asset_id]),
        };
      case 'rich_text':
        return { type: 'rich_text', heading: block.heading, html: this.html(block.html) };
      case 'post_list': {
        let articles = model.articles;
        let more: LinkView | null = { label: 'All articles', href: this.href(sitePaths.blogIndex()) };
        if (block.source === 'cluster') {
          articles = articles.filter((a) => a.clusterId === block.cluster_id);
          const hub = block.cluster_id === null ? undefined : this.ctx.hubByCluster.get(block.cluster_id);
          more =
            hub && hub !== self ? { label: `More on ${hub.title}`, href: this.href(sitePaths.page(hub.slug)) } : null;
        } else if (block.source === 'taxonomy') {
          const term = block.taxonomy_id === null ? undefined : this.ctx.termsById.get(block.taxonomy_id);
          articles = term ? articlesOfTerm(model, term) : [];
          more = term && isListedTerm(term) ? { label: `More in ${term.name}`, href: this.href(termPath(term)) } : null;
        }
        const listed = articles.slice(0, block.limit);
        for (const a of listed) shown.add(a.id);
        return { type: 'post_list', heading: block.heading, cards: listed.map((a) => this.card(a)), more };
      }
      case 'faq':
        return { type: 'faq', heading: block.heading, items: block.items };
      case 'cta':
        return {
          type: 'cta',
          heading: block.heading,
          text: block.text,
          button: { label: block.button_label, href: this.blockHref(block.button_href) },
        };
      case 'contact':
        return {
          type: 'contact',
          heading: block.heading,
          email: block.email,
          phone: block.phone,
          address: block.address,
        };
    }
  }

  nav(current: string): PageView['nav'] {
    const { ctx } = this;
    const items: { path: string; label: string }[] = [{ path: sitePaths.home(), label: 'Home' }];
    for (const page of ctx.pages) {
      if (page.inNav && page.parentId === null) items.push({ path: sitePaths.page(page.slug), label: page.title });
    }
    items.push({ path: sitePaths.blogIndex(), label: ctx.blogPage?.title || 'Blog' });
    return items.map((item) => ({
      href: this.href(item.path),
      label: item.label,
      current: item.path === '' ? current === '' : current.startsWith(item.path),
    }));
  }

  /** The page's view: head data, breadcrumbs (Home first, the page last), the body. */
  view(opts: {
    urlPath: string;
    title: string;
    description: string;
    body: BodyView;
    crumbs: { path: string; label: string }[];
    ogType?: 'website' | 'article';
    ogImage?: SiteImage | null;
    jsonLd?: object[];
    noindex?: boolean;
  }): PageView {
    const { model } = this.ctx;
    const { config } = model.blueprint;
    const canonical = absoluteUrl(model.baseUrl, opts.urlPath);
    const trail = opts.crumbs.length ? [{ path: '', label: 'Home' }, ...opts.crumbs] : [];
    const jsonLd = [...(opts.jsonLd ?? [])];
    if (trail.length) {
      jsonLd.push({
        '@type': 'BreadcrumbList',
        itemListElement: trail.map((crumb, i) => ({
          '@type': 'ListItem',
          position: i + 1,
          name: crumb.label,
          item: absoluteUrl(model.baseUrl, crumb.path),
        })),
      });
    }
    const logo = model.logo;
    return {
      lang: config.language || 'en',
      siteName: model.site.name,
      tagline: config.tagline,
      footerText: config.footer_text,
      homeHref: this.href(''),
      stylesheet: this.href('assets/site.css'),
      feedHref: this.href(sitePaths.feed()),
      logo: this.image(logo),
      nav: this.nav(opts.urlPath),
      breadcrumbs: trail.map((crumb) => ({ href: this.href(crumb.path), label: crumb.label })),
      head: {
        title: opts.urlPath === '' ? opts.title : `${opts.title} | ${model.site.name}`,
        description: opts.description,
        canonical,
        ogType: opts.ogType ?? 'website',
        ogImage: opts.ogImage
          ? absoluteUrl(model.baseUrl, opts.ogImage.path)
          : logo
            ? absoluteUrl(model.baseUrl, logo.path)
            : null,
        jsonLdHtml: jsonLdHtml(jsonLd),
        noindex: opts.noindex ?? false,
      },
      body: opts.body,
    };
  }
}

export function faqJsonLd(blocks: BlockView[]): object[] {
  const items = blocks.flatMap((b) => (b.type === 'faq' ? b.items : []));
  if (!items.length) return [];
  return [
    {
      '@type': 'FAQPage',
      mainEntity: items.map((item) => ({
        '@type': 'Question',
        name: item.question,
        acceptedAnswer: { '@type': 'Answer', text: item.answer },
      })),
    },
  ];
}

export function html(path: string, ctx: Context, build: (writer: PageWriter) => PageView): RenderedFile {
  const view = build(new PageWriter(ctx, path === sitePaths.notFound() ? null : path));
  return { path: fileOf(path), contentType: 'text/html; charset=utf-8', body: renderDocument(ctx.model, view) };
}
