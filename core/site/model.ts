/**
 * What the edge renderer draws a site from (issue 12): a plain, serialisable snapshot of a
 * blueprint, its pages and the site's live articles. The worker builds it from D1
 * (worker/site-builder/site-model.ts); the renderer (worker/site-renderer) turns it into files; the
 * deploy job writes those files to R2. Nothing here touches a platform API.
 */
import type { BlueprintType, PageType, SiteTheme, TaxonomyType } from '../domain/enums';
import type { PageBlock } from '../validation/site-blocks';
import type { BlueprintConfig } from '../validation/site-builder';

export interface SiteImage {
  /** Site-relative path of the deployed file ("/assets/3f9a….webp"). */
  path: string;
  width: number | null;
  height: number | null;
  alt: string;
}

export interface SitePage {
  id: number;
  /** "" for the home page. */
  slug: string;
  title: string;
  type: PageType;
  blocks: PageBlock[];
  parentId: number | null;
  clusterId: number | null;
  inNav: boolean;
  order: number;
  metaDescription: string;
  updatedAt: number;
}

export interface SiteArticle {
  id: number;
  slug: string;
  title: string;
  /** The article body as stored (content.html_content); the renderer sanitizes it again. */
  html: string;
  excerpt: string;
  metaTitle: string;
  metaDescription: string;
  primaryKeyword: string;
  /** Taxonomy term slugs (blog_category / blog_tag) the article belongs to. */
  categories: string[];
  tags: string[];
  clusterId: number | null;
  wordCount: number;
  publishedAt: number;
  updatedAt: number;
  featuredImage: SiteImage | null;
}

export interface SiteTerm {
  id: number;
  type: TaxonomyType;
  name: string;
  slug: string;
  description: string;
}

export interface SiteCluster {
  id: number;
  name: string;
}

export interface SiteModel {
  site: { id: number; name: string; description: string };
  blueprint: { id: number; name: string; type: BlueprintType; theme: SiteTheme; config: BlueprintConfig };
  /**
   * Absolute URL of the site's root, ending in "/": "https://blog.example.com/" in production,
   * "http://localhost:8787/s/green-thumb/" in development. Canonicals, sitemap and feed use it.
   */
  baseUrl: string;
  pages: SitePage[];
  /** Live articles only (published to IGNY8), newest first. */
  articles: SiteArticle[];
  terms: SiteTerm[];
  clusters: SiteCluster[];
  logo: SiteImage | null;
  /** Uploaded images blocks may reference, by asset id. */
  images: Record<number, SiteImage>;
  /**
   * Binary files the site needs copied from the private MEDIA bucket into the deployed site
   * (uploaded assets, article images): their site path and where their bytes are now.
   */
  binaries: SiteBinary[];
  /** When the snapshot was taken (ms): sitemap lastmod and feed dates fall back to it. */
  builtAt: number;
}

export interface SiteBinary {
  /** Site-relative path without the leading slash ("assets/3f9a….webp"). */
  path: string;
  /** Key in the MEDIA bucket. */
  sourceKey: string;
  contentType: string;
}

/** One file of a rendered site, at its site-relative path without the leading slash ("blog/x/index.html"). */
export interface RenderedFile {
  path: string;
  contentType: string;
  body: string | Uint8Array;
}

/**
 * The persisted list of a version's files (R2 `…/versions/<v>/manifest.json`). Versioned: a reader
 * refuses a format it does not know rather than serving a half-understood site.
 */
export interface SiteManifest {
  format: 1;
  version: number;
  createdAt: number;
  /** path → the file's blob (sha-256 hex of its bytes), size and type. */
  files: Record<string, { hash: string; size: number; type: string }>;
}
export const SITE_MANIFEST_FORMAT = 1;
