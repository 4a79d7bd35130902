import { and, eq } from 'drizzle-orm';
import type { AiFunction } from '../../core/domain/enums';
import { integrationSettings } from '../../core/schema/shard';
import type { ShardDb } from '../db/shards';
import type { Env } from '../env';
import { decryptSecret, secretPurpose, sha256Hex } from '../lib/crypto';
import { loopbackAllowed } from '../lib/url-guard';
import { resolvePrompt } from './prompts';
import { ProviderNotConfigured, type AiSettings } from '../../durable-objects/site-coordinator/engine/ports';
import type { ProviderConfig } from '../lib/ai-provider';

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

/**
 * What an account may use on the platform's AI (the worker's OPENAI_API_KEY, or the dev model)
 * when it has no key of its own: the operator's allow-list, not the account's settings, decides
 * the models and caps the concurrency and rate (the operator pays for these calls).
 *   PLATFORM_AI_MODELS="gpt-4o-mini,gpt-4o"  (the first is the default; unset: the source's default model)
 *   PLATFORM_AI_MAX_CONCURRENCY="4"  PLATFORM_AI_REQUESTS_PER_MINUTE="120"
 */
export function platformLimits(env: Env) {
  const listed = (env.PLATFORM_AI_MODELS ?? '')
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  const fallback = env.OPENAI_API_KEY ? [DEFAULT_MODELS.openai] : [DEFAULT_MODELS.demo, 'igny8-dev-large'];
  const positive = (v: string | undefined, dflt: number) => (Number(v) > 0 ? Math.floor(Number(v)) : dflt);
  return {
    models: listed.length ? listed : fallback,
    maxConcurrency: positive(env.PLATFORM_AI_MAX_CONCURRENCY, DEFAULT_BUDGET.maxConcurrency),
    requestsPerMinute: positive(env.PLATFORM_AI_REQUESTS_PER_MINUTE, DEFAULT_BUDGET.requestsPerMinute),
  };
}

/** Whether the row holds an active key of the account's own (else the platform's AI is used). */
export const hasOwnKey = (row: { is_active: boolean; api_key_enc: string | null } | undefined) =>
  Boolean(row?.is_active && row.api_key_enc);

/**
 * Which provider an account's AI calls use: its own OpenAI key (encrypted at rest), else the
 * worker's key, else the dev model server. Resolved per job, so a key change applies to the next job.
 */
export async function resolveProvider(
  env: Env,
  db: ShardDb,
  accountId: number,
  fn: AiFunction,
): Promise<ProviderConfig> {
  const row = await db
    .select()
    .from(integrationSettings)
    .where(and(eq(integrationSettings.account_id, accountId), eq(integrationSettings.integration_type, 'openai')))
    .get();
  const config = (row?.config ?? {}) as OpenAiConfig;
  let apiKey: string;
  let baseURL: string;
  const own = hasOwnKey(row);
  if (own) {
    try {
      apiKey = await decryptSecret(row!.api_key_enc!, env, secretPurpose.aiKey('openai', accountId));
    } catch {
      throw new ProviderNotConfigured('The saved OpenAI key can no longer be read: enter it again in Settings → AI.');
    }
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
  const chosen = config.models?.[fn];
  const concurrency = config.max_concurrency ?? DEFAULT_BUDGET.maxConcurrency;
  const rpm = config.requests_per_minute ?? DEFAULT_BUDGET.requestsPerMinute;
  const platform = own ? null : platformLimits(env);
  return {
    apiKey,
    baseURL,
    isDemo,
    model: platform
      ? chosen && platform.models.includes(chosen)
        ? chosen
        : platform.models[0]!
      : chosen || DEFAULT_MODELS[isDemo ? 'demo' : 'openai'],
    keyId: (await sha256Hex(`${baseURL}|${apiKey}`)).slice(0, 16),
    maxConcurrency: clamp(Math.min(concurrency, platform?.maxConcurrency ?? 32), 1, 32),
    requestsPerMinute: clamp(Math.min(rpm, platform?.requestsPerMinute ?? 10_000), 1, 10_000),
    allowLoopback: loopbackAllowed(env),
  };
}

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(n)));

/** The account's AI settings as the job engine sees them (durable-objects/site-coordinator/ports.ts). */
export const aiSettings: AiSettings = {
  provider: resolveProvider,
  prompt: (db, accountId, type) => resolvePrompt(db, accountId, type),
};
