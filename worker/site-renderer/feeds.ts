/** The site's machine-read files: sitemap.xml, feed.xml (RSS 2.0) and robots.txt. */
import type { RenderedFile, SiteArticle, SiteModel } from '../../core/site/model';
import { absoluteUrl, sitePaths } from '../../core/site/paths';
import { isoDate, xmlEscape } from './format';

export interface SitemapEntry {
  path: string;
  lastmod: number;
}

export function renderSitemap(model: SiteModel, entries: SitemapEntry[]): RenderedFile {
  const urls = entries.map(
    (e) =>
      `  <url><loc>${xmlEscape(absoluteUrl(model.baseUrl, e.path))}</loc>` +
      `<lastmod>${isoDate(e.lastmod).slice(0, 10)}</lastmod></url>`,
  );
  const body = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ...urls,
    '</urlset>',
    '',
  ].join('\n');
  return { path: sitePaths.sitemap(), contentType: 'application/xml; charset=utf-8', body };
}

/** RSS 2.0 of the latest articles; dates come from the articles, so an unchanged site renders the same bytes. */
export function renderFeed(model: SiteModel, articles: SiteArticle[]): RenderedFile {
  const lastBuild = Math.max(0, ...articles.map((a) => Math.max(a.updatedAt, a.publishedAt))) || model.builtAt;
  const items = articles.map((a) => {
    const link = xmlEscape(absoluteUrl(model.baseUrl, sitePaths.article(a.slug)));
    return [
      '    <item>',
      `      <title>${xmlEscape(a.title)}</title>`,
      `      <link>${link}</link>`,
      `      <guid isPermaLink="true">${link}</guid>`,
      `      <pubDate>${new Date(a.publishedAt).toUTCString()}</pubDate>`,
      `      <description>${xmlEscape(a.excerpt || a.metaDescription)}</description>`,
      ...a.categories.map((c) => `      <category>${xmlEscape(c)}</category>`),
      '    </item>',
    ].join('\n');
  });
  const self = xmlEscape(absoluteUrl(model.baseUrl, sitePaths.feed()));
  const body = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">',
    '  <channel>',
    `    <title>${xmlEscape(model.site.name)}</title>`,
    `    <link>${xmlEscape(model.baseUrl)}</link>`,
    `    <description>${xmlEscape(
      model.blueprint.config.tagline || model.site.description || model.site.name,
    )}</description>`,
    `    <language>${xmlEscape(model.blueprint.config.language)}</language>`,
    `    <lastBuildDate>${new Date(lastBuild).toUTCString()}</lastBuildDate>`,
    `    <atom:link href="${self}" rel="self" type="application/rss+xml"/>`,
    ...items,
    '  </channel>',
    '</rss>',
    '',
  ].join('\n');
  return { path: sitePaths.feed(), contentType: 'application/rss+xml; charset=utf-8', body };
}

export function renderRobots(model: SiteModel): RenderedFile {
  const body = `User-agent: *\nAllow: /\n\nSitemap: ${absoluteUrl(model.baseUrl, sitePaths.sitemap())}\n`;
  return { path: sitePaths.robots(), contentType: 'text/plain; charset=utf-8', body };
}
