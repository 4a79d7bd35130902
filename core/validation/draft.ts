/** Bodies of the draft routes (worker/writer/draft-routes.ts) and the minimal content create. */
import { z } from 'zod';
import { id } from './common';

export const createVersionBody = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Required.')
    .max(120, 'At most 120 characters.')
    .describe('A name for this version, e.g. "Before legal review"'),
});

export const createContentBody = z.object({
  site_id: id,
  sector_id: id,
  title: z.string().trim().min(1, 'Required.').max(255, 'At most 255 characters.'),
});
