/**
 * The AI reply contracts (DESIGN.md §8): one zod schema per AI function. The same schema derives
 * the JSON schema sent as the model's structured-output format and validates the reply before
 * anything is written. Bounds that the product depends on (cluster sizes, outline length) are
 * checked by the parsers in worker/ai/functions, which also drop invented keywords.
 */
import { z } from 'zod';
import { CONTENT_STRUCTURES, CONTENT_TYPES, PAGE_TYPES, TAXONOMY_TYPES, type AiFunction } from '../domain/enums';
import { pageBlock } from '../validation/site-blocks';

const text = (max: number) => z.string().trim().min(1).max(max);

export const clusterItem = z.object({
  name: text(120),
  description: z.string().trim().max(1000).default(''),
  keywords: z.array(z.string().max(300)).min(1),
});
export const clusterReply = z.object({ clusters: z.array(clusterItem).min(1) });

export const outlineSection = z.object({ h2: text(200), coverage: z.string().trim().max(1000).default('') });

export const ideaItem = z.object({
  title: text(200),
  description: z.string().trim().max(2000).default(''),
  /** Missing: a post (the seed's default); a value outside the list is not guessed. */
  content_type: z.enum(CONTENT_TYPES).default('post'),
  content_structure: z.enum(CONTENT_STRUCTURES).default('article'),
  target_keywords: z.array(z.string().max(300)).default([]),
  estimated_word_count: z.coerce.number().int().min(100).max(20000),
  outline: z.array(outlineSection).min(1).max(20),
  cluster: z.string().max(120).optional(),
});
export const ideasReply = z.object({ ideas: z.array(ideaItem).min(1) });

export const contentSection = z.object({ h2: text(200), html: z.string().min(1).max(100_000) });
export const contentReply = z.object({
  title: text(200),
  meta_title: text(200),
  meta_description: text(500),
  primary_keyword: z.string().trim().max(300),
  secondary_keywords: z.array(z.string().max(300)).default([]),
  tags: z.array(z.string().max(100)).default([]),
  categories: z.array(z.string().max(100)).default([]),
  sections: z.array(contentSection).min(1),
});

export const imagePrompt = z.object({ prompt: text(2000), alt: z.string().trim().max(300).default('') });
export const inArticlePrompt = imagePrompt.extend({ after_section: z.coerce.number().int().min(0) });
export const imagePromptsReply = z.object({
  featured: imagePrompt,
  in_article: z.array(inArticlePrompt).default([]),
});

/**
 * An Optimizer fix (issue 11): one reply shape for its four actions, each filling its own field
 * (the parser in worker/optimizer/ai checks the action's field and its fit to the draft).
 */
export const optimizeReply = z.object({
  /** intro: the first paragraph rewritten (plain text or one <p>). */
  paragraph: z.string().max(5000).optional(),
  /** outline_section: the missing section, as the writer's sections are. */
  sections: z.array(contentSection).max(1).optional(),
  /** split_paragraphs: per long paragraph (by its index in the input), the shorter paragraphs it becomes. */
  splits: z
    .array(z.object({ index: z.coerce.number().int().min(0), paragraphs: z.array(z.string().max(5000)).min(1) }))
    .optional(),
  /** meta_description: the new description. */
  meta_description: z.string().max(500).optional(),
});

/** reparse_content: an existing article's SEO structure, read from its HTML (the seed's reparse). */
export const reparseReply = z.object({
  meta_title: z.string().trim().max(300).default(''),
  meta_description: z.string().trim().max(600).default(''),
  primary_keyword: z.string().trim().max(300).default(''),
  secondary_keywords: z.array(z.string().max(300)).max(40).default([]),
  tags: z.array(z.string().max(300)).max(60).default([]),
  categories: z.array(z.string().max(200)).max(20).default([]),
  outline: z.array(z.string().max(300)).max(40).default([]),
});

/**
 * A site's structure (issue 12): its pages (each may serve a cluster by id) and taxonomies. The
 * parser in worker/site-builder/ai reads items one by one and adds what the model forgot.
 */
export const structurePage = z.object({
  title: text(200),
  slug: z.string().trim().max(80).default(''),
  type: z.enum(PAGE_TYPES).default('custom'),
  cluster_id: z.coerce.number().int().positive().nullable().default(null),
  meta_description: z.string().trim().max(300).default(''),
  in_nav: z.boolean().default(true),
  parent_slug: z.string().trim().max(80).nullable().default(null),
});
export const structureTaxonomy = z.object({
  name: text(120),
  slug: z.string().trim().max(80).default(''),
  taxonomy_type: z.enum(TAXONOMY_TYPES).default('blog_category'),
});
export const siteStructureReply = z.object({
  pages: z.array(structurePage).min(1),
  taxonomies: z.array(structureTaxonomy).default([]),
});
/** One page's blocks in reading order (each checked on its own: an invalid one is dropped, not the page). */
export const pageContentReply = z.object({ blocks: z.array(pageBlock).min(1) });

export const REPLY_SCHEMAS = {
  auto_cluster: clusterReply,
  generate_ideas: ideasReply,
  generate_content: contentReply,
  generate_image_prompts: imagePromptsReply,
  optimize_content: optimizeReply,
  reparse_content: reparseReply,
  generate_site_structure: siteStructureReply,
  generate_page_content: pageContentReply,
} as const satisfies Partial<Record<AiFunction, z.ZodType>>;

export type TextAiFunction = keyof typeof REPLY_SCHEMAS;
export type ClusterReply = z.output<typeof clusterReply>;
export type IdeasReply = z.output<typeof ideasReply>;
export type ContentReply = z.output<typeof contentReply>;
export type ImagePromptsReply = z.output<typeof imagePromptsReply>;
export type OptimizeReply = z.output<typeof optimizeReply>;

/** The JSON schema for structured output: derived, never written by hand. */
export function responseFormatFor(fn: TextAiFunction) {
  return {
    type: 'json_schema' as const,
    json_schema: {
      name: fn,
      schema: z.toJSONSchema(REPLY_SCHEMAS[fn], { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
      strict: false,
    },
  };
}
