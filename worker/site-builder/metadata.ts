/**
 * What the builder's forms offer (GET /site-builder/metadata/): blueprint and page types, block
 * types with their JSON Schema (from the same zod schema that validates a page's blocks, so the
 * form and the server never disagree), taxonomy types and themes, each with a label and a line of help.
 */
import { z } from 'zod';
import {
  BLOCK_TYPES,
  BLUEPRINT_TYPES,
  type BlockType,
  PAGE_TYPES,
  SITE_THEMES,
  TAXONOMY_TYPES,
} from '../../core/domain/enums';
import { BLOCK_SCHEMAS } from '../../core/validation/site-blocks';

type Described<T extends string> = Record<T, [label: string, description: string]>;

const BLUEPRINTS: Described<(typeof BLUEPRINT_TYPES)[number]> = {
  blog: ['Blog', 'Articles first: a home page, the blog with categories and tags, about and contact.'],
  company: ['Company', 'Services and pages about the business, with a blog of supporting articles.'],
  ecommerce: ['Shop', 'Product categories and buying guides, with a blog of supporting articles.'],
};

const PAGES: Described<(typeof PAGE_TYPES)[number]> = {
  home: ['Home', 'The front page (one per blueprint, at the site root).'],
  about: ['About', 'Who is behind the site.'],
  services: ['Services', 'What the business offers.'],
  products: ['Products', 'Product categories or a catalogue overview.'],
  blog: ['Blog', 'The article index at /blog/.'],
  contact: ['Contact', 'How to get in touch.'],
  custom: ['Custom', 'Any other page, such as a pillar page of a cluster.'],
};

const BLOCKS: Described<BlockType> = {
  hero: ['Hero', 'A large heading with a subheading, an optional image and a call-to-action button.'],
  rich_text: ['Text', 'Formatted text with an optional heading.'],
  post_list: ['Article list', 'Published articles: the latest, of a cluster, or of a category or tag.'],
  faq: ['FAQ', 'Questions and answers (also marked up for search engines).'],
  cta: ['Call to action', 'A short pitch with one button.'],
  contact: ['Contact details', 'Email, phone and address.'],
};

const TAXONOMIES: Described<(typeof TAXONOMY_TYPES)[number]> = {
  blog_category: ['Blog category', 'Groups articles; each has a page at /category/<slug>/.'],
  blog_tag: ['Blog tag', 'Labels articles; each has a page at /tag/<slug>/.'],
  product_category: ['Product category', 'Groups products.'],
  product_tag: ['Product tag', 'Labels products.'],
  product_attribute: ['Product attribute', 'A property products are compared by (size, material).'],
  service_category: ['Service category', 'Groups services.'],
};

const THEMES: Described<(typeof SITE_THEMES)[number]> = {
  editorial: ['Editorial', 'A reading-first magazine layout: serif headings, a narrow column, quiet colours.'],
  studio: ['Studio', 'A bold business layout: large hero, cards and a strong accent colour.'],
};

const options = <T extends string>(values: readonly T[], described: Described<T>) =>
  values.map((value) => ({ value, label: described[value][0], description: described[value][1] }));

/** The builder's options; block schemas are JSON Schema of the accepted input. */
export function siteBuilderMetadata() {
  return {
    blueprint_types: options(BLUEPRINT_TYPES, BLUEPRINTS),
    page_types: options(PAGE_TYPES, PAGES),
    block_types: BLOCK_TYPES.map((type) => ({
      type,
      label: BLOCKS[type][0],
      description: BLOCKS[type][1],
      schema: z.toJSONSchema(BLOCK_SCHEMAS[type], { io: 'input' }) as Record<string, unknown>,
    })),
    taxonomy_types: options(TAXONOMY_TYPES, TAXONOMIES),
    themes: options(SITE_THEMES, THEMES),
  };
}
