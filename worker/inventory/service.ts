/**
 * The site content inventory (DESIGN §9): the owner of `site_pages` and `site_links`. Projection
 * (the draft room), publishing, and later deploys and WordPress sync write pages through here;
 * the Linker, the Optimizer (the site's own TF-IDF) and reports read them.
 *
 * Functions named `…Statement(s)` return queries unrun for the caller's one D1 batch.
 */
import { and, asc, eq, type SQL, sql } from 'drizzle-orm';
import type { InventoryPage, PageTerm } from '../../core/linker';
import { sitePages } from '../../core/schema/shard';
import type { Statement } from '../db/batch';
import type { ShardDb } from '../db/shards';
import { idList } from '../db/id-list';

/** Where an article lives when it has no WordPress address yet: `/<slug>/` on the site. */
export const articlePath = (slug: string, contentId: number) => `/${slug || `content-${contentId}`}/`;

/** The origin internal links are written against: the WordPress site's, else the site's domain. */
export function siteOriginOf(site: { wp_url: string | null; domain: string | null }): string | null {
  for (const candidate of [site.wp_url, site.domain ? `https://${site.domain}` : null]) {
    if (!candidate) continue;
    try {
      return new URL(candidate).origin;
    } catch {
      /* not a URL: try the next */
    }
  }
  return null;
}

export type ContentPageFacts = {
  accountId: number;
  siteId: number;
  contentId: number;
  /** Present when the draft was projected: the room's reading of the body. Absent: keep the stored ones. */
  terms?: readonly PageTerm[];
  words?: number;
  outbound?: number;
};

/**
 * Makes the article's inventory row agree with its content row (title, slug → URL, status, cluster,
 * publish date; the hub of its cluster when its primary keyword is the cluster's name): one
 * INSERT … SELECT, so it reads the row in the same batch that changed it. Terms,
 * word count and outbound count come from the draft room's projection when given.
 */
export function contentPageStatement(facts: ContentPageFacts): Statement {
  return upsertContentPages(facts.accountId, facts.siteId, sql`= ${facts.contentId}`, facts);
}

/** Many articles' inventory rows at once (a bulk status change): the stored terms and counts are kept. */
export function contentPagesStatement(accountId: number, siteId: number, contentIds: readonly number[]): Statement {
  return upsertContentPages(accountId, siteId, sql`IN ${idList(contentIds)}`, {});
}

function upsertContentPages(
  accountId: number,
  siteId: number,
  /** The condition on the article id (`= ?` or `IN (…)`). */
  ids: SQL,
  facts: Pick<ContentPageFacts, 'terms' | 'words' | 'outbound'>,
): Statement {
  const terms = facts.terms ? JSON.stringify(facts.terms) : null;
  const words = facts.words ?? null;
  const outbound = facts.outbound ?? null;
  return sql`
    INSERT INTO site_pages (account_id, site_id, kind, ref_id, url, title, primary_keyword, cluster_id, is_hub,
                            status, published_at, scheduled_at, word_count, terms, outbound_count, created_at,
                            updated_at)
    SELECT c.account_id, c.site_id, 'content', c.id,
           COALESCE(c.wp_post_url, '/' || CASE WHEN c.slug <> '' THEN c.slug ELSE 'content-' || c.id END || '/'),
           c.title, c.primary_keyword, c.cluster_id,
           EXISTS (SELECT 1 FROM clusters cl WHERE cl.account_id = c.account_id AND cl.id = c.cluster_id
                      AND cl.normalized_name = lower(trim(c.primary_keyword))),
           c.status, c.published_at, CASE WHEN c.status = 'scheduled' THEN c.publish_at END,
           COALESCE(${words}, c.word_count), COALESCE(${terms}, '[]'), COALESCE(${outbound}, 0),
           ${Date.now()}, ${Date.now()}
      FROM content c WHERE c.account_id = ${accountId} AND c.site_id = ${siteId} AND c.id ${ids}
    ON CONFLICT (account_id, site_id, kind, ref_id) DO UPDATE SET
      url = excluded.url, title = excluded.title, primary_keyword = excluded.primary_keyword,
      cluster_id = excluded.cluster_id, is_hub = excluded.is_hub, status = excluded.status,
      published_at = excluded.published_at, scheduled_at = excluded.scheduled_at,
      word_count = excluded.word_count,
      terms = CASE WHEN ${terms} IS NULL THEN site_pages.terms ELSE excluded.terms END,
      outbound_count = CASE WHEN ${outbound} IS NULL THEN site_pages.outbound_count ELSE excluded.outbound_count END,
      updated_at = excluded.updated_at`;
}

/** Articles deleted (or moved out of the site): their pages and links go, and the pages they linked lose a link. */
export function removeContentPageStatements(
  accountId: number,
  siteId: number,
  contentIds: readonly number[],
): Statement[] {
  const pages = sql`(SELECT id FROM site_pages WHERE account_id = ${accountId} AND site_id = ${siteId}
                      AND kind = 'content' AND ref_id IN ${idList(contentIds)})`;
  return [
    sql`DELETE FROM site_links WHERE account_id = ${accountId} AND source_page_id IN ${pages}`,
    sql`DELETE FROM site_pages WHERE account_id = ${accountId} AND site_id = ${siteId}
          AND kind = 'content' AND ref_id IN ${idList(contentIds)}`,
    recountInboundStatement(accountId, siteId),
  ];
}

/** One internal link of a page (the draft room's PageLink). */
export type PageLink = { href: string; targetPageId: number | null; broken: 'missing' | 'unpublished' | null };

/**
 * Replaces the links an article's page holds and recounts inbound links on the site's pages: one
 * statement per link (bound parameters stay well under D1's 100), then one recount.
 */
export function replaceContentLinksStatements(
  accountId: number,
  siteId: number,
  contentId: number,
  links: readonly PageLink[],
): Statement[] {
  const page = sql`(SELECT id FROM site_pages WHERE account_id = ${accountId} AND site_id = ${siteId}
                     AND kind = 'content' AND ref_id = ${contentId})`;
  return [
    sql`DELETE FROM site_links WHERE account_id = ${accountId} AND source_page_id = ${page}`,
    ...links.map(
      (l) => sql`INSERT INTO site_links (account_id, site_id, source_page_id, href, target_page_id, broken)
                 SELECT ${accountId}, ${siteId}, ${page}, ${l.href}, ${l.targetPageId}, ${l.broken}
                  WHERE ${page} IS NOT NULL`,
    ),
    recountInboundStatement(accountId, siteId),
  ];
}

/** Inbound count = distinct other pages linking in (a page's links to itself don't count). */
function recountInboundStatement(accountId: number, siteId: number): Statement {
  return sql`
    UPDATE site_pages SET inbound_count = (
      SELECT count(DISTINCT l.source_page_id) FROM site_links l
       WHERE l.account_id = site_pages.account_id AND l.site_id = site_pages.site_id
         AND l.target_page_id = site_pages.id AND l.source_page_id <> site_pages.id)
     WHERE account_id = ${accountId} AND site_id = ${siteId}
       AND (inbound_count > 0 OR id IN (SELECT target_page_id FROM site_links
                                         WHERE account_id = ${accountId} AND site_id = ${siteId}))`;
}

type PageRow = typeof sitePages.$inferSelect;

/** The inventory row as the Linker reads it (ids as strings: the Linker is id-agnostic). */
export function toInventoryPage(row: PageRow): InventoryPage {
  return {
    id: String(row.id),
    url: row.url,
    title: row.title,
    primaryKeyword: row.primary_keyword,
    clusterId: row.cluster_id === null ? null : String(row.cluster_id),
    isHub: row.is_hub,
    status: row.status,
    publishedAt: row.published_at ? row.published_at.getTime() : null,
    scheduledAt: row.scheduled_at ? row.scheduled_at.getTime() : null,
    inboundCount: row.inbound_count,
    terms: row.terms,
  };
}

/** Every page of a site, oldest first (a stable order keeps the Linker's ranking stable). */
export async function sitePagesOf(db: ShardDb, accountId: number, siteId: number): Promise<PageRow[]> {
  return db
    .select()
    .from(sitePages)
    .where(and(eq(sitePages.account_id, accountId), eq(sitePages.site_id, siteId)))
    .orderBy(asc(sitePages.id))
    .all();
}

/**
 * The pages of articles in these sectors (deleted with them), with their links; pages that lose
 * inbound links are recounted. For the sectors' one batch, before the articles go.
 */
export function deleteSectorsPagesStatements(accountId: number, sectorIds: readonly number[]): Statement[] {
  const articles = sql`(SELECT id FROM content WHERE account_id = ${accountId}
                         AND sector_id IN (SELECT value FROM json_each(${JSON.stringify(sectorIds)})))`;
  const pages = sql`(SELECT id FROM site_pages WHERE account_id = ${accountId} AND kind = 'content'
                      AND ref_id IN ${articles})`;
  return [
    // Links into the deleted pages stay (their sources still hold the href) but now point nowhere.
    sql`UPDATE site_links SET target_page_id = NULL, broken = 'missing'
         WHERE account_id = ${accountId} AND target_page_id IN ${pages}`,
    sql`DELETE FROM site_links WHERE account_id = ${accountId} AND source_page_id IN ${pages}`,
    sql`DELETE FROM site_pages WHERE account_id = ${accountId} AND id IN ${pages}`,
    sql`UPDATE site_pages SET inbound_count = (
          SELECT count(DISTINCT l.source_page_id) FROM site_links l
           WHERE l.account_id = site_pages.account_id AND l.target_page_id = site_pages.id
             AND l.source_page_id <> site_pages.id)
         WHERE account_id = ${accountId}`,
  ];
}

/**
 * The Site Builder's pages of a deployed site (kind 'page', ref_id = the page id) at their live URLs;
 * pages no longer in the deployed site leave the inventory with their links. For the deploy's one
 * batch; `pages` travel as one JSON parameter (D1 binds at most 100 per statement).
 */
export function builderPagesStatements(
  accountId: number,
  siteId: number,
  pages: readonly { id: number; url: string; title: string }[],
): Statement[] {
  const json = JSON.stringify(pages);
  const now = Date.now();
  const gone = sql`(SELECT id FROM site_pages WHERE account_id = ${accountId} AND site_id = ${siteId} AND kind = 'page'
                     AND ref_id NOT IN (SELECT json_extract(value, '$.id') FROM json_each(${json})))`;
  return [
    sql`DELETE FROM site_links WHERE account_id = ${accountId} AND source_page_id IN ${gone}`,
    sql`DELETE FROM site_pages WHERE account_id = ${accountId} AND id IN ${gone}`,
    sql`
      INSERT INTO site_pages (account_id, site_id, kind, ref_id, url, title, status, published_at,
                              created_at, updated_at)
      SELECT ${accountId}, ${siteId}, 'page', json_extract(value, '$.id'), json_extract(value, '$.url'),
             json_extract(value, '$.title'), 'published', ${now}, ${now}, ${now}
        FROM json_each(${json}) WHERE true
      ON CONFLICT (account_id, site_id, kind, ref_id) DO UPDATE SET
        url = excluded.url, title = excluded.title, status = 'published', updated_at = excluded.updated_at`,
    recountInboundStatement(accountId, siteId),
  ];
}

/**
 * Articles live on the site IGNY8 serves get that address in the inventory (contentId → absolute
 * URL), whatever WordPress address they had: one statement, the map as one JSON parameter.
 */
export function articleUrlsStatement(accountId: number, siteId: number, urls: Record<number, string>): Statement {
  const json = JSON.stringify(urls);
  return sql`
    UPDATE site_pages SET url = json_extract(${json}, '$."' || ref_id || '"'), updated_at = ${Date.now()}
     WHERE account_id = ${accountId} AND site_id = ${siteId} AND kind = 'content'
       AND ref_id IN (SELECT CAST(key AS INTEGER) FROM json_each(${json}))`;
}

/** A WordPress post, page or term as the sync stores it (kind 'wordpress' | 'wordpress_term', ref_id = its WP id). */
export type RemotePage = {
  kind: 'wordpress' | 'wordpress_term';
  refId: number;
  url: string;
  title: string;
  terms: readonly PageTerm[];
  wordCount: number;
  /** date_gmt (ms) of posts and pages: when it went live; null for terms. */
  publishedAt: number | null;
  /** modified_gmt (ms) for posts and pages; null for terms (WordPress keeps no modified time for them). */
  remoteModifiedAt: number | null;
};

/** Rows per upsert statement: each travels as ONE JSON parameter (D1 binds at most 100 per statement). */
export const REMOTE_PAGES_PER_STATEMENT = 100;

/**
 * Upserts synced WordPress rows, published (only live posts are synced). A row whose
 * remote_modified_at, URL and title did not change is not rewritten (a re-sync writes nothing for it).
 */
export function remotePagesStatements(accountId: number, siteId: number, pages: readonly RemotePage[]): Statement[] {
  const now = Date.now();
  const statements: Statement[] = [];
  for (let i = 0; i < pages.length; i += REMOTE_PAGES_PER_STATEMENT) {
    const json = JSON.stringify(
      pages.slice(i, i + REMOTE_PAGES_PER_STATEMENT).map((p) => ({
        kind: p.kind,
        ref_id: p.refId,
        url: p.url,
        title: p.title,
        terms: p.terms,
        words: p.wordCount,
        modified: p.remoteModifiedAt,
        published: p.publishedAt,
      })),
    );
    statements.push(sql`
      INSERT INTO site_pages (account_id, site_id, kind, ref_id, url, title, status, published_at, word_count, terms,
                              remote_modified_at, created_at, updated_at)
      SELECT ${accountId}, ${siteId}, json_extract(value, '$.kind'), json_extract(value, '$.ref_id'),
             json_extract(value, '$.url'), json_extract(value, '$.title'), 'published',
             COALESCE(json_extract(value, '$.published'), ${now}), json_extract(value, '$.words'),
             json_extract(value, '$.terms'), json_extract(value, '$.modified'), ${now}, ${now}
        FROM json_each(${json}) WHERE true
      ON CONFLICT (account_id, site_id, kind, ref_id) DO UPDATE SET
        url = excluded.url, title = excluded.title, status = 'published', published_at = excluded.published_at,
        word_count = excluded.word_count, terms = excluded.terms, remote_modified_at = excluded.remote_modified_at,
        updated_at = excluded.updated_at
      WHERE site_pages.remote_modified_at IS NOT excluded.remote_modified_at
         OR site_pages.url <> excluded.url OR site_pages.title <> excluded.title`);
  }
  return statements;
}

/**
 * WordPress rows that left the site: `refIds` of one kind, or (`keep`) every row of that kind NOT
 * among the ids given (a full sync saw exactly these). Links into them turn broken ('missing').
 */
export function removeRemotePagesStatements(
  accountId: number,
  siteId: number,
  kind: 'wordpress' | 'wordpress_term',
  ids: { remove: readonly number[] } | { keep: readonly number[] },
): Statement[] {
  const json = JSON.stringify('remove' in ids ? ids.remove : ids.keep);
  const match = 'remove' in ids ? sql`IN` : sql`NOT IN`;
  const gone = sql`(SELECT id FROM site_pages WHERE account_id = ${accountId} AND site_id = ${siteId}
                     AND kind = ${kind} AND ref_id ${match} (SELECT value FROM json_each(${json})))`;
  return [
    sql`UPDATE site_links SET target_page_id = NULL, broken = 'missing'
         WHERE account_id = ${accountId} AND target_page_id IN ${gone}`,
    sql`DELETE FROM site_pages WHERE account_id = ${accountId} AND id IN ${gone}`,
  ];
}

/** Posts that are our own articles (content.wp_post_id) are 'content' rows: never also 'wordpress' ones. */
export function dropOwnArticlesFromRemoteStatement(accountId: number, siteId: number): Statement {
  return sql`
    DELETE FROM site_pages WHERE account_id = ${accountId} AND site_id = ${siteId} AND kind = 'wordpress'
       AND ref_id IN (SELECT wp_post_id FROM content WHERE account_id = ${accountId} AND site_id = ${siteId}
                         AND wp_post_id IS NOT NULL)`;
}

/** The stored modified time of these WordPress rows (ref_id → ms or null): what a re-sync may skip. */
export async function remoteModifiedOf(
  db: ShardDb,
  accountId: number,
  siteId: number,
  kind: 'wordpress' | 'wordpress_term',
  refIds: readonly number[],
): Promise<Map<number, { modified: number | null; url: string; title: string }>> {
  if (!refIds.length) return new Map();
  const rows = await db
    .select({
      ref_id: sitePages.ref_id,
      remote_modified_at: sitePages.remote_modified_at,
      url: sitePages.url,
      title: sitePages.title,
    })
    .from(sitePages)
    .where(
      and(
        eq(sitePages.account_id, accountId),
        eq(sitePages.site_id, siteId),
        eq(sitePages.kind, kind),
        sql`${sitePages.ref_id} IN (SELECT value FROM json_each(${JSON.stringify(refIds)}))`,
      ),
    )
    .all();
  return new Map(
    rows.map((r) => [r.ref_id, { modified: r.remote_modified_at?.getTime() ?? null, url: r.url, title: r.title }]),
  );
}

/** Whether the site has any synced row of this kind yet (a first sync reads bodies at once). */
export async function hasRemotePages(
  db: ShardDb,
  accountId: number,
  siteId: number,
  kind: 'wordpress' | 'wordpress_term',
): Promise<boolean> {
  const row = await db
    .select({ id: sitePages.id })
    .from(sitePages)
    .where(and(eq(sitePages.account_id, accountId), eq(sitePages.site_id, siteId), eq(sitePages.kind, kind)))
    .limit(1)
    .get();
  return row !== undefined;
}
