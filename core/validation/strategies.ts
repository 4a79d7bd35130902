import { z } from 'zod';
import { id, listQuery } from './common';

/** The prompts a strategy can shape: idea generation and article writing. */
export const STRATEGY_PROMPT_TYPES = ['ideas', 'content_generation'] as const;
export type StrategyPromptType = (typeof STRATEGY_PROMPT_TYPES)[number];

export const MIN_STRATEGY_WORDS = 300;
export const MAX_STRATEGY_WORDS = 10_000;

const words = z.number().int().min(MIN_STRATEGY_WORDS).max(MAX_STRATEGY_WORDS);

/** What every article (or idea outline) of the sector must contain. */
export const sectionLogic = z
  .object({
    /** H2 titles that must appear, in this order. */
    required_sections: z
      .array(z.string().trim().min(1, 'A section needs a title.').max(120, 'At most 120 characters.'))
      .max(12, 'At most 12 required sections.')
      .default([]),
    include_faq: z.boolean().default(false),
    min_words: words.optional(),
    max_words: words.optional(),
  })
  .strict()
  .refine((v) => v.min_words === undefined || v.max_words === undefined || v.min_words <= v.max_words, {
    message: 'The minimum is above the maximum.',
    path: ['max_words'],
  });
export type SectionLogic = z.output<typeof sectionLogic>;

const promptTypes = z
  .array(z.enum(STRATEGY_PROMPT_TYPES))
  .min(1, 'Pick at least one prompt type.')
  .transform((v) => [...new Set(v)].sort());

export const createStrategyBody = z.object({
  sector_id: id,
  name: z.string().trim().min(1, 'Required.').max(100, 'At most 100 characters.'),
  description: z.string().trim().max(2000, 'At most 2000 characters.').optional(),
  prompt_types: promptTypes,
  section_logic: sectionLogic.optional(),
  is_active: z.boolean().optional(),
});
export type CreateStrategyBody = z.output<typeof createStrategyBody>;

export const updateStrategyBody = z
  .object({
    name: createStrategyBody.shape.name,
    description: createStrategyBody.shape.description,
    prompt_types: promptTypes,
    section_logic: sectionLogic,
    is_active: z.boolean(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'Send at least one field to change.');
export type UpdateStrategyBody = z.output<typeof updateStrategyBody>;

export const strategyListQuery = listQuery.extend({
  sector_id: id.optional(),
  is_active: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});
export type StrategyListQuery = z.output<typeof strategyListQuery>;
