/**
 * The edge renderer (issue 12, DESIGN §9): a SiteModel becomes the files of a static site — HTML from
 * the theme's Svelte components rendered on the server (no client JS), one stylesheet, sitemap, feed,
 * robots.txt and 404.html.
 */
export { type PlannedFile, planSite, renderPreview } from './plan';
