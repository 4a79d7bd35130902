import { and, eq, gte, inArray, sql } from 'drizzle-orm';
import { REPLY_SCHEMAS, responseFormatFor, type TextAiFunction } from '../../core/ai/contracts';
import { readReply } from '../../core/ai/repair';
import type { AiFunction, PromptType } from '../../core/domain/enums';
import { aiCallLogs } from '../../core/schema/shard';
import type { Env } from '../env';
import { BadRequest, TooManyRequests } from '../http/errors';
import {
  chatCompletion,
  classifyError,
  clientFor,
  decodeImageBase64,
  type ProviderCall,
  type ProviderError,
} from '../lib/ai-provider';
import type { Tenant } from '../middleware/tenant';
import { entryFromCall, recordAiCall } from './ai-call-log';
import { resolveProvider } from './ai-settings';
import { resolveRunware, runwareRequest } from './runware';
import { livePrompt } from './prompt-versions';

/** Free tries per user a minute (prompt tries and image tests together): they cost the platform, not credits. */
export const TRIES_PER_MINUTE = 10;
const TRY_TIMEOUT_MS = 60_000;

/** Which AI function a prompt type drives (its model setting and reply schema), and a small input to try it on. */
export const PROMPT_TRIALS: Record<Exclude<PromptType, 'image_generation'>, { fn: AiFunction; sample: unknown }> = {
  clustering: {
    fn: 'auto_cluster',
    sample: { keywords: ['raised bed garden', 'raised bed soil', 'cedar raised bed', 'compost tea', 'worm compost'] },
  },
  ideas: {
    fn: 'generate_ideas',
    sample: {
      clusters: [{ id: 1, name: 'Raised Beds', description: 'Building raised beds', keywords: ['raised bed soil'] }],
      ideas_per_cluster: 3,
    },
  },
  content_generation: {
    fn: 'generate_content',
    sample: {
      title: 'How to Fill a Raised Bed',
      primary_keyword: 'raised bed soil',
      secondary_keywords: ['raised bed mix'],
      outline: [
        { h2: 'Why the soil matters', coverage: 'drainage and nutrients' },
        { h2: 'The mix that works', coverage: 'topsoil, compost, aeration' },
      ],
      word_count: 600,
    },
  },
  image_prompt_extraction: {
    fn: 'generate_image_prompts',
    sample: {
      title: 'How to Fill a Raised Bed',
      sections: [{ h2: 'Why the soil matters' }, { h2: 'The mix that works' }],
      in_article_images: 1,
    },
  },
  content_optimization: {
    fn: 'optimize_content',
    sample: {
      action: 'meta_description',
      title: 'How to Fill a Raised Bed',
      primary_keyword: 'raised bed soil',
      html: '<h2>Why the soil matters</h2><p>Good soil drains well and feeds the plants.</p>',
    },
  },
  internal_linking: {
    fn: 'link_content',
    sample: {
      source_page_id: 'a1',
      cap: 1,
      candidates: [{ path: '/raised-bed-soil', from: 0, to: 14, text: 'raised bed soil' }],
    },
  },
  site_structure: {
    fn: 'generate_site_structure',
    sample: {
      site: { name: 'Green Beds', type: 'blog' },
      clusters: [{ id: 1, name: 'Raised Beds', keywords: ['raised bed soil'], hub: true }],
    },
  },
  page_content: {
    fn: 'generate_page_content',
    sample: {
      page: { title: 'About us', type: 'about', keywords: ['raised bed garden'] },
      site: { name: 'Green Beds' },
    },
  },
};

export const sampleInputFor = (type: PromptType) =>
  type === 'image_generation' ? { prompt: 'a raised bed garden at dawn' } : PROMPT_TRIALS[type].sample;

/**
 * At most TRIES_PER_MINUTE tries a user a minute, counted on the call log itself (the tries are
 * logged anyway): approximate under a burst, which is all a guard against runaway clicks needs.
 */
async function checkTryRate(tenant: Tenant) {
  const recent = await tenant.db
    .select({ n: sql<number>`count(*)` })
    .from(aiCallLogs)
    .where(
      and(
        eq(aiCallLogs.account_id, tenant.account.id),
        eq(aiCallLogs.created_by_user_id, tenant.user.id),
        inArray(aiCallLogs.purpose, ['prompt_test', 'image_test']),
        gte(aiCallLogs.created_at, new Date(Date.now() - 60_000)),
      ),
    )
    .get();
  if ((recent?.n ?? 0) >= TRIES_PER_MINUTE)
    throw new TooManyRequests(`At most ${TRIES_PER_MINUTE} tries a minute: try again in a minute.`, 60);
}

/** Runs a prompt text (a draft or the saved one) on the account's AI provider with a sample input. Free. */
export async function tryPrompt(env: Env, tenant: Tenant, type: PromptType, text: string | undefined, input: unknown) {
  if (type === 'image_generation')
    throw new BadRequest('The image prompt is tried with "Test image" (test_image/).', 'use_test_image');
  await checkTryRate(tenant);
  const { fn } = PROMPT_TRIALS[type];
  const system = text?.trim() || (await livePrompt(tenant.db, tenant.account.id, type));
  const cfg = await resolveProvider(env, tenant.db, tenant.account.id, fn);
  const schema = REPLY_SCHEMAS[fn as TextAiFunction];
  let observed: ProviderCall | null = null;
  let failure: ProviderError | null = null;
  const reply = await chatCompletion(cfg, {
    system,
    user:
      `${fn} (prompt test)\n\nINPUT:\n\`\`\`json\n` +
      `${JSON.stringify(input ?? sampleInputFor(type), null, 2)}\n\`\`\``,
    responseFormat: schema ? responseFormatFor(fn as TextAiFunction) : { type: 'json_object' },
    timeoutMs: TRY_TIMEOUT_MS,
    onCall: (call) => {
      observed = call;
    },
  }).catch((err: unknown) => {
    failure = classifyError(err);
    return null;
  });
  const read = reply ? readReply(reply) : null;
  const checked = read?.ok && schema ? schema.safeParse(read.value) : null;
  const callId = observed
    ? await recordAiCall(
        env,
        tenant.db,
        entryFromCall(observed, cfg, {
          accountId: tenant.account.id,
          siteId: null,
          jobId: null,
          userId: tenant.user.id,
          purpose: 'prompt_test',
          repaired: Boolean(read?.ok && read.repairs.length),
        }),
      )
    : null;
  const call = observed as ProviderCall | null;
  const failed = failure as ProviderError | null;
  return {
    ok: Boolean(reply && read?.ok && (checked?.success ?? true)),
    model: reply?.model ?? cfg.model,
    is_demo: cfg.isDemo,
    reply: reply?.content ?? null,
    parsed: read?.ok ? (checked?.success ? checked.data : read.value) : null,
    repaired: Boolean(read?.ok && read.repairs.length),
    problem: failed
      ? failed.message
      : read && !read.ok
        ? read.reason
        : checked && !checked.success
          ? `The reply does not match the ${fn} schema: ${checked.error.issues[0]?.message ?? 'invalid'}`
          : null,
    finish_reason: reply?.finishReason ?? failed?.kind ?? null,
    tokens_in: reply?.tokensIn ?? 0,
    tokens_out: reply?.tokensOut ?? 0,
    duration_ms: call?.durationMs ?? 0,
    call_id: callId,
  };
}

/** PNG, JPEG or WebP, by their first bytes. */
function imageMime(b: Uint8Array): string | null {
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
  if (b[0] === 0xff && b[1] === 0xd8) return 'image/jpeg';
  if (b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) return 'image/webp';
  return null;
}

const toBase64 = (bytes: Uint8Array) => {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
};

/**
 * The seed's "image generation test": ONE image from the image prompt template and `prompt`,
 * through the account's image provider (Runware when it has a key, else the OpenAI-compatible
 * one), returned as a data URL. Free, logged as 'image_test' (the log keeps the size, not the bytes).
 */
export async function testImage(env: Env, tenant: Tenant, prompt: string) {
  await checkTryRate(tenant);
  const template = await livePrompt(tenant.db, tenant.account.id, 'image_generation');
  const text = template.includes('{prompt}') ? template.replace('{prompt}', prompt) : `${template}\n${prompt}`;
  const started = Date.now();
  const runware = await resolveRunware(env, tenant.db, tenant.account.id).catch(() => null);
  const useRunware = Boolean(runware && !runware.isDemo);
  const cfg = useRunware ? null : await resolveProvider(env, tenant.db, tenant.account.id, 'generate_images');
  const model = runware && useRunware ? runware.model : cfg?.isDemo ? 'igny8-dev-image' : 'dall-e-3';
  const request = { model, prompt: text, size: '1024x1024', n: 1 };
  let bytes: Uint8Array | null = null;
  let error: ProviderError | null = null;
  try {
    if (runware && useRunware) {
      const data = await runwareRequest(
        runware,
        [
          {
            taskType: 'imageInference',
            taskUUID: crypto.randomUUID(),
            positivePrompt: text,
            width: 1024,
            height: 1024,
            model: runware.model,
            outputType: 'base64Data',
            numberResults: 1,
          },
        ],
        TRY_TIMEOUT_MS,
      );
      const b64 = data.find((d) => d.taskType === 'imageInference')?.imageBase64Data;
      if (typeof b64 === 'string') bytes = decodeImageBase64(b64);
    } else {
      const result = await clientFor(cfg!, TRY_TIMEOUT_MS).images.generate({
        ...request,
        size: '1024x1024',
        response_format: 'b64_json',
      });
      const b64 = result.data?.[0]?.b64_json;
      if (b64) bytes = decodeImageBase64(b64);
    }
  } catch (err) {
    error = classifyError(err);
  }
  const mime = bytes ? imageMime(bytes) : null;
  const problem = error?.message ?? (mime ? null : 'The image provider returned no PNG, JPEG or WebP image.');
  const durationMs = Date.now() - started;
  const callId = await recordAiCall(env, tenant.db, {
    accountId: tenant.account.id,
    siteId: null,
    jobId: null,
    userId: tenant.user.id,
    purpose: 'image_test',
    provider: useRunware ? 'runware' : cfg?.isDemo ? 'demo' : 'openai',
    model,
    status: problem ? 'error' : 'ok',
    finishReason: error?.kind ?? (problem ? 'unexpected_reply' : 'stop'),
    repaired: false,
    tokensIn: 0,
    tokensOut: 0,
    durationMs,
    error: problem,
    request,
    reply: bytes ? { mime, bytes: bytes.length } : null,
  });
  return {
    ok: !problem,
    model,
    problem,
    image: mime && bytes ? `data:${mime};base64,${toBase64(bytes)}` : null,
    bytes: bytes?.length ?? 0,
    duration_ms: durationMs,
    call_id: callId,
  };
}
