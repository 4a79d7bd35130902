/** Payloads of the Optimizer and Linker APIs (issue 11), shared by the worker and the web. */
import { z } from 'zod';
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
  band: z.enum(['low', 'medium', 'high', 'unscored']).optional(),
  status: z.enum(['draft', 'review', 'published']).optional(),
});
export type ScoresQuery = z.output<typeof scoresQuery>;
