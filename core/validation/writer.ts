import { z } from 'zod';
import {
  CONTENT_STATUSES,
  CONTENT_STRUCTURES,
  CONTENT_TYPES,
  IMAGE_STATUSES,
  IMAGE_TYPES,
  TASK_STATUSES,
} from '../domain/enums';
import { description, id, listQuery } from './common';
import { keywordText } from './planner';
import { selectionOf } from './selection';

export const createTaskBody = z.object({
  site_id: id,
  sector_id: id,
  title: z.string().trim().min(1).max(200),
  description: description.optional(),
  cluster_id: id.nullable().optional(),
  target_keywords: z.array(keywordText).max(50).optional(),
  content_type: z.enum(CONTENT_TYPES).optional(),
  content_structure: z.enum(CONTENT_STRUCTURES).optional(),
  word_count_target: z.number().int().min(100).max(20_000).optional(),
  author_profile_id: id.nullable().optional(),
  /** Task-level prompt override: the first place prompt resolution looks (seed). */
  prompt_override: z.string().trim().max(20_000).nullable().optional(),
});

export const updateTaskBody = createTaskBody
  .omit({ site_id: true, sector_id: true })
  .partial()
  .extend({ status: z.enum(TASK_STATUSES).optional() })
  .refine((v) => Object.keys(v).length > 0, 'Send at least one field to change.');

export const taskListQuery = listQuery.extend({
  site_id: id.optional(),
  sector_id: id.optional(),
  cluster_id: id.optional(),
  status: z.enum(TASK_STATUSES).optional(),
});

export const generateContentBody = z.object({
  ids: z.array(id).min(1, 'Select at least one task.').max(500, 'At most 500 tasks at once.'),
});

export const imageListQuery = listQuery.extend({
  site_id: id.optional(),
  sector_id: id.optional(),
  content_id: id.optional(),
  status: z.enum(IMAGE_STATUSES).optional(),
  image_type: z.enum(IMAGE_TYPES).optional(),
});

export const contentListQuery = listQuery.extend({
  site_id: id.optional(),
  sector_id: id.optional(),
  status: z.enum(CONTENT_STATUSES).optional(),
  source: z.enum(['ai', 'manual']).optional(),
});

/** Editable fields of a content item. The article body is edited in its draft (the DraftRoom), not here. */
export const updateContentBody = z
  .object({
    title: z.string().trim().min(1).max(255).optional(),
    meta_title: z.string().trim().max(200).optional(),
    meta_description: z.string().trim().max(500).optional(),
    excerpt: z.string().trim().max(2000).optional(),
    primary_keyword: z.string().trim().max(300).optional(),
    slug: z
      .string()
      .trim()
      .max(80)
      .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$|^$/, 'Use lower-case letters, digits and single hyphens.')
      .optional(),
    secondary_keywords: z.array(z.string().trim().min(1).max(100)).max(20).optional(),
    tags: z.array(z.string().trim().min(1).max(100)).max(30).optional(),
    categories: z.array(z.string().trim().min(1).max(100)).max(10).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'Send at least one field to change.');

/** The review workflow: draft → review → published (publishing itself goes through the publisher). */
export const contentStatusBody = z.object({ status: z.enum(['draft', 'review']) });

// Bulk actions by ids or by the list's filter (core/validation/selection.ts, issue 14 item 9).
/** By ids at most 500 tasks; a filter's tasks go in jobs of 50 like any large selection. */
export const taskSelectionBody = selectionOf(taskListQuery, {}, 500);
export const imageSelectionBody = selectionOf(imageListQuery);
/** Articles moved between draft and review together (scheduled ones stay as they are). */
export const contentStatusSelectionBody = selectionOf(contentListQuery, { status: contentStatusBody.shape.status });
/** A delete asks each article's draft room whether the AI is writing it, so it takes at most this many. */
export const MAX_CONTENT_DELETE = 500;
export const contentSelectionBody = selectionOf(contentListQuery, {}, MAX_CONTENT_DELETE);
