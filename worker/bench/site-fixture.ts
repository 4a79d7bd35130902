import { sql } from 'drizzle-orm';
import * as schema from '../../core/schema/shard';
import { runBatch } from '../db/batch';
import type { ShardDb } from '../db/shards';

/**
 * The issue-12 bench's seeded site (bench/scenarios/site.mjs): one hub cluster, a blueprint with a
 * home, a blog and an about page, five categories, ten tags and `articles` articles live on IGNY8
 * (~900 words each), written as plainly as D1 allows — each table one INSERT … SELECT over
 * json_each(?), so 500 articles are a handful of statements, not 500 round trips.
 */
export interface SiteFixture {
  accountId: number;
  siteId: number;
  sectorId: number;
  articles: number;
  /** Inserted as drafts (not live): the incremental publish publishes one of them. */
  drafts: number;
}

const WORDS = (
  'soil compost water light roots leaves season garden plant grow harvest seed mulch prune bloom shade sun ' +
  'bed raised drainage nutrient organic pest natural method care week month spring summer autumn winter'
).split(' ');

function paragraph(seed: number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[(seed * 7 + i * 13 + ((i * i) % 11)) % WORDS.length] as string);
  return `<p>${out.join(' ')}.</p>`;
}

function articleHtml(n: number): string {
  const parts: string[] = [];
  for (let s = 0; s < 6; s++) {
    parts.push(`<h2>Section ${s + 1} of article ${n}</h2>`);
    parts.push(paragraph(n + s, 80), paragraph(n + s + 1, 70));
  }
  return parts.join('');
}

export async function insertSiteFixture(db: ShardDb, f: SiteFixture): Promise<{ blueprintId: number }> {
  const now = Date.now();
  const cluster = await db
    .insert(schema.clusters)
    .values({
      account_id: f.accountId,
      site_id: f.siteId,
      sector_id: f.sectorId,
      name: 'Bench gardening',
      normalized_name: `bench gardening ${now}`,
      volume: 1000,
      keywords_count: 10,
    })
    .returning({ id: schema.clusters.id })
    .get();
  const blueprint = await db
    .insert(schema.siteBlueprints)
    .values({ account_id: f.accountId, site_id: f.siteId, name: 'Bench site', type: 'blog', status: 'ready' })
    .returning({ id: schema.siteBlueprints.id })
    .get();
  const base = { account_id: f.accountId, site_id: f.siteId, site_blueprint_id: blueprint.id };
  const hero = (heading: string) => ({ type: 'hero', heading, subheading: 'Bench', cta_label: '', cta_href: '' });
  const latest = { type: 'post_list', heading: 'Latest', source: 'latest', limit: 6 };
  const rows = Array.from({ length: f.articles + f.drafts }, (_, i) => ({
    title: `Bench article ${i + 1}: growing tips`,
    slug: `bench-article-${i + 1}`,
    html: articleHtml(i + 1),
    category: `category-${(i % 5) + 1}`,
    tags: [`tag-${(i % 10) + 1}`, `tag-${((i + 3) % 10) + 1}`],
    live: i < f.articles ? now - (f.articles - i) * 60_000 : null,
  }));
  await runBatch(db, [
    db.insert(schema.pageBlueprints).values([
      { ...base, slug: '', title: 'Home', type: 'home', order: 0, blocks: [hero('Bench gardening'), latest] },
      { ...base, slug: 'blog', title: 'Blog', type: 'blog', order: 1, blocks: [] },
      { ...base, slug: 'about', title: 'About', type: 'about', order: 2, blocks: [hero('About us')] },
      {
        ...base,
        slug: 'gardening',
        title: 'Gardening guide',
        type: 'custom',
        order: 3,
        cluster_id: cluster.id,
        blocks: [hero('Gardening'), { ...latest, source: 'cluster', cluster_id: cluster.id }],
      },
    ]),
    db.insert(schema.siteBlueprintClusters).values({ ...base, cluster_id: cluster.id, role: 'hub' }),
    // Five terms a statement: every column is bound (defaults too), and D1 allows 100 parameters.
    ...[1, 2, 3].map((group) =>
      db.insert(schema.siteBlueprintTaxonomies).values(
        [1, 2, 3, 4, 5].map((n) =>
          group === 1
            ? { ...base, name: `Category ${n}`, slug: `category-${n}`, taxonomy_type: 'blog_category' as const }
            : {
                ...base,
                name: `Tag ${n + (group - 2) * 5}`,
                slug: `tag-${n + (group - 2) * 5}`,
                taxonomy_type: 'blog_tag' as const,
              },
        ),
      ),
    ),
    sql`INSERT INTO content (account_id, site_id, sector_id, cluster_id, title, slug, html_content, word_count,
          primary_keyword, categories, tags, status, source, published_at, site_published_at, created_at, updated_at)
        SELECT ${f.accountId}, ${f.siteId}, ${f.sectorId}, ${cluster.id}, j.value ->> 'title', j.value ->> 'slug',
          j.value ->> 'html', 960, 'gardening', json_array(j.value ->> 'category'), json(j.value -> 'tags'),
          CASE WHEN j.value ->> 'live' IS NULL THEN 'review' ELSE 'published' END, 'manual',
          j.value ->> 'live', j.value ->> 'live', ${now}, ${now}
        FROM json_each(${JSON.stringify(rows)}) AS j`,
  ]);
  return { blueprintId: blueprint.id };
}
