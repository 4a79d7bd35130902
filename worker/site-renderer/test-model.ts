/** A small, complete SiteModel for the renderer's specs (and anyone testing against the renderer). */
import type { SiteTheme } from '../../core/domain/enums';
import type { SiteArticle, SiteModel } from '../../core/site/model';
import { blueprintConfig } from '../../core/validation/site-builder';

const DAY = 86_400_000;
export const MODEL_EPOCH = Date.UTC(2026, 0, 1);

export function testArticle(id: number, overrides: Partial<SiteArticle> = {}): SiteArticle {
  return {
    id,
    slug: `article-${id}`,
    title: `Article ${id}`,
    html: `<h2>Part one</h2><p>Body of article ${id}.</p>`,
    excerpt: `Excerpt ${id}`,
    metaTitle: '',
    metaDescription: `About article ${id}`,
    primaryKeyword: 'gardening',
    categories: id % 2 ? ['soil'] : ['water'],
    tags: ['tips'],
    clusterId: 7,
    wordCount: 900,
    publishedAt: MODEL_EPOCH + id * DAY,
    updatedAt: MODEL_EPOCH + id * DAY,
    featuredImage: { path: `/assets/${'a'.repeat(63)}${id % 10}.webp`, width: 1200, height: 630, alt: `Photo ${id}` },
    ...overrides,
  };
}

/** `articleCount` articles, ids 1…n, newest (highest id) first. */
export function testModel(opts: { articleCount?: number; theme?: SiteTheme; perPage?: number } = {}): SiteModel {
  const count = opts.articleCount ?? 5;
  const articles = Array.from({ length: count }, (_, i) => testArticle(count - i));
  const updatedAt = MODEL_EPOCH;
  return {
    site: { id: 1, name: 'Green Thumb', description: 'A gardening site' },
    blueprint: {
      id: 3,
      name: 'Main',
      type: 'blog',
      theme: opts.theme ?? 'editorial',
      config: blueprintConfig.parse({ tagline: 'Grow better', posts_per_page: opts.perPage ?? 3 }),
    },
    baseUrl: 'https://green.example.com/',
    pages: [
      {
        id: 10,
        slug: '',
        title: 'Home',
        type: 'home',
        blocks: [
          {
            type: 'hero',
            heading: 'Grow better',
            subheading: 'Gardening guides',
            cta_label: 'Start',
            cta_href: '/about/',
            image_asset_id: 5,
          },
          { type: 'post_list', heading: 'Latest', source: 'latest', cluster_id: null, taxonomy_id: null, limit: 2 },
          { type: 'faq', heading: 'FAQ', items: [{ question: 'Is it free?', answer: 'Yes.' }] },
        ],
        parentId: null,
        clusterId: null,
        inNav: true,
        order: 0,
        metaDescription: 'Gardening guides',
        updatedAt,
      },
      {
        id: 11,
        slug: 'about',
        title: 'About us',
        type: 'about',
        blocks: [
          { type: 'rich_text', heading: 'Who we are', html: '<p>We <strong>grow</strong> things.</p>' },
          { type: 'cta', heading: 'Write to us', text: 'Any time.', button_label: 'Contact', button_href: '/contact/' },
        ],
        parentId: null,
        clusterId: null,
        inNav: true,
        order: 1,
        metaDescription: 'About the site',
        updatedAt,
      },
      {
        id: 12,
        slug: 'contact',
        title: 'Contact',
        type: 'contact',
        blocks: [
          {
            type: 'contact',
            heading: 'Contact us',
            email: 'hi@example.com',
            phone: '+1 555 0100',
            address: '1 Main St',
          },
        ],
        parentId: 11,
        clusterId: null,
        inNav: false,
        order: 2,
        metaDescription: '',
        updatedAt,
      },
      {
        id: 13,
        slug: 'soil-guide',
        title: 'The soil guide',
        type: 'custom',
        blocks: [{ type: 'rich_text', heading: '', html: '<p>Everything about soil.</p>' }],
        parentId: null,
        clusterId: 7,
        inNav: true,
        order: 3,
        metaDescription: 'Soil, explained',
        updatedAt,
      },
    ],
    articles,
    terms: [
      { id: 1, type: 'blog_category', name: 'Soil', slug: 'soil', description: 'All about soil' },
      { id: 2, type: 'blog_category', name: 'Water', slug: 'water', description: '' },
      { id: 3, type: 'blog_tag', name: 'Tips', slug: 'tips', description: '' },
    ],
    clusters: [{ id: 7, name: 'Soil care' }],
    logo: { path: `/assets/${'b'.repeat(64)}.png`, width: 200, height: 60, alt: 'Green Thumb' },
    images: { 5: { path: `/assets/${'c'.repeat(64)}.jpg`, width: 1600, height: 900, alt: 'A garden' } },
    binaries: [],
    builtAt: MODEL_EPOCH + 1000 * DAY,
  };
}
