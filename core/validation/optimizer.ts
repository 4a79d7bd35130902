/** Payloads of the Optimizer and Linker APIs (issue 11), shared by the worker and the web. */
import { z } from 'zod';
import { CONTENT_STATUSES } from '../domain/enums';
import { id, listQuery } from './common';

/** Articles scored per analyze call: each is a draft room woken and its brief read. */
export const MAX_ANALYZE_BATCH = 100;

export const analyzeBody = z.object({
  content_ids: z
    .array(id)
    .min(1, 'Select at least one article.')
    .max(MAX_ANALYZE_BATCH, `At most ${MAX_ANALYZE_BATCH} articles at once.`),
});

export const scoresQuery = listQuery.extend({
  site_id: id,
  sector_id: id.optional(),
  band: z.enum(['low', 'medium', 'high', 'unscored']).optional(),
  status: z.enum(CONTENT_STATUSES).optional(),
});
export type ScoresQuery = z.output<typeof scoresQuery>;

// ---------------------------------------------------------------- AI fixes (POST /optimizer/optimize)

/** The Optimizer's AI fixes, each aimed at one check of the score (OPTIMIZE_CHECKS). */
export const OPTIMIZE_ACTIONS = ['intro', 'outline_section', 'split_paragraphs', 'meta_description'] as const;
export type OptimizeAction = (typeof OPTIMIZE_ACTIONS)[number];

/** The score checks each action addresses (ids of core/optimizer's checks). */
export const OPTIMIZE_CHECKS: Record<OptimizeAction, string[]> = {
  intro: ['placement.intro'],
  outline_section: ['outline.section'],
  split_paragraphs: ['readability.long-paragraphs'],
  meta_description: ['placement.meta-description'],
};

/** Articles per optimize job: each is a draft room woken and up to one AI call per action. */
export const MAX_OPTIMIZE_BATCH = 50;

const optimizeActions = z
  .array(z.enum(OPTIMIZE_ACTIONS))
  .min(1, 'Choose at least one fix.')
  .transform((actions) => [...new Set(actions)]);

export const optimizeBody = z
  .object({
    content_id: id.optional(),
    content_ids: z.array(id).max(MAX_OPTIMIZE_BATCH, `At most ${MAX_OPTIMIZE_BATCH} articles at once.`).optional(),
    actions: optimizeActions,
  })
  .transform(({ content_id, content_ids, actions }) => ({
    content_ids: [...new Set([...(content_ids ?? []), ...(content_id ? [content_id] : [])])],
    actions,
  }))
  .refine((v) => v.content_ids.length > 0, { message: 'Select at least one article.', path: ['content_ids'] });
export type OptimizeBody = z.output<typeof optimizeBody>;

/** `?content_id=&actions=intro,meta_description` (or repeated `actions=`): the price before the click. */
export const optimizeQuoteQuery = z.object({
  content_id: id,
  actions: z
    .union([z.string(), z.array(z.string())])
    .transform((v) =>
      (Array.isArray(v) ? v : [v])
        .flatMap((s) => s.split(','))
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(optimizeActions),
});
