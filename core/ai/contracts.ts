/**
 * The AI reply contracts (DESIGN.md §8): one zod schema per AI function. The same schema derives
 * the JSON schema sent as the model's structured-output format and validates the reply before
 * anything is written. Bounds that the product depends on (cluster sizes, outline length) are
 * checked by the parsers in worker/ai/functions, which also drop invented keywords.
 */
import { z } from 'zod';
import { CONTENT_STRUCTURES, CONTENT_TYPES, type AiFunction } from '../domain/enums';

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

export const REPLY_SCHEMAS = {
  auto_cluster: clusterReply,
  generate_ideas: ideasReply,
  generate_content: contentReply,
  generate_image_prompts: imagePromptsReply,
} as const satisfies Partial<Record<AiFunction, z.ZodType>>;

export type TextAiFunction = keyof typeof REPLY_SCHEMAS;
export type ClusterReply = z.output<typeof clusterReply>;
export type IdeasReply = z.output<typeof ideasReply>;
export type ContentReply = z.output<typeof contentReply>;
export type ImagePromptsReply = z.output<typeof imagePromptsReply>;

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
