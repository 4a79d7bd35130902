/**
 * planSite: every file of a site, each with the live articles it shows, rendered on demand. A full
 * deploy renders them all; publishing one article renders only the files listing it (DESIGN §9).
 */
import type { RenderedFile, SiteArticle, SiteModel, SitePage, SiteTerm } from '../../core/site/model';
import { absoluteUrl, fileOf, sitePaths } from '../../core/site/paths';
import type { PageBlock } from '../../core/validation/site-blocks';
import { renderFeed, renderRobots, renderSitemap, type SitemapEntry } from './feeds';
import { isoDate, olderPageOf, paginateStably, readingMinutes } from './format';
import {
  articlesOfTerm,
  type Context,
  context,
  faqJsonLd,
  html,
  isListedTerm,
  PageWriter,
  termPath,
} from './page-writer';
import { siteStylesheet } from './style';

export interface PlannedFile {
  /** File path inside the site ("blog/x/index.html", "sitemap.xml"). */
  path: string;
  /** The live articles whose data the file shows (sitemap and feed list every one they show). */
  articleIds: number[];
  render(): RenderedFile;
}

/** A cluster's hub page lists at most this many of the cluster's articles (newest first). */
const HUB_LIST_LIMIT = 50;
const FEED_SIZE = 20;

function planHome(ctx: Context): PlannedFile {
  const { model } = ctx;
  const shown = new Set<number>();
  const page = ctx.homePage;
  const build = (w: PageWriter, collect: Set<number>) => {
    const blocks: PageBlock[] = page?.blocks.length
      ? page.blocks
      : [
          {
            type: 'hero',
            heading: model.site.name,
            subheading: model.blueprint.config.tagline,
            cta_label: '',
            cta_href: '',
            image_asset_id: null,
          },
          {
            type: 'post_list',
            heading: 'Latest articles',
            source: 'latest',
            cluster_id: null,
            taxonomy_id: null,
            limit: ctx.perPage,
          },
        ];
    const views = blocks.map((b) => w.block(b, collect, page));
    const description =
      page?.metaDescription || model.blueprint.config.tagline || model.site.description || model.site.name;
    return w.view({
      urlPath: '',
      title: model.site.name,
      description,
      body: { kind: 'blocks', title: page?.title || model.site.name, isHome: true, blocks: views },
      crumbs: [],
      jsonLd: [
        {
          '@type': 'WebSite',
          name: model.site.name,
          url: model.baseUrl,
          description,
          inLanguage: model.blueprint.config.language,
        },
        ...faqJsonLd(views),
      ],
    });
  };
  build(new PageWriter(ctx, ''), shown);
  return { path: fileOf(''), articleIds: [...shown], render: () => html('', ctx, (w) => build(w, new Set())) };
}

function planPage(ctx: Context, page: SitePage): PlannedFile {
  const urlPath = sitePaths.page(page.slug);
  const parent = page.parentId === null ? undefined : ctx.pages.find((p) => p.id === page.parentId);
  const cluster = page.clusterId === null ? undefined : ctx.model.clusters.find((c) => c.id === page.clusterId);
  const blocks: PageBlock[] = [...page.blocks];
  // A cluster's hub page lists the cluster's live articles, unless its blocks already do.
  const isHub = page.clusterId !== null && ctx.hubByCluster.get(page.clusterId) === page;
  if (
    isHub &&
    !blocks.some((b) => b.type === 'post_list' && b.source === 'cluster' && b.cluster_id === page.clusterId)
  ) {
    blocks.push({
      type: 'post_list',
      heading: cluster ? `Articles on ${cluster.name}` : 'Articles',
      source: 'cluster',
      cluster_id: page.clusterId,
      taxonomy_id: null,
      limit: HUB_LIST_LIMIT,
    });
  }
  const build = (w: PageWriter, collect: Set<number>) => {
    const views = blocks.map((b) => w.block(b, collect, page));
    const crumbs = parent ? [{ path: sitePaths.page(parent.slug), label: parent.title }] : [];
    return w.view({
      urlPath,
      title: page.title,
      description:
        page.metaDescription || ctx.model.blueprint.config.tagline || `${page.title} — ${ctx.model.site.name}`,
      body: { kind: 'blocks', title: page.title, isHome: false, blocks: views },
      crumbs: [...crumbs, { path: urlPath, label: page.title }],
      jsonLd: faqJsonLd(views),
    });
  };
  const shown = new Set<number>();
  build(new PageWriter(ctx, urlPath), shown);
  return {
    path: fileOf(urlPath),
    articleIds: [...shown],
    render: () => html(urlPath, ctx, (w) => build(w, new Set())),
  };
}

/** A paginated list (the blog index, a category, a tag): one file per page. */
function planList(
  ctx: Context,
  opts: {
    articles: SiteArticle[];
    pathOf: (page: number) => string;
    title: string;
    description: string;
    crumbs: { path: string; label: string }[];
  },
): PlannedFile[] {
  const pages = paginateStably(opts.articles, ctx.perPage);
  return pages.map(({ page, items }) => {
    const urlPath = opts.pathOf(page);
    const title = page === 1 ? opts.title : `${opts.title} — page ${page}`;
    const older = olderPageOf(page, pages.length);
    const render = () =>
      html(urlPath, ctx, (w) =>
        w.view({
          urlPath,
          title,
          description: opts.description,
          body: {
            kind: 'list',
            title,
            description: page === 1 ? opts.description : '',
            cards: items.map((a) => w.card(a)),
            older: older === null ? null : { label: 'Older articles', href: w.href(opts.pathOf(older)) },
            latest: page === 1 ? null : { label: 'Latest articles', href: w.href(opts.pathOf(1)) },
            emptyText: 'No articles yet.',
          },
          crumbs: page === 1 ? opts.crumbs : [...opts.crumbs, { path: urlPath, label: `Page ${page}` }],
        }),
      );
    return { path: fileOf(urlPath), articleIds: items.map((a) => a.id), render };
  });
}

function planArticle(ctx: Context, article: SiteArticle): PlannedFile {
  const { model } = ctx;
  const urlPath = sitePaths.article(article.slug);
  const termsOf = (type: SiteTerm['type'], slugs: string[]) =>
    slugs.map((slug) => ctx.termBySlug.get(`${type}:${slug}`)).filter((t): t is SiteTerm => t !== undefined);
  const categories = termsOf('blog_category', article.categories);
  const tags = termsOf('blog_tag', article.tags);
  const hub = article.clusterId === null ? undefined : ctx.hubByCluster.get(article.clusterId);
  const render = () =>
    html(urlPath, ctx, (w) => {
      const title = article.title;
      const description = article.metaDescription || article.excerpt || title;
      const crumbs = [{ path: sitePaths.blogIndex(), label: ctx.blogPage?.title || 'Blog' }];
      if (categories[0]) crumbs.push({ path: termPath(categories[0]), label: categories[0].name });
      crumbs.push({ path: urlPath, label: title });
      const image = article.featuredImage;
      const updated = article.updatedAt > article.publishedAt ? article.updatedAt : null;
      return w.view({
        urlPath,
        title: article.metaTitle || title,
        description,
        body: {
          kind: 'article',
          title,
          html: w.html(article.html),
          image: w.image(image),
          published: isoDate(article.publishedAt),
          publishedLabel: ctx.formatDate(article.publishedAt),
          updated: updated === null ? null : isoDate(updated),
          updatedLabel: updated === null ? '' : ctx.formatDate(updated),
          readingMinutes: readingMinutes(article.wordCount, article.html),
          hub: hub ? { label: hub.title, href: w.href(sitePaths.page(hub.slug)) } : null,
          categories: categories.map((t) => ({ label: t.name, href: w.href(termPath(t)) })),
          tags: tags.map((t) => ({ label: t.name, href: w.href(termPath(t)) })),
        },
        crumbs,
        ogType: 'article',
        ogImage: image,
        jsonLd: [
          {
            '@type': 'Article',
            headline: title,
            description,
            datePublished: isoDate(article.publishedAt),
            dateModified: isoDate(Math.max(article.updatedAt, article.publishedAt)),
            mainEntityOfPage: absoluteUrl(model.baseUrl, urlPath),
            ...(image ? { image: absoluteUrl(model.baseUrl, image.path) } : {}),
            ...(article.primaryKeyword ? { keywords: article.primaryKeyword } : {}),
            inLanguage: model.blueprint.config.language,
            publisher: { '@type': 'Organization', name: model.site.name },
          },
        ],
      });
    });
  return { path: fileOf(urlPath), articleIds: [article.id], render };
}

function planNotFound(ctx: Context): PlannedFile {
  const path = sitePaths.notFound();
  const render = () =>
    html(path, ctx, (w) =>
      w.view({
        urlPath: path,
        title: 'Page not found',
        description: 'The page you asked for does not exist.',
        body: {
          kind: 'notFound',
          title: 'Page not found',
          home: { label: 'Go to the home page', href: w.href('') },
          blog: { label: 'Read the latest articles', href: w.href(sitePaths.blogIndex()) },
        },
        crumbs: [],
        noindex: true,
      }),
    );
  return { path, articleIds: [], render };
}

export function planSite(model: SiteModel): PlannedFile[] {
  const ctx = context(model);
  const blogTitle = ctx.blogPage?.title || 'Blog';
  const files: PlannedFile[] = [planHome(ctx), ...ctx.pages.map((page) => planPage(ctx, page))];
  const sitemap: SitemapEntry[] = [];
  files.push(
    ...planList(ctx, {
      articles: model.articles,
      pathOf: (page) => sitePaths.blogIndex(page),
      title: blogTitle,
      description: ctx.blogPage?.metaDescription || `Articles from ${model.site.name}.`,
      crumbs: [{ path: sitePaths.blogIndex(), label: blogTitle }],
    }),
  );
  files.push(...model.articles.map((article) => planArticle(ctx, article)));
  for (const term of model.terms.filter(isListedTerm)) {
    const label = term.type === 'blog_tag' ? `Tag: ${term.name}` : term.name;
    files.push(
      ...planList(ctx, {
        articles: articlesOfTerm(model, term),
        pathOf: (page) => termPath(term, page),
        title: label,
        description: term.description || `Articles in ${term.name}.`,
        crumbs: [
          { path: sitePaths.blogIndex(), label: blogTitle },
          { path: termPath(term), label },
        ],
      }),
    );
  }
  const newest = (articles: SiteArticle[]) => Math.max(0, ...articles.map((a) => Math.max(a.updatedAt, a.publishedAt)));
  const fallback = model.builtAt;
  sitemap.push({ path: '', lastmod: Math.max(ctx.homePage?.updatedAt ?? 0, newest(model.articles)) || fallback });
  for (const page of ctx.pages) sitemap.push({ path: sitePaths.page(page.slug), lastmod: page.updatedAt || fallback });
  sitemap.push({ path: sitePaths.blogIndex(), lastmod: newest(model.articles) || fallback });
  for (const a of model.articles)
    sitemap.push({ path: sitePaths.article(a.slug), lastmod: Math.max(a.updatedAt, a.publishedAt) });
  for (const term of model.terms.filter(isListedTerm)) {
    sitemap.push({ path: termPath(term), lastmod: newest(articlesOfTerm(model, term)) || fallback });
  }
  const allIds = model.articles.map((a) => a.id);
  const feedArticles = model.articles.slice(0, FEED_SIZE);
  files.push(
    { path: sitePaths.sitemap(), articleIds: allIds, render: () => renderSitemap(model, sitemap) },
    {
      path: sitePaths.feed(),
      articleIds: feedArticles.map((a) => a.id),
      render: () => renderFeed(model, feedArticles),
    },
    { path: sitePaths.robots(), articleIds: [], render: () => renderRobots(model) },
    planNotFound(ctx),
    {
      path: 'assets/site.css',
      articleIds: [],
      render: () => ({
        path: 'assets/site.css',
        contentType: 'text/css; charset=utf-8',
        body: siteStylesheet(model.blueprint.theme, model.blueprint.config.accent_color),
      }),
    },
  );
  return files;
}

/** The file a URL path of the site maps to, rendered now (the builder's live preview); null: none. */
export function renderPreview(model: SiteModel, urlPath: string): RenderedFile | null {
  const path = fileOf(urlPath);
  const file = planSite(model).find((f) => f.path === path);
  return file ? file.render() : null;
}
