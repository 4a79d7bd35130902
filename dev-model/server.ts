/**
 * IGNY8 dev model server: an OpenAI-compatible HTTP API (chat completions with the four AI
 * functions, streaming, image generations), a Runware emulation and fault injection, so the whole
 * product journey works offline in dev and in tests with the real `openai` SDK.
 *
 *   npx node dev-model/server.ts --port 8799 [--latency 500] [--jitter 100] [--rate-429 0.2] [--rate-5xx 0.05]
 *        [--rate-timeout 0] [--rate-malformed 0] [--seed 1] [--stream-delay 8] [--retry-after 1] [--quiet]
 *
 * prints `DEV_MODEL_READY http://127.0.0.1:<port>` on stdout once listening; logs go to stderr.
 */
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateReply, promptTokens } from './chat.ts';
import {
  FaultRegistry,
  FATAL_CONTENT_FAULTS,
  REPAIRABLE_FAULTS,
  applyContentFault,
  faultError,
  isFault,
  isScriptEntry,
  isRawReply,
  outcomeOf,
  openAiError,
  validateRates,
  type ErrorReply,
  type FaultRates,
  type KeyConfig,
  type Outcome,
  type ScriptEntry,
} from './faults.ts';
import { FileStore, parseSize, renderImage } from './images.ts';
import { MailSink } from './mail.ts';
import { RequestLog } from './request-log.ts';
import { checkRunwareKey, isInvalidKey, runInference, runwareApiKey, runwareErrors, runwareTasks } from './runware.ts';
import { sleep, splitForStream, streamCompletion, type Usage } from './sse.ts';
import { approxTokens } from './text.ts';

export type { FaultRates, Fault, ScriptEntry } from './faults.ts';

export interface DevModelOptions {
  port?: number;
  host?: string;
  /** Added before every AI reply (ms). */
  latencyMs?: number;
  /** Uniform random extra latency 0..jitterMs (seeded). */
  jitterMs?: number;
  /** Global fault rates (a key's own rates replace them). */
  rates?: FaultRates;
  /** Seed for the fault/jitter RNG (default 1): same seed, same sequence per key. */
  seed?: number;
  /** Delay between streamed chunks (ms, default 8). */
  streamDelayMs?: number;
  /** Retry-After for 429 faults (s, default 1). */
  retryAfterS?: number;
  /** How long a 'timeout' fault holds the connection before closing it (ms, default 60 000). */
  timeoutHoldMs?: number;
  /** Log one line per request to stderr. */
  verbose?: boolean;
  /** Like a real provider's concurrency limit: a key's request beyond this many in flight gets a 429. */
  maxConcurrentPerKey?: number;
}

export interface DevModelServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export const MODELS = [
  { id: 'igny8-dev-small', kind: 'chat' },
  { id: 'igny8-dev-large', kind: 'chat' },
  { id: 'igny8-dev-image', kind: 'image' },
] as const;

const DEFAULT_STREAM_DELAY_MS = 8;
const MAX_BODY_BYTES = 20 * 1024 * 1024;
const CONTENT_FAULTS = new Set<string>([...FATAL_CONTENT_FAULTS, ...REPAIRABLE_FAULTS]);

class HttpError extends Error {
  readonly reply: ErrorReply;
  constructor(reply: ErrorReply) {
    super(reply.body.error.message);
    this.reply = reply;
  }
}

const badRequest = (message: string, param: string | null = null) => {
  const r = openAiError(400, message, 'invalid_request_error', 'invalid_request');
  r.body.error.param = param;
  return new HttpError(r);
};

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendError(res: ServerResponse, e: ErrorReply): void {
  sendJson(res, e.status, e.body, e.headers);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new HttpError(openAiError(413, 'Request body too large.', 'invalid_request_error', 'request_too_large'));
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest(
      'We could not parse the JSON body of your request. (HINT: This likely ' +
        'means you are not using your HTTP library correctly.)',
    );
  }
}

function bearer(req: IncomingMessage): string {
  const m = /^Bearer\s+(.*)$/i.exec(req.headers.authorization ?? '');
  return m ? m[1]!.trim() : '';
}

function mask(key: string): string {
  return key.length > 10 ? `${key.slice(0, 6)}…${key.slice(-3)}` : key;
}

export async function startDevModelServer(opts: DevModelOptions = {}): Promise<DevModelServer> {
  const host = opts.host ?? '127.0.0.1';
  const registry = new FaultRegistry({
    rates: opts.rates,
    seed: opts.seed ?? 1,
    latencyMs: opts.latencyMs,
    jitterMs: opts.jitterMs,
    retryAfterS: opts.retryAfterS,
    streamDelayMs: opts.streamDelayMs,
  });
  const files = new FileStore();
  /** The chat requests each key sent, for tests that check the prompt (GET /__dev/requests). */
  const requestLog = new RequestLog();
  const mailSink = new MailSink();
  const held = new Set<IncomingMessage>();
  const holdMs = opts.timeoutHoldMs ?? 60_000;
  const verbose = opts.verbose ?? process.env.DEV_MODEL_LOG === '1';
  const log = (line: string) => {
    if (verbose) process.stderr.write(`[dev-model] ${line}\n`);
  };
  let closing = false;

  /** Per-request context for AI endpoints: stats, fault, abort signal. */
  const begin = (req: IncomingMessage, res: ServerResponse, key: string) => {
    const tracker = registry.begin(key);
    const ac = new AbortController();
    res.on('close', () => {
      tracker.end();
      ac.abort();
    });
    const header = req.headers['x-dev-model-fault'];
    const headerFault = typeof header === 'string' && header.trim() ? header.trim() : undefined;
    if (headerFault !== undefined && !isScriptEntry(headerFault)) {
      tracker.outcome('bad_request');
      throw badRequest(`Unknown x-dev-model-fault: ${headerFault}`);
    }
    const overLimit = opts.maxConcurrentPerKey !== undefined && registry.inFlight(key) > opts.maxConcurrentPerKey;
    const fault = overLimit ? ('429' as ScriptEntry) : registry.decide(key, headerFault as ScriptEntry | undefined);
    return { tracker, signal: ac.signal, fault };
  };

  /** The 'timeout' fault: keep the request open, answer nothing; closed after holdMs or on server close. */
  const hold = (req: IncomingMessage, res: ServerResponse) => {
    held.add(req);
    const t = setTimeout(() => req.socket.destroy(), holdMs);
    t.unref();
    res.on('close', () => {
      clearTimeout(t);
      held.delete(req);
    });
  };

  /** Transport faults shared by every AI endpoint; returns true when the request was answered. */
  const transportFault = (
    req: IncomingMessage,
    res: ServerResponse,
    fault: ScriptEntry,
    key: string,
    runware = false,
  ): boolean => {
    if (fault === '429' || fault === '500' || fault === '503') {
      const e = faultError(fault, registry.retryAfterFor(key));
      if (runware) {
        const code =
          fault === '429' ? 'rateLimitExceeded' : fault === '503' ? 'serviceUnavailable' : 'internalServerError';
        sendJson(res, e.status, runwareErrors(e.status, [{ code, message: e.body.error.message }]).body, e.headers);
      } else sendError(res, e);
      return true;
    }
    if (fault === 'timeout' || fault === 'stall') {
      hold(req, res);
      return true;
    }
    if (fault === 'disconnect') {
      req.socket.destroy();
      return true;
    }
    return false;
  };

  const requireKey = (req: IncomingMessage, stats = true): string => {
    const key = bearer(req);
    if (!key || isInvalidKey(key)) {
      if (stats) {
        const t = registry.begin(undefined);
        t.outcome('unauthorized');
        t.end();
      }
      throw new HttpError(
        key
          ? openAiError(
              401,
              `Incorrect API key provided: ${mask(key)}. You can find your API key in your account settings.`,
              'invalid_request_error',
              'invalid_api_key',
            )
          : openAiError(
              401,
              "You didn't provide an API key. You need to provide your API key in an " +
                'Authorization header using Bearer auth (i.e. Authorization: Bearer ' +
                'YOUR_KEY).',
              'invalid_request_error',
              'missing_api_key',
            ),
      );
    }
    return key;
  };

  // ------------------------------------------------------------------ /v1/chat/completions
  const chatCompletions = async (req: IncomingMessage, res: ServerResponse): Promise<string> => {
    const key = requireKey(req);
    const raw = await readJson(req);
    if (!raw || typeof raw !== 'object' || Array.isArray(raw))
      throw badRequest('The request body must be a JSON object.');
    const body = raw as Record<string, unknown>;
    if (!Array.isArray(body.messages) || body.messages.length === 0)
      throw badRequest("'messages' must be a non-empty array.", 'messages');
    const model = typeof body.model === 'string' && body.model.trim() ? body.model : 'igny8-dev-small';
    const stream = body.stream === true;
    requestLog.record(key, body);
    const { tracker, signal, fault } = begin(req, res, key);
    tracker.outcome(outcomeOf(fault));
    await sleep(registry.latencyFor(key), signal);
    if (signal.aborted) return `aborted (${fault})`;
    if ((fault !== 'disconnect' && fault !== 'stall') || !stream) {
      if (transportFault(req, res, fault, key)) return outcomeOf(fault);
    }

    const reply = generateReply(body, model);
    let out =
      isRawReply(fault) || CONTENT_FAULTS.has(fault)
        ? applyContentFault(reply.content, reply.value, fault)
        : {
            content: reply.content as string | null,
            refusal: null as string | null,
            finishReason: 'stop' as 'stop' | 'length' | 'tool_calls',
            toolArguments: null as string | null | undefined,
          };
    // Honour max_tokens like a real model: cut the reply and report finish_reason 'length'.
    const limit = Number(body.max_completion_tokens ?? body.max_tokens);
    if (Number.isFinite(limit) && limit > 0 && out.content && approxTokens(out.content) > limit) {
      out = { content: out.content.slice(0, limit * 4), refusal: null, finishReason: 'length' };
    }
    const completionTokens = approxTokens((out.content ?? '') + (out.refusal ?? '') + (out.toolArguments ?? ''));
    const prompt = promptTokens(body);
    const usage: Usage = {
      prompt_tokens: prompt,
      completion_tokens: completionTokens,
      total_tokens: prompt + completionTokens,
    };
    const id = `chatcmpl-dev${randomUUID().replace(/-/g, '').slice(0, 24)}`;
    const created = Math.floor(Date.now() / 1000);
    const label = `${reply.fn ?? 'chat'} ${isRawReply(fault) ? 'raw' : fault}`;

    if (stream) {
      const headerDelay = Number(req.headers['x-dev-model-stream-delay-ms']);
      const delayMs =
        Number.isFinite(headerDelay) && headerDelay >= 0
          ? headerDelay
          : (registry.streamDelayFor(key) ?? opts.streamDelayMs ?? DEFAULT_STREAM_DELAY_MS);
      const opt = body.stream_options as { include_usage?: unknown } | undefined;
      const pieces =
        fault === 'disconnect' || fault === 'stall' ? splitForStream(out.refusal ?? out.content ?? '').length : 0;
      await streamCompletion(res, {
        id,
        created,
        model,
        content: out.content,
        refusal: out.refusal,
        finishReason: out.finishReason,
        toolArguments: out.toolArguments ?? null,
        usage,
        includeUsage: opt?.include_usage === true,
        delayMs,
        signal,
        ...(fault === 'disconnect' ? { cutAfter: Math.floor(pieces / 2) } : {}),
        ...(fault === 'stall' ? { stallAfter: Math.floor(pieces / 2), stallMs: holdMs } : {}),
      });
      return `${label} stream`;
    }

    sendJson(
      res,
      200,
      {
        id,
        object: 'chat.completion',
        created,
        model,
        system_fingerprint: 'fp_igny8_dev',
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: out.content,
              refusal: out.refusal,
              annotations: [],
              ...(out.toolArguments != null
                ? {
                    tool_calls: [
                      {
                        id: `call_${id.slice(-12)}`,
                        type: 'function',
                        function: { name: reply.fn ?? 'reply', arguments: out.toolArguments },
                      },
                    ],
                  }
                : {}),
            },
            logprobs: null,
            finish_reason: out.finishReason,
          },
        ],
        usage,
        service_tier: 'default',
      },
      { 'x-request-id': id },
    );
    return label;
  };

  // ------------------------------------------------------------------ /v1/images/generations
  const imageGenerations = async (req: IncomingMessage, res: ServerResponse): Promise<string> => {
    const key = requireKey(req);
    const raw = await readJson(req);
    if (!raw || typeof raw !== 'object' || Array.isArray(raw))
      throw badRequest('The request body must be a JSON object.');
    const body = raw as Record<string, unknown>;
    const prompt = typeof body.prompt === 'string' ? body.prompt.trim() : '';
    if (!prompt) throw badRequest("'prompt' is required.", 'prompt');
    const size = parseSize(body.size);
    if (!size)
      throw badRequest(`Invalid size '${String(body.size)}'. Use WIDTHxHEIGHT such as 1024x1024 (16 to 2048).`, 'size');
    const n = body.n === undefined ? 1 : Number(body.n);
    if (!Number.isInteger(n) || n < 1 || n > 10) throw badRequest("'n' must be an integer from 1 to 10.", 'n');
    const format = body.response_format ?? 'b64_json';
    if (format !== 'b64_json' && format !== 'url')
      throw badRequest("'response_format' must be 'b64_json' or 'url'.", 'response_format');

    const { tracker, signal, fault } = begin(req, res, key);
    tracker.outcome(outcomeOf(fault));
    await sleep(registry.latencyFor(key), signal);
    if (signal.aborted) return `aborted (${fault})`;
    if (transportFault(req, res, fault, key)) return outcomeOf(fault);
    if (fault === 'refusal') {
      sendError(
        res,
        openAiError(
          400,
          'Your request was rejected as a result of our safety system (dev model fault injection).',
          'invalid_request_error',
          'content_policy_violation',
        ),
      );
      return fault;
    }
    if (fault === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('<html><body>Bad gateway (dev model fault injection)</body></html>');
      return fault;
    }
    if (fault === 'wrong_shape') {
      sendJson(res, 200, { result: 'ok' });
      return fault;
    }
    const created = Math.floor(Date.now() / 1000);
    if (fault === 'empty') {
      sendJson(res, 200, { created, data: [] });
      return fault;
    }
    const base = `http://${req.headers.host ?? `${host}`}`;
    const data = [];
    for (let i = 0; i < n; i++) {
      let png = renderImage(prompt, size[0], size[1], i);
      if (fault === 'truncated') png = png.subarray(0, Math.floor(png.length / 2));
      const revised_prompt = `${prompt} (dev model placeholder image ${size[0]}x${size[1]})`;
      data.push(
        format === 'url'
          ? { url: `${base}/files/${files.put(png)}.png`, revised_prompt }
          : { b64_json: png.toString('base64'), revised_prompt },
      );
    }
    sendJson(res, 200, { created, data, size: `${size[0]}x${size[1]}`, output_format: 'png' });
    return `image ${fault}`;
  };

  // ------------------------------------------------------------------ /runware/v1
  const runware = async (req: IncomingMessage, res: ServerResponse): Promise<string> => {
    let raw: unknown;
    try {
      raw = await readJson(req);
    } catch {
      sendJson(
        res,
        400,
        runwareErrors(400, [{ code: 'invalidJson', message: 'The request body is not valid JSON.' }]).body,
      );
      return 'bad json';
    }
    const tasks = runwareTasks(raw);
    if (!tasks) {
      sendJson(
        res,
        400,
        runwareErrors(400, [{ code: 'invalidBody', message: 'The request body must be a JSON array of tasks.' }]).body,
      );
      return 'bad body';
    }
    const key = runwareApiKey(tasks, req.headers.authorization);
    const authError = checkRunwareKey(key);
    if (authError) {
      const t = registry.begin(undefined);
      t.outcome('unauthorized');
      t.end();
      sendJson(res, authError.status, authError.body);
      return 'unauthorized';
    }
    const { tracker, signal, fault } = begin(req, res, key);
    tracker.outcome(outcomeOf(fault));
    await sleep(registry.latencyFor(key), signal);
    if (signal.aborted) return `aborted (${fault})`;
    if (transportFault(req, res, fault, key, true)) return outcomeOf(fault);
    if (fault === 'malformed') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('<html><body>Bad gateway (dev model fault injection)</body></html>');
      return fault;
    }
    if (fault === 'wrong_shape') {
      sendJson(res, 200, { result: 'ok' });
      return fault;
    }
    if (fault === 'empty') {
      sendJson(res, 200, { data: [] });
      return fault;
    }
    if (fault === 'refusal') {
      sendJson(
        res,
        400,
        runwareErrors(400, [
          {
            code: 'contentModerated',
            message: 'The prompt was rejected by content moderation (dev model fault injection).',
          },
        ]).body,
      );
      return fault;
    }
    const result = runInference(tasks, { baseUrl: `http://${req.headers.host ?? host}`, files });
    if (fault === 'truncated' && 'data' in result.body) {
      for (const d of result.body.data) {
        if (typeof d.imageBase64Data === 'string')
          d.imageBase64Data = d.imageBase64Data.slice(0, Math.floor(d.imageBase64Data.length / 8) * 4);
      }
    }
    sendJson(res, result.status, result.body);
    return `runware ${result.status} ${fault}`;
  };

  // ------------------------------------------------------------------ /__dev/*
  const devFaults = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<string> => {
    if (req.method === 'GET') {
      const key = url.searchParams.get('api_key');
      if (!key) throw badRequest('api_key query parameter is required.', 'api_key');
      sendJson(res, 200, { api_key: key, ...registry.config(key) });
      return 'faults get';
    }
    if (req.method === 'DELETE') {
      let key = url.searchParams.get('api_key');
      if (!key) {
        const b = (await readJson(req).catch(() => undefined)) as { api_key?: unknown } | undefined;
        if (b && typeof b.api_key === 'string') key = b.api_key;
      }
      if (!key) throw badRequest('api_key is required.', 'api_key');
      registry.resetKey(key);
      sendJson(res, 200, { ok: true, api_key: key });
      return 'faults reset';
    }
    if (req.method !== 'POST')
      throw new HttpError(openAiError(405, 'Use GET, POST or DELETE.', 'invalid_request_error', 'method_not_allowed'));
    const b = (await readJson(req)) as Record<string, unknown> | undefined;
    if (!b || typeof b !== 'object') throw badRequest('JSON body required.');
    const key = b.api_key;
    if (typeof key !== 'string' || !key) throw badRequest('api_key (string) is required.', 'api_key');
    const cfg: Partial<KeyConfig> = {};
    if (b.script !== undefined) {
      if (!Array.isArray(b.script) || !b.script.every(isScriptEntry)) {
        throw badRequest(
          `script must be an array of: ok, ` +
            `${[
              ...new Set([
                '429',
                '500',
                '503',
                'timeout',
                'disconnect',
                'stall',
                ...FATAL_CONTENT_FAULTS,
                ...REPAIRABLE_FAULTS,
              ]),
            ].join(', ')}, ` +
            `or a raw reply {raw, finish_reason?, refusal?}`,
          'script',
        );
      }
      cfg.script = b.script;
    }
    const rateError = validateRates(b.rates);
    if (rateError) throw badRequest(rateError, 'rates');
    if (b.rates !== undefined) cfg.rates = b.rates as FaultRates;
    for (const f of ['latency_ms', 'retry_after_s', 'stream_delay_ms'] as const) {
      const v = b[f];
      if (v === undefined) continue;
      if (typeof v !== 'number' || !(v >= 0)) throw badRequest(`${f} must be a non-negative number.`, f);
      cfg[f] = v;
    }
    const config = registry.configure(key, cfg);
    sendJson(res, 200, { ok: true, api_key: key, ...config });
    return 'faults set';
  };

  // ------------------------------------------------------------------ router
  const route = async (req: IncomingMessage, res: ServerResponse): Promise<string> => {
    const url = new URL(req.url ?? '/', 'http://dev-model.local');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    if (path === '/health' || path === '/v1/health') {
      sendJson(res, 200, { ok: true });
      return 'health';
    }
    if (path === '/v1/models' && method === 'GET') {
      requireKey(req, false);
      sendJson(res, 200, {
        object: 'list',
        data: MODELS.map((m) => ({ id: m.id, object: 'model', created: 1_735_689_600, owned_by: 'igny8-dev' })),
      });
      return 'models';
    }
    if (path.startsWith('/v1/models/') && method === 'GET') {
      requireKey(req, false);
      sendJson(res, 200, {
        id: decodeURIComponent(path.slice('/v1/models/'.length)),
        object: 'model',
        created: 1_735_689_600,
        owned_by: 'igny8-dev',
      });
      return 'model';
    }
    if (path === '/v1/chat/completions' && method === 'POST') return chatCompletions(req, res);
    if (path === '/v1/images/generations' && method === 'POST') return imageGenerations(req, res);
    if ((path === '/runware/v1' || path === '/runware') && method === 'POST') return runware(req, res);
    const file = /^\/files\/([\w-]+)\.png$/.exec(path);
    if (file && (method === 'GET' || method === 'HEAD')) {
      const png = files.get(file[1]!);
      if (!png) throw new HttpError(openAiError(404, 'File not found.', 'invalid_request_error', 'not_found'));
      res.writeHead(200, {
        'content-type': 'image/png',
        'content-length': png.length,
        'cache-control': 'public, max-age=3600',
      });
      res.end(method === 'HEAD' ? undefined : png);
      return 'file';
    }
    // Redirect tests: /__dev/redirect/<status>/<target, URL-encoded>/<rest> answers <status> with
    // Location <target>/<rest>?<query>, so an SDK base URL can point through it (nest it for chains).
    const redirect = /^\/__dev\/redirect\/(30[12378])\/([^/]+)(\/.*)?$/.exec(url.pathname);
    if (redirect) {
      const location = `${decodeURIComponent(redirect[2]!).replace(/\/+$/, '')}${redirect[3] ?? ''}${url.search}`;
      res.writeHead(Number(redirect[1]), { location, 'content-type': 'text/plain' });
      res.end(`redirecting to ${location}`);
      return `redirect ${redirect[1]}`;
    }
    if (path === '/v1/mail/emails' && method === 'POST') {
      const stored = mailSink.accept(await readJson(req));
      if (typeof stored === 'string') sendJson(res, 422, { name: 'validation_error', message: stored });
      else sendJson(res, 200, { id: stored.id });
      return 'mail';
    }
    if (path === '/__dev/mail' && method === 'GET') {
      sendJson(res, 200, { data: mailSink.to(url.searchParams.get('to')) });
      return 'mail read';
    }
    if (path === '/__dev/faults') return devFaults(req, res, url);
    if (path === '/__dev/stats' && method === 'GET') {
      sendJson(res, 200, registry.stats(url.searchParams.get('api_key') ?? undefined));
      return 'stats';
    }
    if (path === '/__dev/requests' && method === 'GET') {
      const key = url.searchParams.get('key') ?? url.searchParams.get('api_key');
      if (!key) throw badRequest('key query parameter is required.', 'key');
      const limit = Number(url.searchParams.get('limit') ?? '') || undefined;
      sendJson(res, 200, { key, requests: requestLog.last(key, limit) });
      return 'requests';
    }
    if (path === '/__dev/reset' && method === 'POST') {
      registry.resetAll();
      requestLog.clear();
      files.clear();
      sendJson(res, 200, { ok: true });
      return 'reset';
    }
    if (path.startsWith('/v1/')) requireKey(req, false);
    throw new HttpError(
      openAiError(404, `Unknown route: ${method} ${url.pathname}`, 'invalid_request_error', 'unknown_url'),
    );
  };

  const server = http.createServer((req, res) => {
    const started = Date.now();
    if (closing) {
      res.writeHead(503, { connection: 'close' });
      res.end();
      return;
    }
    route(req, res).then(
      (label) =>
        log(
          `${req.method} ${req.url} key=${mask(bearer(req))} → ` +
            `${res.headersSent ? res.statusCode : '—'} ${label} ` +
            `${Date.now() - started}ms`,
        ),
      (err: unknown) => {
        if (err instanceof HttpError) sendError(res, err.reply);
        else {
          process.stderr.write(
            `[dev-model] error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
          );
          if (!res.headersSent)
            sendError(
              res,
              openAiError(500, 'Internal error in the dev model server.', 'server_error', 'internal_error'),
            );
          else res.destroy();
        }
        log(`${req.method} ${req.url} → ${res.statusCode} error ${Date.now() - started}ms`);
      },
    );
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? 0);
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  let closed: Promise<void> | null = null;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    close() {
      if (closed) return closed;
      closing = true;
      closed = new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const req of held) req.socket.destroy();
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

// ---------------------------------------------------------------------- CLI

/** Flags that take a number, and the option each one sets. */
const NUMERIC_FLAGS: Record<string, keyof DevModelOptions> = {
  '--port': 'port',
  '--latency': 'latencyMs',
  '--max-concurrent': 'maxConcurrentPerKey',
  '--jitter': 'jitterMs',
  '--seed': 'seed',
  '--stream-delay': 'streamDelayMs',
  '--retry-after': 'retryAfterS',
};

export function parseArgs(argv: string[]): DevModelOptions {
  const opts: DevModelOptions = { verbose: true };
  const rates: FaultRates = {};
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]!;
    let value: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const next = () => {
      const v = value ?? argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    const num = () => {
      const v = Number(next());
      if (!Number.isFinite(v)) throw new Error(`${arg} needs a number`);
      return v;
    };
    const numeric = NUMERIC_FLAGS[arg];
    if (numeric) {
      (opts as Record<string, unknown>)[numeric] = num();
      continue;
    }
    if (arg === '--host') {
      opts.host = next();
      continue;
    }
    switch (arg) {
      case '--quiet':
        opts.verbose = false;
        break;
      default: {
        const m = /^--rate-(.+)$/.exec(arg);
        if (m && (m[1] === '5xx' || isFault(m[1]))) {
          (rates as Record<string, number>)[m[1]!] = num();
          break;
        }
        throw new Error(`unknown option ${arg}`);
      }
    }
  }
  if (Object.keys(rates).length) {
    const err = validateRates(rates);
    if (err) throw new Error(err);
    opts.rates = rates;
  }
  return opts;
}

const isMain =
  (import.meta as { main?: boolean }).main ??
  (process.argv[1] !== undefined && pathToFileURL(resolvePath(process.argv[1])).href === import.meta.url);

if (isMain) {
  let opts: DevModelOptions;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`dev-model: ${(e as Error).message}\n`);
    process.exit(2);
  }
  opts.port ??= 8799;
  const srv = await startDevModelServer(opts);
  process.stdout.write(`DEV_MODEL_READY ${srv.url}\n`);
  process.stderr.write(
    `[dev-model] listening on ${srv.url} (latency ` +
      `${opts.latencyMs ?? 0}ms, jitter ${opts.jitterMs ?? 0}ms, rates ` +
      `${JSON.stringify(opts.rates ?? {})}, seed ${opts.seed ?? 1})\n`,
  );
  const stop = (signal: string) => {
    process.stderr.write(`[dev-model] ${signal}: closing\n`);
    srv.close().then(() => process.exit(0));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
