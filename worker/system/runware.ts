import { and, eq } from 'drizzle-orm';
import { integrationSettings } from '../../core/schema/shard';
import type { Env } from '../env';
import { decryptSecret, secretPurpose } from '../lib/crypto';
import { outboundCause, outboundFetch, OutboundRefused } from '../lib/outbound-fetch';
import { loopbackAllowed } from '../lib/url-guard';
import type { ShardDb } from '../db/shards';
import type { Tenant } from '../middleware/tenant';
import { MAX_IMAGE_RESPONSE_BYTES, ProviderError, retryAfterMs } from '../lib/ai-provider';

/**
 * Runware (image generation) over its HTTP task API: a JSON array of tasks, authentication first.
 * Resolved like the OpenAI provider: the account's key, else the dev model server's emulation.
 */
export const RUNWARE_DEFAULT_URL = 'https://api.runware.ai/v1';

export interface RunwareConfig {
  apiKey: string;
  baseURL: string;
  model: string;
  isDemo: boolean;
  /** Development loopback: every call and redirect hop passes the URL guard with it. */
  allowLoopback?: boolean;
}

export async function resolveRunware(env: Env, db: ShardDb, accountId: number): Promise<RunwareConfig> {
  const row = await db
    .select()
    .from(integrationSettings)
    .where(and(eq(integrationSettings.account_id, accountId), eq(integrationSettings.integration_type, 'runware')))
    .get();
  const config = (row?.config ?? {}) as { base_url?: string; model?: string };
  const allowLoopback = loopbackAllowed(env);
  if (row?.is_active && row.api_key_enc) {
    let apiKey: string;
    try {
      apiKey = await decryptSecret(row.api_key_enc, env, secretPurpose.aiKey('runware', accountId));
    } catch {
      throw new ProviderError('auth', 'The saved Runware key can no longer be read: enter it again in Settings → AI.');
    }
    return {
      apiKey,
      baseURL: config.base_url || RUNWARE_DEFAULT_URL,
      model: config.model || 'runware:97@1',
      isDemo: false,
      allowLoopback,
    };
  }
  if (env.DEV_MODEL_URL)
    return {
      apiKey: 'dev-model',
      baseURL: `${new URL(env.DEV_MODEL_URL).origin}/runware/v1`,
      model: config.model || 'runware:97@1',
      isDemo: true,
      allowLoopback,
    };
  throw new ProviderError('auth', 'No Runware key is configured.');
}

export async function runwareRequest(
  cfg: RunwareConfig,
  tasks: Record<string, unknown>[],
  timeoutMs: number,
  signal?: AbortSignal,
) {
  let res: Response;
  try {
    // The key travels in the body: outboundFetch never re-sends a body to another host on a redirect.
    res = await outboundFetch(
      cfg.baseURL,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ taskType: 'authentication', apiKey: cfg.apiKey }, ...tasks]),
        signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
      },
      { allowLoopback: cfg.allowLoopback ?? false, maxResponseBytes: MAX_IMAGE_RESPONSE_BYTES },
    );
  } catch (err) {
    throw runwareTransportError(err);
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    throw runwareTransportError(err);
  }
  const body = parseJson(text) as { data?: Record<string, unknown>[]; errors?: { message?: string }[] } | null;
  if (res.status === 429)
    throw new ProviderError('rate_limited', 'Runware is rate limiting this key.', retryAfterMs(res.headers), 429);
  if (res.status === 401 || res.status === 403)
    throw new ProviderError('auth', body?.errors?.[0]?.message ?? 'Runware rejected the API key.', null, res.status);
  if (res.status >= 500)
    throw new ProviderError('server_error', `Runware failed (${res.status}).`, retryAfterMs(res.headers), res.status);
  if (!res.ok || !body || body.errors?.length)
    throw new ProviderError(
      'bad_request',
      body?.errors?.[0]?.message ?? `Runware refused the request (${res.status}).`,
      null,
      res.status,
    );
  return body.data ?? [];
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
};

function runwareTransportError(err: unknown): ProviderError {
  const outbound = outboundCause(err);
  if (outbound instanceof OutboundRefused)
    return new ProviderError('url_not_allowed', `Runware's address is not allowed: ${outbound.message}`);
  if (outbound) return new ProviderError('too_large', `Runware's reply was larger than ${outbound.limitBytes} bytes.`);
  return new ProviderError(
    (err as Error).name === 'TimeoutError' ? 'timeout' : 'network',
    `Could not reach Runware: ${(err as Error).message}`,
  );
}

export async function testRunware(env: Env, tenant: Pick<Tenant, 'db' | 'account'>) {
  const cfg = await resolveRunware(env, tenant.db, tenant.account.id);
  await runwareRequest(cfg, [], 15_000);
  return { model: cfg.model, is_demo: cfg.isDemo };
}
