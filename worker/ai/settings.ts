import { and, eq } from 'drizzle-orm';
import type { AiFunction } from '../../core/domain/enums';
import { integrationSettings } from '../../core/schema/shard';
import type { ShardDb } from '../db/shards';
import type { Env } from '../env';
import { decryptSecret, sha256Hex } from '../lib/crypto';
import type { ProviderConfig } from './provider';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';
export const DEFAULT_MODELS: Record<'openai' | 'demo', string> = { openai: 'gpt-4o-mini', demo: 'igny8-dev-small' };
const DEFAULT_BUDGET = { maxConcurrency: 4, requestsPerMinute: 120 };

/** Non-secret OpenAI settings kept in integration_settings.config. */
export interface OpenAiConfig {
  base_url?: string;
  models?: Partial<Record<AiFunction, string>>;
  max_concurrency?: number;
  requests_per_minute?: number;
}

export class ProviderNotConfigured extends Error {}

/**
 * Which provider an account's AI calls use: its own OpenAI key (encrypted at rest), else the
 * worker's key, else the dev model server. Resolved per job, so a key change applies to the next job.
 */
export async function resolveProvider(env: Env, db: ShardDb, accountId: number, fn: AiFunction): Promise<ProviderConfig> {
  const row = await db
    .select()
    .from(integrationSettings)
    .where(and(eq(integrationSettings.account_id, accountId), eq(integrationSettings.integration_type, 'openai')))
    .get();
  const config = (row?.config ?? {}) as OpenAiConfig;
  let apiKey: string;
  let baseURL: string;
  if (row?.is_active && row.api_key_enc) {
    apiKey = await decryptSecret(row.api_key_enc, env.ENCRYPTION_KEY);
    baseURL = config.base_url || OPENAI_DEFAULT_BASE_URL;
  } else if (env.OPENAI_API_KEY) {
    apiKey = env.OPENAI_API_KEY;
    baseURL = env.OPENAI_BASE_URL || OPENAI_DEFAULT_BASE_URL;
  } else if (env.DEV_MODEL_URL) {
    apiKey = 'dev-model';
    baseURL = env.DEV_MODEL_URL;
  } else {
    throw new ProviderNotConfigured('No AI provider is configured: add an OpenAI key in Settings → AI.');
  }
  const isDemo = Boolean(env.DEV_MODEL_URL) && baseURL.replace(/\/+$/, '') === env.DEV_MODEL_URL!.replace(/\/+$/, '');
  return {
    apiKey,
    baseURL,
    isDemo,
    model: config.models?.[fn] || DEFAULT_MODELS[isDemo ? 'demo' : 'openai'],
    keyId: (await sha256Hex(`${baseURL}|${apiKey}`)).slice(0, 16),
    maxConcurrency: clamp(config.max_concurrency ?? DEFAULT_BUDGET.maxConcurrency, 1, 32),
    requestsPerMinute: clamp(config.requests_per_minute ?? DEFAULT_BUDGET.requestsPerMinute, 1, 10_000),
  };
}

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(n)));
