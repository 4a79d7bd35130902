/**
 * loadSiteModel: the renderer's input (core/site/model.ts SiteModel) read from the account's shard —
 * the blueprint, its pages, taxonomies and clusters, the site's assets and its live articles (content
 * published to IGNY8: site_published_at set) with their featured images.
 *
 * Bounded for large sites: one statement per table, all sent as one D1 batch (one round trip), no
 * query per article; the featured images are selected by a subquery over the live articles instead
 * of an id list, so no statement binds more than a handful of parameters (D1 allows 100).
 *
 * Binaries: uploaded assets the site shows (logo, hero images) at assets/<sha256>.<ext>, and the live
 * articles' generated images (featured, and in-article ones the body shows) at assets/<hash of their
 * R2 key>.<ext> — a regenerated image has a new key, hence a new path.
 */
import { and, desc, eq, inArray, isNotNull } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { deriveExcerpt } from '../../core/html/sanitize';
import { imageIdOfSrc } from '../../core/media/image-keys';
import type { SiteArticle, SiteBinary, SiteImage, SiteModel, SitePage, SiteTerm } from '../../core/site/model';
import {
  clusters,
  content,
  images,
  pageBlueprints,
  siteAssets,
  siteBlueprintClusters,
  siteBlueprints,
  siteBlueprintTaxonomies,
  sites,
} from '../../core/schema/shard';
import { pageBlocks } from '../../core/validation/site-blocks';
import { blueprintConfig } from '../../core/validation/site-builder';
import type { ShardDb } from '../db/shards';

export interface SiteModelScope {
  accountId: number;
  siteId: number;
  blueprintId: number;
  /** Absolute URL of the site's root, ending in "/". */
  baseUrl: string;
  /** Snapshot time (ms): SiteModel.builtAt. */
  now: number;
}

const EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/x-icon': 'ico',
  'image/avif': 'avif',
  'image/svg+xml': 'svg',
};
const extensionOf = (contentType: string | null) => EXTENSIONS[(contentType ?? '').toLowerCase()] ?? 'bin';

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const slugify = (text: string) =>
  text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

/**
 * An excerpt from the body's opening only: deriving it from a whole article costs ~0.8 ms, i.e. 0.4 s
 * of CPU for a 500-article site; 240 characters of text always lie in the first 1,500 of HTML or so.
 * Cut after a tag end, so no half tag becomes text.
 */
function excerptOf(html: string): string {
  const cut = html.length <= 1500 ? html : html.slice(0, html.lastIndexOf('>', 1500) + 1) || html.slice(0, 1500);
  return deriveExcerpt(cut, 240);
}

/** The site's renderer input; null when the blueprint is not this site's (or is gone). */
export async function loadSiteModel(db: ShardDb, scope: SiteModelScope): Promise<SiteModel | null> {
  const { accountId, siteId, blueprintId } = scope;
  const ofSite = (t: { account_id: SQLiteColumn; site_id: SQLiteColumn }) =>
    and(eq(t.account_id, accountId), eq(t.site_id, siteId));
  const liveArticleIds = db
    .select({ id: content.id })
    .from(content)
    .where(and(ofSite(content), isNotNull(content.site_published_at)));

  const [blueprintRows, siteRows, pageRows, termRows, clusterRows, assetRows, articleRows, imageRows] = await db.batch([
    db
      .select()
      .from(siteBlueprints)
      .where(and(ofSite(siteBlueprints), eq(siteBlueprints.id, blueprintId))),
    db
      .select({ name: sites.name, description: sites.description })
      .from(sites)
      .where(and(eq(sites.account_id, accountId), eq(sites.id, siteId))),
    db
      .select()
      .from(pageBlueprints)
      .where(and(ofSite(pageBlueprints), eq(pageBlueprints.site_blueprint_id, blueprintId))),
    db
      .select()
      .from(siteBlueprintTaxonomies)
      .where(and(ofSite(siteBlueprintTaxonomies), eq(siteBlueprintTaxonomies.site_blueprint_id, blueprintId))),
    db
      .selectDistinct({ id: clusters.id, name: clusters.name })
      .from(siteBlueprintClusters)
      .innerJoin(clusters, and(eq(clusters.account_id, accountId), eq(clusters.id, siteBlueprintClusters.cluster_id)))
      .where(and(ofSite(siteBlueprintClusters), eq(siteBlueprintClusters.site_blueprint_id, blueprintId))),
    db.select().from(siteAssets).where(ofSite(siteAssets)),
    db
      .select({
        id: content.id,
        slug: content.slug,
        title: content.title,
        html: content.html_content,
        excerpt: content.excerpt,
        metaTitle: content.meta_title,
        metaDescription: content.meta_description,
        primaryKeyword: content.primary_keyword,
        categories: content.categories,
        tags: content.tags,
        clusterId: content.cluster_id,
        wordCount: content.word_count,
        publishedAt: content.site_published_at,
        updatedAt: content.updated_at,
      })
      .from(content)
      .where(and(ofSite(content), isNotNull(content.site_published_at)))
      .orderBy(desc(content.site_published_at), desc(content.id)),
    db
      .select({
        id: images.id,
        contentId: images.content_id,
        r2Key: images.r2_key,
        mimeType: images.mime_type,
        width: images.width,
        height: images.height,
        alt: images.alt,
        type: images.image_type,
      })
      .from(images)
      .where(
        and(
          ofSite(images),
          eq(images.status, 'generated'),
          isNotNull(images.r2_key),
          inArray(images.content_id, liveArticleIds),
        ),
      )
      .orderBy(images.id),
  ]);

  const blueprint = blueprintRows[0];
  const site = siteRows[0];
  if (!blueprint || !site) return null;
  const parsedConfig = blueprintConfig.safeParse(blueprint.config ?? {});
  const config = parsedConfig.success ? parsedConfig.data : blueprintConfig.parse({});

  const binaries = new Map<string, SiteBinary>();
  const assetImages = new Map<number, SiteImage>();
  for (const asset of assetRows) {
    const path = `assets/${asset.sha256}.${extensionOf(asset.content_type)}`;
    assetImages.set(asset.id, { path: `/${path}`, width: asset.width, height: asset.height, alt: asset.alt });
  }
  const useAsset = (id: number | null): SiteImage | null => {
    const image = id === null ? undefined : assetImages.get(id);
    const asset = id === null ? undefined : assetRows.find((a) => a.id === id);
    if (!image || !asset) return null;
    const path = image.path.slice(1);
    binaries.set(path, { path, sourceKey: asset.r2_key, contentType: asset.content_type });
    return image;
  };

  const pages: SitePage[] = pageRows.map((row) => {
    const blocks = pageBlocks.safeParse(row.blocks);
    return {
      id: row.id,
      slug: row.slug,
      title: row.title,
      type: row.type,
      // A row that no longer validates (an older block shape) renders without blocks rather than failing the site.
      blocks: blocks.success ? blocks.data : [],
      parentId: row.parent_id,
      clusterId: row.cluster_id,
      inNav: row.in_nav,
      order: row.order,
      metaDescription: row.meta_description,
      updatedAt: row.updated_at.getTime(),
    };
  });
  const blockImages: Record<number, SiteImage> = {};
  for (const page of pages) {
    for (const block of page.blocks) {
      if (block.type !== 'hero' || block.image_asset_id === null) continue;
      const image = useAsset(block.image_asset_id);
      if (image) blockImages[block.image_asset_id] = image;
    }
  }
  const logoAssetId =
    config.logo_asset_id ?? assetRows.filter((a) => a.kind === 'logo').sort((a, b) => b.id - a.id)[0]?.id ?? null;
  const logo = useAsset(logoAssetId);

  const terms: SiteTerm[] = termRows.map((row) => ({
    id: row.id,
    type: row.taxonomy_type,
    name: row.name,
    slug: row.slug,
    description: row.description,
  }));
  /** An article's category/tag names (as the writer stores them) → the blueprint's term slugs. */
  const termSlugs = (type: SiteTerm['type'], values: string[] | null) => {
    const wanted = new Set((values ?? []).flatMap((v) => [v.trim().toLowerCase(), slugify(v)]));
    return terms
      .filter((t) => t.type === type && (wanted.has(t.slug) || wanted.has(t.name.trim().toLowerCase())))
      .map((t) => t.slug);
  };

  // Generated images of the live articles: the featured one (the newest wins: rows come ordered by id),
  // and in-article ones, whose /media/<key> srcs in the body become the deployed file's path.
  const featured = new Map<number, SiteImage>();
  const inArticle = new Map<number, { contentId: number; path: string; binary: SiteBinary }>();
  for (const row of imageRows) {
    if (row.contentId === null || row.r2Key === null) continue;
    const path = `assets/${(await sha256Hex(row.r2Key)).slice(0, 32)}.${extensionOf(row.mimeType)}`;
    const binary = { path, sourceKey: row.r2Key, contentType: row.mimeType ?? 'application/octet-stream' };
    if (row.type === 'featured') {
      binaries.set(path, binary);
      featured.set(row.contentId, { path: `/${path}`, width: row.width, height: row.height, alt: row.alt });
    } else {
      inArticle.set(row.id, { contentId: row.contentId, path, binary });
    }
  }
  /** The body with its own generated images pointing at their deployed files (else they'd point at /media/). */
  const withSiteImages = (contentId: number, html: string) =>
    html.replace(/(<img\b[^>]*?\ssrc=)(["'])([^"']*)\2/gi, (whole, head: string, quote: string, src: string) => {
      const imageId = imageIdOfSrc(src);
      const image = imageId === null ? undefined : inArticle.get(imageId);
      if (!image || image.contentId !== contentId) return whole;
      binaries.set(image.path, image.binary);
      return `${head}${quote}/${image.path}${quote}`;
    });

  const articles: SiteArticle[] = articleRows.map((row) => ({
    id: row.id,
    slug: row.slug || `article-${row.id}`,
    title: row.title,
    html: withSiteImages(row.id, row.html),
    excerpt: row.excerpt || excerptOf(row.html),
    metaTitle: row.metaTitle,
    metaDescription: row.metaDescription,
    primaryKeyword: row.primaryKeyword,
    categories: termSlugs('blog_category', row.categories),
    tags: termSlugs('blog_tag', row.tags),
    clusterId: row.clusterId,
    wordCount: row.wordCount,
    publishedAt: row.publishedAt?.getTime() ?? scope.now,
    updatedAt: row.updatedAt.getTime(),
    featuredImage: featured.get(row.id) ?? null,
  }));

  return {
    site: { id: siteId, name: site.name, description: site.description },
    blueprint: { id: blueprint.id, name: blueprint.name, type: blueprint.type, theme: blueprint.theme, config },
    baseUrl: scope.baseUrl,
    pages,
    articles,
    terms,
    clusters: clusterRows,
    logo,
    images: blockImages,
    binaries: [...binaries.values()],
    builtAt: scope.now,
  };
}
