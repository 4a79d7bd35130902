import { z } from 'zod';
import {
  CLUSTER_STATUSES,
  CONTENT_STRUCTURES,
  CONTENT_TYPES,
  IDEA_STATUSES,
  KEYWORD_INTENTS,
  KEYWORD_STATUSES,
} from '../domain/enums';
import { description, id, listQuery } from './common';
import { selectionOf } from './selection';

export const keywordText = z.string().trim().min(1, 'Required.').max(300, 'At most 300 characters.');
export const volume = z.coerce.number().int('A whole number.').min(0).max(1_000_000_000);
export const difficulty = z.coerce.number().int('A whole number.').min(0).max(100, 'From 0 to 100.');

/** The sector every planner row lives in (its site is checked too). */
const placement = { site_id: id, sector_id: id };

export const createKeywordBody = z.object({
  ...placement,
  keyword: keywordText,
  volume: volume.default(0),
  difficulty: difficulty.default(0),
  intent: z.enum(KEYWORD_INTENTS).default('informational'),
  status: z.enum(KEYWORD_STATUSES).default('pending'),
});
export type CreateKeywordBody = z.output<typeof createKeywordBody>;

export const updateKeywordBody = z
  .object({
    keyword: keywordText.optional(),
    volume: volume.optional(),
    difficulty: difficulty.optional(),
    intent: z.enum(KEYWORD_INTENTS).optional(),
    status: z.enum(KEYWORD_STATUSES).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'Send at least one field to change.');

const bound = z.coerce.number().int().min(0).optional();

export const keywordListQuery = listQuery.extend({
  site_id: id.optional(),
  sector_id: id.optional(),
  status: z.enum(KEYWORD_STATUSES).optional(),
  intent: z.enum(KEYWORD_INTENTS).optional(),
  /** A cluster id, or `none` for keywords in no cluster. */
  cluster_id: z.union([z.literal('none'), id]).optional(),
  volume_min: bound,
  volume_max: bound,
  difficulty_min: bound,
  difficulty_max: bound,
});
export type KeywordListQuery = z.output<typeof keywordListQuery>;

export const idsBody = z.object({
  ids: z.array(id).min(1, 'Select at least one.').max(10_000, 'At most 10,000 at once.'),
});
export const bulkKeywordStatusBody = idsBody.extend({ status: z.enum(KEYWORD_STATUSES) });

export const createClusterBody = z.object({
  ...placement,
  name: z.string().trim().min(1).max(120),
  description: description.optional(),
});
export const updateClusterBody = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    description: description.optional(),
    status: z.enum(CLUSTER_STATUSES).optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'Send at least one field to change.');
export const clusterKeywordsBody = z.object({ keyword_ids: z.array(id).min(1).max(1000) });
export const clusterListQuery = listQuery.extend({
  site_id: id.optional(),
  sector_id: id.optional(),
  status: z.enum(CLUSTER_STATUSES).optional(),
});
export const generateIdeasBody = z.object({
  ids: z.array(id).min(1, 'Select at least one cluster.').max(100, 'At most 100 clusters at once.'),
  ideas_per_cluster: z.number().int().min(3).max(7).optional(),
});

export const outlineBody = z
  .array(z.object({ h2: z.string().trim().min(1).max(200), coverage: z.string().trim().max(1000).default('') }))
  .max(20);

export const createIdeaBody = z.object({
  ...placement,
  cluster_id: id.nullable().optional(),
  idea_title: z.string().trim().min(1).max(200),
  description: description.optional(),
  content_type: z.enum(CONTENT_TYPES).optional(),
  content_structure: z.enum(CONTENT_STRUCTURES).optional(),
  target_keywords: z.array(keywordText).max(50).optional(),
  estimated_word_count: z.number().int().min(100).max(20_000).optional(),
  outline: outlineBody.optional(),
  /** The author the idea's article is written as (before the site's default); null clears it. */
  author_profile_id: id.nullable().optional(),
});
export const updateIdeaBody = createIdeaBody
  .omit({ site_id: true, sector_id: true })
  .partial()
  .extend({ status: z.enum(IDEA_STATUSES).optional() })
  .refine((v) => Object.keys(v).length > 0, 'Send at least one field to change.');
export const ideaListQuery = listQuery.extend({
  site_id: id.optional(),
  sector_id: id.optional(),
  /** A cluster id, or `none` for ideas in no cluster. */
  cluster_id: z.union([z.literal('none'), id]).optional(),
  status: z.enum(IDEA_STATUSES).optional(),
  content_structure: z.enum(CONTENT_STRUCTURES).optional(),
});

// Bulk actions by ids or by the list's filter (core/validation/selection.ts, issue 14 item 9).
export const keywordSelectionBody = selectionOf(keywordListQuery);
export const keywordStatusSelectionBody = selectionOf(keywordListQuery, { status: z.enum(KEYWORD_STATUSES) });
/** By ids at most 100 clusters (one job); a filter's clusters go in jobs of 100. */
export const clusterIdeasSelectionBody = selectionOf(
  clusterListQuery,
  { ideas_per_cluster: z.number().int().min(3).max(7).optional() },
  100,
);
export const ideaSelectionBody = selectionOf(ideaListQuery);
