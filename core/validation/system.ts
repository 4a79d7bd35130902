import { z } from 'zod';
import { AI_CALL_PURPOSES, AI_CALL_STATUSES, AI_FUNCTIONS, PROMPT_TYPES } from '../domain/enums';
import { id, listQuery } from './common';

/** https URL (http only where the worker allows loopback for dev/test, checked server-side). */
export const baseUrl = z.string().trim().url('A URL such as https://api.openai.com/v1').max(500);

export const openAiSettingsBody = z.object({
  /** A new key replaces the stored one; `null` removes it (the worker's key or the demo model is used). */
  api_key: z.string().trim().min(8).max(300).nullable().optional(),
  base_url: baseUrl.nullable().optional(),
  models: z.partialRecord(z.enum(AI_FUNCTIONS), z.string().trim().min(1).max(100)).optional(),
  max_concurrency: z.number().int().min(1).max(32).optional(),
  requests_per_minute: z.number().int().min(1).max(10_000).optional(),
  is_active: z.boolean().optional(),
});
export type OpenAiSettingsBody = z.output<typeof openAiSettingsBody>;

export const runwareSettingsBody = z.object({
  api_key: z.string().trim().min(8).max(300).nullable().optional(),
  base_url: baseUrl.nullable().optional(),
  model: z.string().trim().min(1).max(100).optional(),
  image_type: z.enum(['realistic', 'artistic', 'cartoon']).optional(),
  is_active: z.boolean().optional(),
});

export const promptBody = z.object({ prompt_value: z.string().trim().min(10, 'At least 10 characters.').max(20_000) });
export const promptTypeParam = z.enum(PROMPT_TYPES);

export const jobListQuery = z.object({ site_id: id, limit: z.coerce.number().int().min(1).max(200).default(50) });

export const creditTransactionsQuery = listQuery.extend({
  transaction_type: z.string().max(30).optional(),
});
export const usageQuery = listQuery.extend({
  operation_type: z.enum(AI_FUNCTIONS).optional(),
  since: z.coerce.date().optional(),
  until: z.coerce.date().optional(),
});

// ---------------------------------------------------------------- prompt versions and the AI call log (issue 14)

export const promptVersionParam = z.coerce.number().int().min(1).max(1_000_000);
export const promptVersionsQuery = listQuery.pick({ page: true, page_size: true });
export const promptDiffQuery = z.object({ from: promptVersionParam, to: promptVersionParam });
export const promptRestoreBody = z.object({ version: promptVersionParam });
/** A "try it": the draft being edited (else the saved text) on a sample input (else the type's own sample). */
export const promptTryBody = z.object({
  text: z.string().trim().min(10, 'At least 10 characters.').max(20_000).optional(),
  input: z.unknown().optional(),
});
export const testImageBody = z.object({ prompt: z.string().trim().min(3, 'At least 3 characters.').max(1000) });

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
export const aiCallsQuery = listQuery.pick({ page: true, page_size: true }).extend({
  purpose: z.enum(AI_CALL_PURPOSES).optional(),
  status: z.enum(AI_CALL_STATUSES).optional(),
  site_id: id.optional(),
  model: z.string().trim().max(100).optional(),
  job_id: z.string().trim().max(100).optional(),
  repaired: flag.optional(),
  since: z.coerce.date().optional(),
  until: z.coerce.date().optional(),
});
export type AiCallsQuery = z.output<typeof aiCallsQuery>;
