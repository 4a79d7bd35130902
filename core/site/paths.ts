/**
 * The URL scheme of a site IGNY8 serves, in one place: the renderer writes files at these paths,
 * incremental publishing asks which of them an article touches, the inventory records them.
 * Paths are site-relative without a leading slash; a directory path is served from its index.html.
 */
export const sitePaths = {
  home: () => '',
  page: (slug: string) => (slug ? `${slug}/` : ''),
  blogIndex: (page = 1) => (page <= 1 ? 'blog/' : `blog/page/${page}/`),
  article: (slug: string) => `blog/${slug}/`,
  category: (slug: string, page = 1) => (page <= 1 ? `category/${slug}/` : `category/${slug}/page/${page}/`),
  tag: (slug: string, page = 1) => (page <= 1 ? `tag/${slug}/` : `tag/${slug}/page/${page}/`),
  sitemap: () => 'sitemap.xml',
  robots: () => 'robots.txt',
  feed: () => 'feed.xml',
  notFound: () => '404.html',
} as const;

/** The file that holds a URL path: "blog/x/" → "blog/x/index.html", "" → "index.html". */
export function fileOf(urlPath: string): string {
  const path = urlPath.replace(/^\/+/, '');
  if (path === '' || path.endsWith('/')) return `${path}index.html`;
  return path;
}

/** Absolute URL of a site-relative path under the site's base URL (which ends in "/"). */
export function absoluteUrl(baseUrl: string, path: string): string {
  return baseUrl + path.replace(/^\/+/, '');
}
