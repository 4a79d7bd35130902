import { Hono } from 'hono';
import { and, eq } from 'drizzle-orm';
import { integrationSettings } from '../../core/schema/shard';
import { openAiSettingsBody, runwareSettingsBody } from '../../core/validation/system';
import { chatCompletion } from '../lib/ai-provider';
import { testRunware } from './runware';
import { entryFromCall, recordAiCall } from './ai-call-log';
import { hasOwnKey, platformLimits, resolveProvider, type OpenAiConfig } from './ai-settings';
import type { AppEnv } from '../env';
import { BadRequest, NotFound } from '../http/errors';
import { ok } from '../http/respond';
import { body, describe } from '../http/validate';
import { encryptSecret, secretPurpose } from '../lib/crypto';
import { checkOutboundUrl, loopbackAllowed } from '../lib/url-guard';
import { connectionFailure } from './connection-test';
import { authenticate } from '../middleware/authenticate';
import { requirePermission, tenantContext, type Tenant } from '../middleware/tenant';

const INTEGRATIONS = ['openai', 'runware'] as const;
type Integration = (typeof INTEGRATIONS)[number];

async function settingsRow(tenant: Tenant, type: Integration) {
  return tenant.db
    .select()
    .from(integrationSettings)
    .where(and(eq(integrationSettings.account_id, tenant.account.id), eq(integrationSettings.integration_type, type)))
    .get();
}

/** What the UI shows: never the key, only whether one is set. */
async function publicSettings(c: { env: AppEnv['Bindings'] }, tenant: Tenant, type: Integration) {
  const row = await settingsRow(tenant, type);
  const base = {
    integration_type: type,
    config: row?.config ?? {},
    key_set: Boolean(row?.api_key_enc),
    is_active: row?.is_active ?? true,
  };
  if (type !== 'openai') return base;
  const effective = await resolveProvider(c.env, tenant.db, tenant.account.id, 'auto_cluster').catch(() => null);
  return {
    ...base,
    effective: effective && {
      source: hasOwnKey(row) ? 'account' : effective.isDemo ? 'demo' : 'worker',
      base_url: effective.baseURL,
      is_demo: effective.isDemo,
      model: effective.model,
      // What applies (on the platform's AI, the operator's caps, whatever the account saved).
      max_concurrency: effective.maxConcurrency,
      requests_per_minute: effective.requestsPerMinute,
    },
  };
}

const integrationParam = (raw: string | undefined): Integration => {
  if (!INTEGRATIONS.includes(raw as Integration)) throw new NotFound('Integration');
  return raw as Integration;
};

/** Stores settings: non-secret fields merged into config (null removes one), the key encrypted. */
async function saveSettings(
  c: { env: AppEnv['Bindings'] },
  tenant: Tenant,
  type: Integration,
  input: { api_key?: string | null; is_active?: boolean; base_url?: string | null } & Record<string, unknown>,
) {
  if (input.base_url) checkOutboundUrl(input.base_url, loopbackAllowed(c.env));
  const existing = await settingsRow(tenant, type);
  const { api_key, is_active, ...rest } = input;
  const active = is_active ?? existing?.is_active ?? true;
  const ownKeyAfter = active && (api_key === undefined ? Boolean(existing?.api_key_enc) : api_key !== null);
  // On the platform's AI the operator's allow-list decides the model (it pays for the calls).
  if (type === 'openai' && !ownKeyAfter && input.models) {
    const allowed = platformLimits(c.env).models;
    const outside = Object.values(input.models as Record<string, string>).filter((m) => !allowed.includes(m));
    if (outside.length) {
      const message =
        `The model "${outside[0]}" is not available without your own OpenAI key: ` +
        `choose one of ${allowed.join(', ')}, or add your key.`;
      throw new BadRequest(message, 'model_not_allowed', { models: [message] });
    }
  }
  const config: Record<string, unknown> = { ...(existing?.config ?? {}) };
  for (const [k, v] of Object.entries(rest)) {
    if (v === null) delete config[k];
    else if (v !== undefined) config[k] = v;
  }
  const api_key_enc =
    api_key === undefined
      ? (existing?.api_key_enc ?? null)
      : api_key === null
        ? null
        : await encryptSecret(api_key, c.env, secretPurpose.aiKey(type, tenant.account.id));
  await tenant.db
    .insert(integrationSettings)
    .values({ account_id: tenant.account.id, integration_type: type, config, api_key_enc, is_active: active })
    .onConflictDoUpdate({
      target: [integrationSettings.account_id, integrationSettings.integration_type],
      set: { config, api_key_enc, is_active: active, updated_at: new Date() },
    });
  return publicSettings(c, tenant, type);
}

export const aiSettingsRoutes = new Hono<AppEnv>()
  .use('*', authenticate, tenantContext, requirePermission('settings:manage'))
  .get('/:type', describe('AI provider settings (the key is never returned)', ['system']), async (c) => {
    return ok(c, await publicSettings(c, c.get('tenant'), integrationParam(c.req.param('type'))));
  })
  .put(
    '/openai',
    describe('Save OpenAI settings; the key is encrypted at rest', ['system']),
    body(openAiSettingsBody),
    async (c) => {
      return ok(c, await saveSettings(c, c.get('tenant'), 'openai', c.req.valid('json')), 200, 'Saved.');
    },
  )
  .put(
    '/runware',
    describe('Save Runware settings; the key is encrypted at rest', ['system']),
    body(runwareSettingsBody),
    async (c) => {
      return ok(c, await saveSettings(c, c.get('tenant'), 'runware', c.req.valid('json')), 200, 'Saved.');
    },
  )
  .post('/:type/test', describe('Test the connection with the saved settings', ['system']), async (c) => {
    const tenant = c.get('tenant');
    const type = integrationParam(c.req.param('type'));
    const started = Date.now();
    try {
      if (type === 'openai') {
        const cfg = await resolveProvider(c.env, tenant.db, tenant.account.id, 'auto_cluster');
        const reply = await chatCompletion(cfg, {
          system: 'You are a connection test.',
          user: 'Reply with OK',
          timeoutMs: 15_000,
          maxTokens: 5,
          // Logged after the answer, off the response's path (the log never fails the test).
          onCall: (call) =>
            c.executionCtx.waitUntil(
              recordAiCall(
                c.env,
                tenant.db,
                entryFromCall(call, cfg, {
                  accountId: tenant.account.id,
                  siteId: null,
                  jobId: null,
                  userId: tenant.user.id,
                  purpose: 'connection_test',
                }),
              ),
            ),
        });
        // The reply itself is not shown: a test answers whether the provider works, not what it said.
        return ok(c, {
          ok: true,
          model: reply.model.slice(0, 100),
          is_demo: cfg.isDemo,
          latency_ms: Date.now() - started,
        });
      }
      return ok(c, { ok: true, ...(await testRunware(c.env, tenant)), latency_ms: Date.now() - started });
    } catch (err) {
      // A category and our own sentence: what the remote answered is logged, never shown (it could be anything).
      const failure = connectionFailure(err, type === 'openai' ? 'the AI provider' : 'Runware');
      console.warn(
        JSON.stringify({
          level: 'warn',
          message: 'ai settings test failed',
          request_id: c.get('requestId'),
          integration: type,
          category: failure.category,
          detail: String((err as Error)?.message ?? err).slice(0, 500),
        }),
      );
      return ok(c, { ok: false, category: failure.category, error: failure.message, latency_ms: Date.now() - started });
    }
  });

export { promptRoutes } from './prompt-routes';
export type { OpenAiConfig };
