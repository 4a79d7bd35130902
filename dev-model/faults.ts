/**
 * Fault injection: the fault kinds, per-API-key scripts/rates/latency, seeded random rates, request
 * statistics, and the transformations applied to a reply's content for the content faults.
 */
import { hash32, mulberry32, type Rng } from './text.ts';

/**
 * Faults answered with an HTTP error or no answer at all. 'stall': a stream sends half its reply,
 * then nothing (the connection stays open), like a provider that hangs mid-answer; not streamed,
 * it is 'timeout'.
 */
export const TRANSPORT_FAULTS = ['429', '500', '503', 'timeout', 'disconnect', 'stall'] as const;
/** 200 replies the product must reject. */
export const FATAL_CONTENT_FAULTS = ['malformed', 'truncated', 'wrong_shape', 'refusal', 'empty'] as const;
/** 200 replies whose JSON is only badly wrapped: the product must repair and accept them. */
export const REPAIRABLE_FAULTS = [
  'fenced',
  'prose',
  'trailing_comma',
  'smart_quotes',
  'bom',
  'numbers_as_strings',
  'comments',
] as const;

export const FAULTS = [...TRANSPORT_FAULTS, ...FATAL_CONTENT_FAULTS, ...REPAIRABLE_FAULTS] as const;
export type Fault = (typeof FAULTS)[number];
/**
 * A scripted raw reply (chat only): the exact `message.content` to answer (null for none), with its
 * finish_reason and message.refusal — for replies no fault mode produces (the reply corpus).
 */
export interface RawReply {
  raw: string | null;
  finish_reason?: 'stop' | 'length';
  refusal?: string | null;
  /** Answer with a tool call whose `function.arguments` is this text (finish_reason 'tool_calls' unless given). */
  tool_arguments?: string;
}
/** A script entry: a fault, 'ok' for one normal reply, or a raw reply. */
export type ScriptEntry = Fault | 'ok' | RawReply;

export function isRawReply(x: unknown): x is RawReply {
  if (!x || typeof x !== 'object' || Array.isArray(x)) return false;
  const r = x as Record<string, unknown>;
  return (
    'raw' in r &&
    (r.raw === null || typeof r.raw === 'string') &&
    (r.finish_reason === undefined || r.finish_reason === 'stop' || r.finish_reason === 'length') &&
    (r.refusal === undefined || r.refusal === null || typeof r.refusal === 'string') &&
    (r.tool_arguments === undefined || typeof r.tool_arguments === 'string')
  );
}

/** The stats outcome of a script entry ('raw' for a raw reply). */
export function outcomeOf(entry: ScriptEntry): Outcome {
  return isRawReply(entry) ? 'raw' : entry;
}

/** Probabilities per request; '5xx' is split evenly between 500 and 503. Other fault names are allowed too. */
export type FaultRates = { '429'?: number; '5xx'?: number; timeout?: number; malformed?: number } & Partial<
  Record<Fault, number>
>;

export function isFault(x: unknown): x is Fault {
  return typeof x === 'string' && (FAULTS as readonly string[]).includes(x);
}

export function isScriptEntry(x: unknown): x is ScriptEntry {
  return x === 'ok' || isFault(x) || isRawReply(x);
}

export const OUTCOMES = ['ok', ...FAULTS, 'raw', 'unauthorized', 'bad_request'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface Stats {
  requests: number;
  by_outcome: Record<string, number>;
  max_concurrent: number;
  in_flight: number;
}

function newStats(): Stats {
  return { requests: 0, by_outcome: Object.fromEntries(OUTCOMES.map((o) => [o, 0])), max_concurrent: 0, in_flight: 0 };
}

export interface KeyConfig {
  script: ScriptEntry[];
  rates?: FaultRates;
  latency_ms?: number;
  retry_after_s?: number;
  stream_delay_ms?: number;
}

interface KeyState extends KeyConfig {
  rng: Rng;
  stats: Stats;
}

export interface GlobalFaultOptions {
  rates?: FaultRates;
  seed?: number;
  latencyMs?: number;
  jitterMs?: number;
  retryAfterS?: number;
  streamDelayMs?: number;
}

/** Validates a rates object; returns an error message or null. */
export function validateRates(rates: unknown): string | null {
  if (rates === undefined) return null;
  if (!rates || typeof rates !== 'object' || Array.isArray(rates)) return 'rates must be an object';
  for (const [k, v] of Object.entries(rates)) {
    if (k !== '5xx' && !isFault(k)) return `unknown fault in rates: ${k}`;
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) return `rate for ${k} must be a number between 0 and 1`;
  }
  return null;
}

export class FaultRegistry {
  private keys = new Map<string, KeyState>();
  private global: Stats = newStats();
  readonly opts: GlobalFaultOptions;
  constructor(opts: GlobalFaultOptions = {}) {
    this.opts = opts;
  }

  private state(key: string): KeyState {
    let s = this.keys.get(key);
    if (!s) {
      s = { script: [], rng: mulberry32(hash32(`${this.opts.seed ?? 1}:${key}`)), stats: newStats() };
      this.keys.set(key, s);
    }
    return s;
  }

  /** Merges the given fields into the key's configuration (fields left out are kept). */
  configure(key: string, cfg: Partial<KeyConfig>): KeyConfig {
    const s = this.state(key);
    if (cfg.script !== undefined) s.script = cfg.script.slice();
    if (cfg.rates !== undefined) s.rates = cfg.rates;
    if (cfg.latency_ms !== undefined) s.latency_ms = cfg.latency_ms;
    if (cfg.retry_after_s !== undefined) s.retry_after_s = cfg.retry_after_s;
    if (cfg.stream_delay_ms !== undefined) s.stream_delay_ms = cfg.stream_delay_ms;
    return this.config(key);
  }

  config(key: string): KeyConfig {
    const s = this.keys.get(key);
    if (!s) return { script: [] };
    const out: KeyConfig = { script: s.script.slice() };
    if (s.rates) out.rates = s.rates;
    if (s.latency_ms !== undefined) out.latency_ms = s.latency_ms;
    if (s.retry_after_s !== undefined) out.retry_after_s = s.retry_after_s;
    if (s.stream_delay_ms !== undefined) out.stream_delay_ms = s.stream_delay_ms;
    return out;
  }

  /** Forgets the key's configuration and statistics. */
  resetKey(key: string): void {
    this.keys.delete(key);
  }

  resetAll(): void {
    this.keys.clear();
    this.global = newStats();
  }

  stats(key?: string): Stats {
    const s = key === undefined ? this.global : (this.keys.get(key)?.stats ?? newStats());
    return { ...s, by_outcome: { ...s.by_outcome } };
  }

  /**
   * Picks the fault for one request: the header first (does not consume the script), then the
   * key's script, then the key's rates or the global rates. 'ok' means no fault.
   */
  decide(key: string, headerFault: ScriptEntry | undefined): ScriptEntry {
    if (headerFault) return headerFault;
    const s = this.state(key);
    const next = s.script.shift();
    if (next !== undefined) return next;
    const rates = s.rates ?? this.opts.rates;
    if (!rates) return 'ok';
    const r = s.rng();
    let acc = 0;
    const entries = Object.entries(rates).sort(([a], [b]) => rateOrder(a) - rateOrder(b) || (a < b ? -1 : 1));
    for (const [name, p] of entries) {
      acc += p ?? 0;
      if (r < acc) {
        if (name === '5xx') return s.rng() < 0.5 ? '500' : '503';
        return name as Fault;
      }
    }
    return 'ok';
  }

  /** Latency for the key: its own latency_ms, else the global latency plus seeded jitter. */
  latencyFor(key: string): number {
    const s = this.state(key);
    const base = s.latency_ms ?? this.opts.latencyMs ?? 0;
    const jitter = this.opts.jitterMs ?? 0;
    return Math.max(0, base + (jitter > 0 ? s.rng() * jitter : 0));
  }

  retryAfterFor(key: string): number {
    return this.keys.get(key)?.retry_after_s ?? this.opts.retryAfterS ?? 1;
  }

  streamDelayFor(key: string): number | undefined {
    return this.keys.get(key)?.stream_delay_ms;
  }

  /** Requests of the key being answered right now. */
  inFlight(key: string): number {
    return this.state(key).stats.in_flight;
  }

  /** Counts a request as started; returns the function that ends it with its outcome. */
  begin(key: string | undefined): { outcome(o: Outcome): void; end(): void } {
    const targets = key === undefined ? [this.global] : [this.global, this.state(key).stats];
    for (const t of targets) {
      t.requests++;
      t.in_flight++;
      t.max_concurrent = Math.max(t.max_concurrent, t.in_flight);
    }
    let recorded = false;
    let ended = false;
    return {
      outcome: (o) => {
        if (recorded) return;
        recorded = true;
        for (const t of targets) t.by_outcome[o] = (t.by_outcome[o] ?? 0) + 1;
      },
      end: () => {
        if (ended) return;
        ended = true;
        for (const t of targets) t.in_flight--;
      },
    };
  }
}

function rateOrder(name: string): number {
  const order = ['429', '5xx', '500', '503', 'timeout', 'malformed'];
  const i = order.indexOf(name);
  return i < 0 ? order.length : i;
}

// ---------------------------------------------------------------- error bodies

export interface ErrorReply {
  status: number;
  headers: Record<string, string>;
  body: { error: { message: string; type: string; param: string | null; code: string | null } };
}

export function openAiError(
  status: number,
  message: string,
  type: string,
  code: string | null,
  headers: Record<string, string> = {},
): ErrorReply {
  return { status, headers, body: { error: { message, type, param: null, code } } };
}

export function faultError(fault: '429' | '500' | '503', retryAfterS: number): ErrorReply {
  if (fault === '429') {
    return openAiError(
      429,
      `Rate limit reached for requests (dev model fault injection). Please try again in ${retryAfterS}s.`,
      'rate_limit_exceeded',
      'rate_limit_exceeded',
      {
        'retry-after': String(retryAfterS),
        'retry-after-ms': String(Math.round(retryAfterS * 1000)),
        'x-ratelimit-remaining-requests': '0',
      },
    );
  }
  if (fault === '503')
    return openAiError(
      503,
      'The server is overloaded or not ready yet (dev model fault injection).',
      'server_error',
      'service_unavailable',
    );
  return openAiError(
    500,
    'The server had an error while processing your request (dev model fault injection).',
    'server_error',
    'internal_error',
  );
}

// ---------------------------------------------------------------- content transformations

export interface FaultedContent {
  content: string | null;
  refusal: string | null;
  finishReason: 'stop' | 'length' | 'tool_calls';
  /** A tool call's arguments (raw replies only). */
  toolArguments?: string | null;
}

export const REFUSAL_TEXT = "I'm sorry, but I can't help with that request.";

/**
 * Applies a content fault to a reply. `value` is the parsed JSON reply when the reply is a JSON
 * function reply (repairable faults re-serialise it); for plain chat it is undefined.
 */
export function applyContentFault(content: string, value: unknown, fault: ScriptEntry): FaultedContent {
  const ok = (c: string): FaultedContent => ({ content: c, refusal: null, finishReason: 'stop' });
  if (isRawReply(fault)) {
    const tool = fault.tool_arguments ?? null;
    return {
      content: fault.raw,
      refusal: fault.refusal ?? null,
      finishReason: fault.finish_reason ?? (tool !== null ? 'tool_calls' : 'stop'),
      toolArguments: tool,
    };
  }
  switch (fault) {
    case 'malformed':
      return ok(
        'Sure! Here is what I came up with: the first group is about the main ' +
          'topic and the second one covers the rest. Let me know if you want me ' +
          'to expand on any of it.',
      );
    case 'truncated': {
      // 60% of the reply: a JSON reply loses its closing brackets, so it can never parse.
      let c = content.slice(0, Math.max(1, Math.floor(content.length * 0.6)));
      if (/[\uD800-\uDBFF]$/.test(c)) c = c.slice(0, -1);
      return { content: c, refusal: null, finishReason: 'length' };
    }
    case 'wrong_shape':
      return ok(JSON.stringify({ result: 'ok' }));
    case 'refusal':
      return { content: null, refusal: REFUSAL_TEXT, finishReason: 'stop' };
    case 'empty':
      return ok('');
    case 'fenced':
      return ok('```json\n' + content + '\n```');
    case 'prose':
      return ok(`Here is the JSON you asked for:\n\n${content}\n\nLet me know if you would like any changes.`);
    case 'bom':
      return ok('\uFEFF' + content);
    case 'trailing_comma':
      return ok(value === undefined ? content : serialise(value, { trailingCommas: true }));
    case 'smart_quotes':
      return ok(
        value === undefined
          ? content.replace(/"/g, (_m, i: number) => (i % 2 ? '”' : '“'))
          : serialise(value, { smartQuotes: true }),
      );
    case 'numbers_as_strings':
      return ok(value === undefined ? content : JSON.stringify(numbersAsStrings(value)));
    case 'comments':
      return ok(value === undefined ? content : serialise(value, { comments: true }));
    default:
      return ok(content);
  }
}

/** estimated_word_count → "1,200", after_section → "2": numbers written as strings. */
function numbersAsStrings(v: unknown, key = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => numbersAsStrings(x));
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, numbersAsStrings(x, k)]));
  if (typeof v === 'number' && (key === 'estimated_word_count' || key === 'after_section' || key === 'word_count'))
    return v.toLocaleString('en-US');
  return v;
}

/** A JSON serialiser that can add trailing commas, use smart quotes, or add comments. */
function serialise(
  v: unknown,
  o: { trailingCommas?: boolean; smartQuotes?: boolean; comments?: boolean },
  depth = 0,
): string {
  const str = (s: string) => {
    const j = JSON.stringify(s);
    return o.smartQuotes ? `“${j.slice(1, -1)}”` : j;
  };
  if (Array.isArray(v)) {
    const items = v.map((x) => serialise(x, o, depth + 1));
    return `[${items.join(',')}${o.trailingCommas && items.length ? ',' : ''}]`;
  }
  if (v && typeof v === 'object') {
    const entries = Object.entries(v).map(([k, x]) => `${str(k)}:${serialise(x, o, depth + 1)}`);
    const body = entries.join(',') + (o.trailingCommas && entries.length ? ',' : '');
    if (o.comments && depth === 0) return `{\n// generated by the IGNY8 dev model\n/* fault: comments */ ${body}\n}`;
    return `{${body}}`;
  }
  if (typeof v === 'string') return str(v);
  return JSON.stringify(v) ?? 'null';
}
