import OpenAI from 'openai';
import { outboundCause, outboundFetcher, OutboundRefused } from './outbound-fetch';

/**
 * The one provider layer over the `openai` SDK. The SDK's own retries are OFF (maxRetries: 0) and
 * its 10-minute timeout is replaced by a per-attempt timeout: inside a Durable Object those stack
 * up behind every other job (STACK.md). Retries, Retry-After and jitter belong to the job engine
 * (durable-objects/site-coordinator/engine/), and the per-key budget to the account's AiBudget
 * object (durable-objects/ai-budget/), which sees every call to a key from all the account's sites.
 */
export interface ProviderConfig {
  apiKey: string;
  baseURL: string;
  model: string;
  /** The project's dev model server (labelled "Demo model" in the UI). */
  isDemo: boolean;
  /** Stable id of the key (a hash), for per-key budgets; never the key itself. */
  keyId: string;
  maxConcurrency: number;
  requestsPerMinute: number;
  /**
   * Development loopback (ALLOW_LOOPBACK_URLS): every call and redirect hop passes the URL guard with
   * it. Default off.
   */
  allowLoopback?: boolean;
  /** Largest chat reply read, streamed or not (default MAX_REPLY_BYTES). */
  maxReplyBytes?: number;
}

/** A chat reply (JSON or the whole SSE stream) past this is cut off: no AI function needs more. */
export const MAX_REPLY_BYTES = 2 * 1024 * 1024;
/** An image answer (JSON with base64, or a Runware task list) past this is cut off. */
export const MAX_IMAGE_RESPONSE_BYTES = 24 * 1024 * 1024;
/** The largest decoded image accepted from a provider. */
export const MAX_IMAGE_BYTES = 16 * 1024 * 1024;

export type ProviderFailure =
  | 'rate_limited'
  | 'server_error'
  | 'timeout'
  | 'network'
  | 'auth'
  | 'bad_request'
  | 'refusal'
  | 'truncated'
  | 'empty'
  | 'too_large'
  | 'url_not_allowed'
  | 'unexpected_reply';

/** Failures the coordinator retries (with backoff); the rest fail the job at once. */
const RETRYABLE: readonly ProviderFailure[] = ['rate_limited', 'server_error', 'timeout', 'network'];

export class ProviderError extends Error {
  readonly retryable: boolean;
  constructor(
    readonly kind: ProviderFailure,
    message: string,
    readonly retryAfterMs: number | null = null,
    readonly status: number | null = null,
  ) {
    super(message);
    this.retryable = RETRYABLE.includes(kind);
  }
  /** Tokens the attempt spent before it failed (a stream cut part-way), when any. */
  partial: PartialUsage | null = null;
}

export interface ChatRequest {
  system: string;
  user: string;
  responseFormat?: OpenAI.Chat.Completions.ChatCompletionCreateParams['response_format'];
  timeoutMs: number;
  maxTokens?: number;
  temperature?: number;
  /** Aborted when the job ends while the call is in flight: the request (and its tokens) stop. */
  signal?: AbortSignal;
  /**
   * Streams only: the longest silence allowed between two chunks (default `timeoutMs`). A long
   * article may take minutes, but one that stops arriving fails this attempt instead of hanging.
   */
  idleTimeoutMs?: number;
  /**
   * Told once per attempt, after it ended (never while the reply streams): the call log's hook
   * (worker/system/ai-call-log.ts). The body is what was sent minus the key, which lives only in
   * the client's Authorization header. A throwing observer is ignored: logging never fails a call.
   */
  onCall?: (call: ProviderCall) => void;
}

/** One finished attempt as an observer sees it. */
export interface ProviderCall {
  request: OpenAI.Chat.Completions.ChatCompletionCreateParams;
  result: ChatResult | null;
  error: ProviderError | null;
  durationMs: number;
}

function tell(req: ChatRequest, call: ProviderCall) {
  try {
    req.onCall?.(call);
  } catch (err) {
    console.warn('AI call observer failed', err);
  }
}

export interface ChatResult {
  content: string;
  model: string;
  tokensIn: number;
  tokensOut: number;
  /** `finish_reason` of the completion ('length': cut off by the token limit). */
  finishReason: string | null;
  /** `message.refusal`, when the model refused. */
  refusal: string | null;
  /** A tool call's `function.arguments`, when the model answered with a tool call (the reader reads it). */
  toolArguments: string | null;
}

/**
 * What an attempt that failed after the model had started answering cost, estimated (about 4
 * characters a token, as the prompt and the text received): a stream cut by a cancel or an idle
 * timeout still spent tokens, and the operator's usage log counts them.
 */
export interface PartialUsage {
  tokensIn: number;
  tokensOut: number;
  model: string;
  estimated: true;
}

const estimateTokens = (text: string) => Math.ceil(text.length / 4);

/** `retry-after-ms`, then `retry-after` as seconds or an HTTP date. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | null {
  if (!headers) return null;
  const ms = Number(headers.get('retry-after-ms'));
  if (Number.isFinite(ms) && ms > 0) return ms;
  const value = headers.get('retry-after');
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : null;
}

export function classifyError(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  // The SDK wraps what our fetch throws (APIConnectionError with a cause): look inside first.
  const outbound = outboundCause(err);
  if (outbound instanceof OutboundRefused)
    return new ProviderError('url_not_allowed', `The AI provider's address is not allowed: ${outbound.message}`);
  if (outbound)
    return new ProviderError('too_large', `The AI provider's reply was larger than ${outbound.limitBytes} bytes.`);
  if (err instanceof OpenAI.APIConnectionTimeoutError)
    return new ProviderError('timeout', 'The AI provider did not answer in time.');
  if (err instanceof OpenAI.APIUserAbortError) return new ProviderError('timeout', 'The AI call was aborted.');
  if (err instanceof OpenAI.APIConnectionError)
    return new ProviderError('network', `Could not reach the AI provider: ${err.message}`);
  if (err instanceof OpenAI.APIError) {
    const status = err.status ?? 0;
    if (status === 429)
      return new ProviderError(
        'rate_limited',
        'The AI provider is rate limiting this key.',
        retryAfterMs(err.headers),
        429,
      );
    if (status === 401 || status === 403)
      return new ProviderError('auth', 'The AI provider rejected the API key.', null, status);
    if (status >= 500)
      return new ProviderError(
        'server_error',
        `The AI provider failed (${status}).`,
        retryAfterMs(err.headers),
        status,
      );
    return new ProviderError(
      'bad_request',
      `The AI provider refused the request (${status}): ${err.message}`,
      null,
      status,
    );
  }
  return new ProviderError('network', err instanceof Error ? err.message : String(err));
}

/**
 * The SDK client for one attempt. Its fetch is ours (worker/lib/outbound-fetch.ts): the URL guard on
 * every request and redirect hop, and a cap on the answer's size (images by default, chat passes its own).
 */
export function clientFor(
  cfg: Pick<ProviderConfig, 'apiKey' | 'baseURL' | 'allowLoopback'>,
  timeoutMs: number,
  maxResponseBytes = MAX_IMAGE_RESPONSE_BYTES,
) {
  const fetch = outboundFetcher({ allowLoopback: cfg.allowLoopback ?? false, maxResponseBytes });
  return new OpenAI({ apiKey: cfg.apiKey, baseURL: cfg.baseURL, maxRetries: 0, timeout: timeoutMs, fetch });
}

/**
 * Bytes of a base64 image from a provider (a data: URL prefix is allowed), refused past `maxBytes`
 * before decoding: the base64 length says how large the image is.
 */
export function decodeImageBase64(b64: string, maxBytes = MAX_IMAGE_BYTES): Uint8Array {
  const data = b64.replace(/^data:[^,]{0,100},/, '');
  if (data.length > Math.ceil(maxBytes / 3) * 4)
    throw new ProviderError('too_large', `The image from the provider is larger than ${maxBytes} bytes.`);
  return Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
}

const chatClient = (cfg: ProviderConfig, timeoutMs: number) =>
  clientFor(cfg, timeoutMs, cfg.maxReplyBytes ?? MAX_REPLY_BYTES);

/** The chat request both attempt kinds send. */
function requestBody(
  cfg: ProviderConfig,
  req: ChatRequest,
): OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming {
  return {
    model: cfg.model,
    messages: [
      { role: 'system', content: req.system },
      { role: 'user', content: req.user },
    ],
    ...(req.responseFormat ? { response_format: req.responseFormat } : {}),
    ...(req.maxTokens ? { max_tokens: req.maxTokens } : {}),
    temperature: req.temperature ?? 0.4,
  };
}

/**
 * One attempt of a chat completion. A refusal, a reply cut off by the token limit or an empty one
 * is returned, not thrown: the tolerant reader (core/ai/reader.ts) turns it into a sentence, and
 * the engine still has the tokens it cost for the usage log.
 */
export async function chatCompletion(cfg: ProviderConfig, req: ChatRequest): Promise<ChatResult> {
  const started = Date.now();
  const request = requestBody(cfg, req);
  try {
    const result = await chatAttempt(cfg, req, request);
    tell(req, { request, result, error: null, durationMs: Date.now() - started });
    return result;
  } catch (err) {
    const error = classifyError(err);
    tell(req, { request, result: null, error, durationMs: Date.now() - started });
    throw error;
  }
}

async function chatAttempt(
  cfg: ProviderConfig,
  req: ChatRequest,
  request: OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming,
): Promise<ChatResult> {
  let completion: OpenAI.Chat.Completions.ChatCompletion;
  try {
    completion = await chatClient(cfg, req.timeoutMs).chat.completions.create(request, { signal: req.signal });
  } catch (err) {
    throw classifyError(err);
  }
  // A server that is not OpenAI-compatible can answer 200 with anything (HTML, another JSON).
  if (!completion || typeof completion !== 'object' || !Array.isArray(completion.choices)) {
    throw new ProviderError('unexpected_reply', 'The AI provider did not answer like an OpenAI-compatible API.');
  }
  const choice = completion.choices[0];
  const toolCall = choice?.message.tool_calls?.[0];
  return {
    content: choice?.message.content ?? '',
    model: completion.model || cfg.model,
    tokensIn: completion.usage?.prompt_tokens ?? 0,
    tokensOut: completion.usage?.completion_tokens ?? 0,
    finishReason: choice?.finish_reason ?? null,
    refusal: choice?.message.refusal ?? null,
    toolArguments: (toolCall && 'function' in toolCall ? toolCall.function?.arguments : null) ?? null,
  };
}

/**
 * One streamed attempt: `onDelta` sees the reply as it arrives (the writer streams it into the
 * shared draft); the result is the same as chatCompletion's, with the same rules (refusals and
 * cut-off replies are returned for the reader). The attempt may last as long as chunks keep
 * coming: `timeoutMs` bounds the wait for the answer to start, `idleTimeoutMs` each silence after
 * it, and the whole stream is capped at 20 × `timeoutMs`. A stream that fails part-way (silence,
 * cancel, dropped connection) throws with the tokens it had cost so far (`ProviderError.partial`).
 */
export async function chatCompletionStream(
  cfg: ProviderConfig,
  req: ChatRequest,
  onDelta: (text: string) => Promise<void> | void,
): Promise<ChatResult> {
  let content = '';
  let refusal = '';
  let toolArguments = '';
  let finish: string | null = null;
  let usage = { tokensIn: 0, tokensOut: 0 };
  let model = cfg.model;
  let started = false;
  const idleMs = req.idleTimeoutMs ?? req.timeoutMs;
  // Our own signal: the caller's (a cancel) plus the idle timer and the overall cap.
  const controller = new AbortController();
  let stalled: string | null = null;
  const stop = (why: string | null) => {
    if (why && !stalled) stalled = why;
    controller.abort();
  };
  const onCallerAbort = () => stop(null);
  if (req.signal?.aborted) controller.abort();
  req.signal?.addEventListener('abort', onCallerAbort);
  const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
  const startedAt = Date.now();
  const request = { ...requestBody(cfg, req), stream: true as const, stream_options: { include_usage: true } };
  let idle: ReturnType<typeof setTimeout> | null = null;
  const arm = () => {
    if (idle) clearTimeout(idle);
    idle = setTimeout(
      () => stop(`The AI provider stopped sending the reply (nothing for ${seconds(idleMs)}).`),
      idleMs,
    );
  };
  const cap = setTimeout(
    () => stop(`The AI reply took longer than ${seconds(req.timeoutMs * 20)}.`),
    req.timeoutMs * 20,
  );
  try {
    const stream = await chatClient(cfg, req.timeoutMs).chat.completions.create(request, {
      signal: controller.signal,
    });
    arm();
    for await (const chunk of stream) {
      arm();
      started = true;
      if (chunk.model) model = chunk.model;
      if (chunk.usage)
        usage = { tokensIn: chunk.usage.prompt_tokens ?? 0, tokensOut: chunk.usage.completion_tokens ?? 0 };
      const choice = chunk.choices[0];
      if (!choice) continue;
      if (choice.delta.refusal) refusal += choice.delta.refusal;
      const args = choice.delta.tool_calls?.[0]?.function?.arguments;
      if (args) toolArguments += args;
      if (choice.delta.content) {
        content += choice.delta.content;
        await onDelta(choice.delta.content);
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    // The SDK ends a stream whose signal was aborted without an error: a silence, the cap or a
    // cancel must not pass for a reply that simply ended.
    if (controller.signal.aborted) throw new OpenAI.APIUserAbortError();
  } catch (err) {
    const pe = stalled ? new ProviderError('timeout', stalled) : classifyError(err);
    if (started)
      pe.partial = {
        tokensIn: estimateTokens(req.system + req.user),
        tokensOut: estimateTokens(content + refusal + toolArguments),
        model,
        estimated: true,
      };
    tell(req, { request, result: null, error: pe, durationMs: Date.now() - startedAt });
    throw pe;
  } finally {
    if (idle) clearTimeout(idle);
    clearTimeout(cap);
    req.signal?.removeEventListener('abort', onCallerAbort);
  }
  const result = {
    content,
    model,
    ...usage,
    finishReason: finish,
    refusal: refusal || null,
    toolArguments: toolArguments || null,
  };
  tell(req, { request, result, error: null, durationMs: Date.now() - startedAt });
  return result;
}
