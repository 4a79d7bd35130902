/** Payloads of the Optimizer and Linker APIs (issue 11), shared by the worker and the web. */
import { z } from 'zod';
import { CONTENT_STATUSES } from '../domain/enums';
import { id, listQuery } from './common';

/** Articles scored per analyze call: each is a draft room woken and its brief read. */
export const MAX_ANALYZE_BATCH = 100;

export const scoresQuery = listQuery.extend({
  site_id: id,
  sector_id: id.optional(),
  band: z.enum(['low', 'medium', 'high', 'unscored']).optional(),
  status: z.enum(CONTENT_STATUSES).optional(),
});
export type ScoresQuery = z.output<typeof scoresQuery>;

/**
 * "All N matching" on the Optimizer's table (issue 14 item 9): the list's own query (paging and
 * ordering left out) with the count the user saw; resolved on the server with the list's WHERE.
 */
export const scoresFilter = scoresQuery.omit({ page: true, page_size: true, ordering: true });
export type ScoresFilter = z.output<typeof scoresFilter>;
const bySelection = {
  filter: scoresFilter.optional(),
  expected_count: z.number().int().min(0).optional(),
};
const oneSelection = (v: { content_ids?: number[]; filter?: unknown }) =>
  (v.content_ids?.length ? 1 : 0) + (v.filter ? 1 : 0) === 1;
const ONE_SELECTION = { message: 'Send either content_ids or a filter (not both).', path: ['content_ids'] };

export const analyzeBody = z
  .object({
    content_ids: z
      .array(id)
      .min(1, 'Select at least one article.')
      .max(MAX_ANALYZE_BATCH, `At most ${MAX_ANALYZE_BATCH} articles at once.`)
      .optional(),
    ...bySelection,
  })
  .refine(oneSelection, ONE_SELECTION);
export type AnalyzeBody = z.output<typeof analyzeBody>;

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
    ...bySelection,
  })
  .transform(({ content_id, content_ids, actions, filter, expected_count }) => ({
    content_ids: [...new Set([...(content_ids ?? []), ...(content_id ? [content_id] : [])])],
    actions,
    filter,
    expected_count,
  }))
  .refine((v) => v.content_ids.length > 0 || v.filter, {
    message: 'Select at least one article.',
    path: ['content_ids'],
  })
  .refine(oneSelection, ONE_SELECTION);
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
