/**
 * What the planner, AI-jobs, settings and billing routes return, read from the API's own type
 * (the typed client over the worker's AppType).
 */
import type { AiFunction } from '$core/domain/enums';
import type { api, DataOf, RowOf } from './client';

export type { JobStatus, JobView, Phase } from '$core/ai/jobs';
export type { OutlineSection } from '$core/schema/shard';

type Planner = typeof api.api.v1.planner;
type System = typeof api.api.v1.system;
type Billing = typeof api.api.v1.billing;

/** A keyword as the list sends it (with its cluster's name). */
export type Keyword = RowOf<Planner['keywords']['$get']>;
export type Cluster = RowOf<Planner['clusters']['$get']>;
export type Idea = RowOf<Planner['ideas']['$get']>;
export type CreditTransaction = RowOf<Billing['transactions']['$get']>;
export type UsageLog = RowOf<Billing['usage']['$get']>;

/** POST /planner/keywords/import/ (worker/planner/csv-routes.ts): the first 200 bad rows in `errors`. */
export type ImportReport = DataOf<Planner['keywords']['import']['$post']>;

/** POST …/auto_cluster/, …/auto_generate_ideas/, /jobs/:id/retry/: 202 with the queued job. */
export type JobStarted = DataOf<Planner['keywords']['auto_cluster']['$post']>;

/** GET /billing/balance/: `balance` is spendable now, `reserved` is held by running jobs. */
export type Balance = DataOf<Billing['balance']['$get']>;

/** GET /billing/usage/summary/: one row per AI operation. */
export type UsageSummaryRow = DataOf<Billing['usage']['summary']['$get']>[number];

/*
 * Hand-written: the worker keeps an integration's config as stored JSON and builds the test's
 * answer from a provider's reply, so the routes' types are looser than what these pages read.
 */

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
export type Prompt = DataOf<System['prompts']['$get']>[number];
