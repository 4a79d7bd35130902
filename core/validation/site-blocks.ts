/**
 * Typed page blocks (issue 12): one zod schema per block type, closed by a discriminated union, so
 * the API, the AI function that writes pages and the renderer agree on every field. Rich text is
 * HTML that the renderer sanitizes again (core/html/sanitize) — validation bounds its size only.
 */
import { z } from 'zod';
import type { BlockType } from '../domain/enums';

const line = (max: number) => z.string().trim().max(max, `At most ${max} characters.`);
const required = (max: number) => line(max).min(1, 'Required.');
/** A site-relative path ("/contact/") or an absolute http(s) URL; never javascript: or data:. */
export const blockHref = z
  .string()
  .trim()
  .max(500)
  .refine((v) => v.startsWith('/') || /^https?:\/\//i.test(v), 'A path such as /contact/ or an http(s) URL.');

export const heroBlock = z.object({
  type: z.literal('hero'),
  heading: required(140),
  subheading: line(300).default(''),
  cta_label: line(40).default(''),
  cta_href: blockHref.or(z.literal('')).default(''),
  /** A site asset (uploaded image) shown beside or behind the heading. */
  image_asset_id: z.number().int().positive().nullable().default(null),
});

export const richTextBlock = z.object({
  type: z.literal('rich_text'),
  heading: line(140).default(''),
  html: z.string().max(100_000, 'At most 100,000 characters of HTML.'),
});

/** Lists the site's published articles: of a cluster, of a taxonomy term, or the latest. */
export const postListBlock = z.object({
  type: z.literal('post_list'),
  heading: line(140).default(''),
  source: z.enum(['latest', 'cluster', 'taxonomy']).default('latest'),
  cluster_id: z.number().int().positive().nullable().default(null),
  taxonomy_id: z.number().int().positive().nullable().default(null),
  limit: z.number().int().min(1).max(50).default(6),
});

export const faqBlock = z.object({
  type: z.literal('faq'),
  heading: line(140).default('Frequently asked questions'),
  items: z
    .array(z.object({ question: required(300), answer: required(2000) }))
    .min(1, 'Add at least one question.')
    .max(30, 'At most 30 questions.'),
});

export const ctaBlock = z.object({
  type: z.literal('cta'),
  heading: required(140),
  text: line(500).default(''),
  button_label: required(40),
  button_href: blockHref,
});

export const contactBlock = z.object({
  type: z.literal('contact'),
  heading: line(140).default('Contact us'),
  email: z.string().trim().email('An email address.').or(z.literal('')).default(''),
  phone: line(40).default(''),
  address: line(300).default(''),
});

export const pageBlock = z.discriminatedUnion('type', [
  heroBlock,
  richTextBlock,
  postListBlock,
  faqBlock,
  ctaBlock,
  contactBlock,
]);
export type PageBlock = z.output<typeof pageBlock>;
export type PageBlockOf<T extends BlockType> = Extract<PageBlock, { type: T }>;

export const MAX_BLOCKS_PER_PAGE = 40;
export const pageBlocks = z.array(pageBlock).max(MAX_BLOCKS_PER_PAGE, `At most ${MAX_BLOCKS_PER_PAGE} blocks.`);

/** The schema of each block type, by name (the metadata endpoint describes them from this). */
export const BLOCK_SCHEMAS = {
  hero: heroBlock,
  rich_text: richTextBlock,
  post_list: postListBlock,
  faq: faqBlock,
  cta: ctaBlock,
  contact: contactBlock,
} as const satisfies Record<BlockType, z.ZodType>;
