/**
 * What the planner, AI-jobs, settings and billing routes return, derived from the shared Drizzle
 * schema (core/schema/shard) like types.ts, so a column added there shows up here.
 */
import type { AiFunction } from '$core/domain/enums';
import type { OutlineSection } from '$core/schema/shard';
import type { clusters, contentIdeas, creditTransactions, creditUsageLogs, KeywordRow } from '$core/schema/shard';
import type { Json } from './types';

export type { JobView, JobStatus, Phase } from '$core/ai/jobs';
export type { OutlineSection };

export type Keyword = Json<KeywordRow>;
export type Cluster = Json<typeof clusters.$inferSelect>;
export type Idea = Json<typeof contentIdeas.$inferSelect>;
export type CreditTransaction = Json<typeof creditTransactions.$inferSelect>;
export type UsageLog = Json<typeof creditUsageLogs.$inferSelect>;

/** POST /planner/keywords/import/ (worker/planner/csv-routes.ts). */
export interface ImportReport {
  rows: number;
  imported: number;
  created: number;
  merged_existing: number;
  merged_duplicates_in_file: number;
  skipped: number;
  /** The first 200 bad rows; `skipped` is the full count. */
  errors: { line: number; error: string }[];
  encoding: string;
}

/** POST …/auto_cluster/, …/auto_generate_ideas/, /jobs/:id/retry/: 202 with the queued job. */
export interface JobStarted {
  task_id: string;
  job: import('$core/ai/jobs').JobView;
}

/** GET /billing/balance/: `balance` is spendable now, `reserved` is held by running jobs. */
export interface Balance {
  balance: number;
  reserved: number;
  total: number;
}

/** GET /billing/usage/summary/: one row per AI operation. */
export interface UsageSummaryRow {
  operation_type: AiFunction;
  jobs: number;
  credits: number;
  cost_usd: number;
  tokens_input: number;
  tokens_output: number;
}

/** GET /system/settings/integrations/openai/ (the key itself is never returned). */
export interface OpenAiSettings {
  integration_type: 'openai';
  config: {
    base_url?: string;
    models?: Partial<Record<AiFunction, string>>;
    max_concurrency?: number;
    requests_per_minute?: number;
  };
  key_set: boolean;
  is_active: boolean;
  /** The provider the next job will use: the account's key, the worker's, or the demo model. */
  effective: { source: 'account' | 'worker' | 'demo'; base_url: string; is_demo: boolean; model: string } | null;
}

export interface RunwareSettings {
  integration_type: 'runware';
  config: { base_url?: string; model?: string; image_type?: 'realistic' | 'artistic' | 'cartoon' };
  key_set: boolean;
  is_active: boolean;
}

/** POST …/integrations/:type/test/: always 200; `ok` says whether the provider answered. */
export type ConnectionTest =
  | { ok: true; model: string; is_demo: boolean; latency_ms: number; reply?: string }
  | { ok: false; error: string; latency_ms: number };

/** GET /system/prompts/: the account's own text, or the built-in default. */
export interface Prompt {
  prompt_type: string;
  prompt_value: string;
  is_default: boolean;
  default_value: string;
  updated_at: string | null;
}
