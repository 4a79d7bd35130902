/**
 * The one tolerant reader of model replies (DESIGN.md §8): it turns whatever a model answered into
 * a candidate value, and the function's schema (with the per-field normalization of
 * core/ai/normalize-reply.ts) decides. It reads what a careful human would read out of a reply —
 * code fences (also inside prose), prose or stray braces around the JSON, trailing commas,
 * comments, smart or single quotes as delimiters, Python's True/False/None, bare keys, raw
 * newlines and tabs inside strings, a BOM, a JSON document delivered as a JSON string — and it does
 * not guess: a reply cut off by the length limit or whose JSON never closes, a refusal, an empty
 * reply or one without JSON are failures with a sentence a user can read.
 */

/** What the provider read from one completion; a plain string is `content` alone. */
export interface ReplyEnvelope {
  content: string | null;
  /** `choices[0].finish_reason`: 'length' means the model hit its token limit. */
  finishReason?: string | null;
  /** `message.refusal` (structured output). */
  refusal?: string | null;
  /** Completion tokens, to say where a reply was cut off. */
  tokensOut?: number;
  /** A tool call's `function.arguments`, when the model answered with a tool call. */
  toolArguments?: string | null;
}

export type ReadFailureKind = 'refusal' | 'truncated' | 'empty' | 'not_json';
export type ReadResult =
  | { ok: true; value: unknown; repairs: string[] }
  | { ok: false; kind: ReadFailureKind; reason: string };

const fail = (kind: ReadFailureKind, reason: string): ReadResult => ({ ok: false, kind, reason });

/** "the reply was cut off at 4,096 tokens" (the number when known). */
export function cutOffSentence(tokens?: number | null): string {
  return tokens && tokens > 0
    ? `the reply was cut off at ${tokens.toLocaleString('en-US')} tokens`
    : 'the reply was cut off before it ended';
}

/** "the model refused: <its words>" (short). */
export function refusalSentence(text?: string | null): string {
  const said = (text ?? '').replace(/\s+/g, ' ').trim().slice(0, 200);
  return said ? `the model refused: ${said}` : 'the model refused';
}

// REFUSAL_TEXT is built from its two alternatives so that no source line exceeds 120 characters
// (house rule); String.raw keeps every backslash as the regex literal had it.
const APOLOGY_OPENING =
  String.raw`^\W*(?:i['’]?m\s+(?:really\s+)?sorry|i\s+am\s+(?:really\s+)?sorry|sorry|i\s+apologi[sz]e|` +
  String.raw`unfortunately|as\s+an\s+ai)\b`;
const INABILITY_OPENING =
  String.raw`^\W*i\s+(?:can(?:['’]?t|not)|won['’]?t|am\s+(?:not\s+able|unable)|['’]?m\s+(?:not\s+able|unable))` +
  String.raw`\s+(?:to\s+)?(?:help|assist|comply|provide|do|fulfil|complete|generate|create|answer)`;

/** A reply that is only an apology or a refusal (and holds no JSON): "I'm sorry, but I can't help with that." */
const REFUSAL_TEXT = new RegExp(`${APOLOGY_OPENING}|${INABILITY_OPENING}`, 'i');

/** Invisible characters a model or a copy-paste puts before the reply. */
const LEADING_INVISIBLE = /^[\uFEFF\u200B-\u200D\u2060\s]+/;

export function readReply(reply: string | ReplyEnvelope): ReadResult {
  const env: ReplyEnvelope = typeof reply === 'string' ? { content: reply } : reply;
  if (env.refusal && env.refusal.trim()) return fail('refusal', refusalSentence(env.refusal));
  if (env.finishReason === 'length') return fail('truncated', cutOffSentence(env.tokensOut));
  const repairs: string[] = [];
  let text = env.toolArguments && env.toolArguments.trim() ? env.toolArguments : (env.content ?? '');
  if (text !== (env.content ?? '')) repairs.push('tool_call');
  if (text.charCodeAt(0) === 0xfeff) repairs.push('bom');
  text = text.replace(LEADING_INVISIBLE, '');
  if (!text.trim()) return fail('empty', 'the reply was empty');
  const found = findJson(text, repairs);
  if (found.ok) return unwrapStrings(found.value, repairs);
  if (found.truncated) return fail('truncated', cutOffSentence(env.tokensOut));
  if (REFUSAL_TEXT.test(text)) return fail('refusal', refusalSentence(text));
  return fail('not_json', 'the reply holds no JSON');
}

/**
 * Backwards-compatible name used by the engine (`repairJson(reply.content)`); pass the whole
 * ChatResult (`repairJson(reply)`) to let finish_reason, the refusal and the token count decide too.
 */
export const repairJson = readReply;

/** A JSON document delivered as a JSON string (double-encoded): read it again (three times at most). */
function unwrapStrings(value: unknown, repairs: string[], depth = 0): ReadResult {
  if (typeof value === 'string' && depth < 3 && /^\s*[[{"]/.test(value)) {
    const inner = findJson(value.trim(), []);
    if (inner.ok && inner.value !== null && (typeof inner.value === 'object' || typeof inner.value === 'string')) {
      repairs.push('double_encoded');
      return unwrapStrings(inner.value, repairs, depth + 1);
    }
  }
  if (typeof value !== 'object' || value === null) return fail('not_json', 'the reply holds no JSON');
  return { ok: true, value, repairs: [...new Set(repairs)] };
}

type Found = { ok: true; value: unknown } | { ok: false; truncated: boolean };

/**
 * Where the JSON is: the whole text when it starts with it; else the fenced blocks; else every
 * `{` or `[` in the prose as a start, the longest value that parses winning (so "[1] see below:
 * {…}" reads the object, and "{…} {note}" ignores the note).
 */
function findJson(text: string, repairs: string[]): Found {
  // A reply that is a JSON value as a whole (a fence inside one of its strings stays content).
  const whole = wholeValue(text, repairs);
  if (whole) return whole;
  let truncated = false;
  // Fenced blocks (``` or ~~~, any language tag); an unclosed fence runs to the end.
  const fence = /(```|~~~)[ \t]*[\w+-]*[ \t]*\r?\n?([\s\S]*?)(?:\1|$)/g;
  for (const m of text.matchAll(fence)) {
    const body = m[2]!.trim();
    if (!body) continue;
    const r = wholeValue(body, repairs) ?? spans(body, repairs);
    if (r.ok) {
      repairs.push('code_fence');
      if (!isBlank(text.replace(m[0], ''))) repairs.push('surrounding_prose');
      return r;
    }
    truncated ||= r.truncated;
  }
  const r = spans(text, repairs);
  if (r.ok) {
    repairs.push('surrounding_prose');
    return r;
  }
  return { ok: false, truncated: truncated || r.truncated };
}

/** The text as one value (an object, an array, or a string holding a double-encoded document), or null. */
function wholeValue(text: string, repairs: string[]): Found | null {
  const trimmed = text.trim();
  if (!/^[[{"'“”‘’]/.test(trimmed)) return null;
  const local: string[] = [];
  const whole = parseValue(trimmed, 0, local);
  if (!whole.ok) return whole.truncated && /^[[{]/.test(trimmed) ? whole : null;
  if (!isBlank(trimmed.slice(whole.end))) return null;
  repairs.push(...local);
  return { ok: true, value: whole.value };
}

const isBlank = (s: string) => !s.replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, '').trim();

/**
 * Tries every `{`/`[` as the start of the JSON; the longest value that parses wins. A start whose
 * value runs into the end of the reply means the JSON was cut off: that is a failure, never a
 * reason to take a smaller object nested inside it.
 */
function spans(text: string, repairs: string[]): Found {
  let best: { value: unknown; length: number; repairs: string[] } | null = null;
  let tries = 0;
  for (let i = 0; i < text.length && tries < 50; i++) {
    const ch = text[i]!;
    if (ch !== '{' && ch !== '[') continue;
    tries++;
    const local: string[] = [];
    const r = parseValue(text, i, local);
    if (r.ok) {
      if (!best || r.end - i > best.length) best = { value: r.value, length: r.end - i, repairs: local };
      i = r.end - 1; // starts nested inside a value that parsed can only be smaller
    } else if (r.truncated) return { ok: false, truncated: true };
  }
  if (!best) return { ok: false, truncated: false };
  repairs.push(...best.repairs);
  return { ok: true, value: best.value };
}

// ------------------------------------------------------------------ the tolerant parser

class ParseError extends Error {
  readonly truncated: boolean;
  constructor(truncated: boolean) {
    super(truncated ? 'truncated' : 'syntax');
    this.truncated = truncated;
  }
}

type Parsed = { ok: true; value: unknown; end: number } | { ok: false; truncated: boolean };

/** Delimiters a string may open with, and what closes it. */
const CLOSERS: Record<string, string> = {
  '"': '"',
  "'": "'",
  '“': '”"',
  '”': '”"',
  '‘': "’'",
  '’': "’'",
  '„': '“”"',
  '«': '»',
};
/** Per opener: a run of characters that neither close the string, escape, nor need noting. */
const RUNS: Record<string, RegExp> = Object.fromEntries(
  Object.entries(CLOSERS).map(([open, close]) => [open, new RegExp(`[^${close}\\\\\\n\\r\\t]+`, 'y')]),
);

function parseValue(text: string, start: number, repairs: string[]): Parsed {
  const p = new Parser(text, start, repairs);
  try {
    const value = p.value(0);
    return { ok: true, value, end: p.i };
  } catch (err) {
    if (err instanceof ParseError) return { ok: false, truncated: err.truncated };
    throw err;
  }
}

class Parser {
  private text: string;
  i: number;
  private repairs: string[];
  constructor(text: string, i: number, repairs: string[]) {
    this.text = text;
    this.i = i;
    this.repairs = repairs;
  }

  private note(repair: string) {
    if (!this.repairs.includes(repair)) this.repairs.push(repair);
  }

  private eof(): never {
    throw new ParseError(true);
  }

  private bad(): never {
    throw new ParseError(false);
  }

  /** Skips whitespace and comments. */
  private ws() {
    const t = this.text;
    for (;;) {
      const ch = t[this.i];
      if (ch === undefined) return;
      const code = ch.charCodeAt(0);
      if (
        code === 32 ||
        code === 10 ||
        code === 13 ||
        code === 9 ||
        code === 0xfeff ||
        code === 0x200b ||
        code === 0xa0 ||
        code === 0x0c ||
        code === 0x0b
      )
        this.i++;
      else if (ch === '/' && t[this.i + 1] === '/') {
        this.note('comments');
        while (this.i < t.length && t[this.i] !== '\n') this.i++;
      } else if (ch === '/' && t[this.i + 1] === '*') {
        this.note('comments');
        const end = t.indexOf('*/', this.i + 2);
        if (end < 0) this.eof();
        this.i = end + 2;
      } else return;
    }
  }

  value(depth: number): unknown {
    if (depth > 64) this.bad();
    this.ws();
    const ch = this.text[this.i];
    if (ch === undefined) this.eof();
    if (ch === '{') return this.object(depth);
    if (ch === '[') return this.array(depth);
    if (ch in CLOSERS) return this.string();
    if (ch === '-' || ch === '+' || ch === '.' || (ch >= '0' && ch <= '9')) return this.number();
    const word = /^[A-Za-z_$][\w$]*/.exec(this.text.slice(this.i, this.i + 20))?.[0];
    if (word === undefined) this.bad();
    const literals: Record<string, unknown> = {
      true: true,
      false: false,
      null: null,
      True: true,
      False: false,
      None: null,
    };
    if (!(word in literals)) {
      // "tru" at the very end is a cut-off literal, anything else is not JSON.
      if (this.i + word.length >= this.text.length && ['true', 'false', 'null'].some((l) => l.startsWith(word)))
        this.eof();
      this.bad();
    }
    if (/^[TFN]/.test(word)) this.note('python_literals');
    this.i += word.length;
    return literals[word];
  }

  private object(depth: number): Record<string, unknown> {
    this.i++; // {
    const out: Record<string, unknown> = {};
    for (;;) {
      this.ws();
      const ch = this.text[this.i];
      if (ch === undefined) this.eof();
      if (ch === '}') {
        this.i++;
        return out;
      }
      let key: string;
      if (ch in CLOSERS) key = this.string();
      else {
        const bare = /^[A-Za-z_$][\w$-]*/.exec(this.text.slice(this.i, this.i + 200))?.[0];
        if (!bare) this.bad();
        key = bare;
        this.i += bare.length;
        this.note('bare_keys');
      }
      this.ws();
      if (this.text[this.i] === undefined) this.eof();
      if (this.text[this.i] !== ':') this.bad();
      this.i++;
      out[key] = this.value(depth + 1);
      this.ws();
      const next = this.text[this.i];
      if (next === undefined) this.eof();
      if (next === ',') {
        this.i++;
        this.ws();
        if (this.text[this.i] === '}') this.note('trailing_commas');
      } else if (next !== '}') this.bad();
    }
  }

  private array(depth: number): unknown[] {
    this.i++; // [
    const out: unknown[] = [];
    for (;;) {
      this.ws();
      const ch = this.text[this.i];
      if (ch === undefined) this.eof();
      if (ch === ']') {
        this.i++;
        return out;
      }
      out.push(this.value(depth + 1));
      this.ws();
      const next = this.text[this.i];
      if (next === undefined) this.eof();
      if (next === ',') {
        this.i++;
        this.ws();
        if (this.text[this.i] === ']') this.note('trailing_commas');
      } else if (next !== ']') this.bad();
    }
  }

  private string(): string {
    const t = this.text;
    const open = t[this.i]!;
    const closers = CLOSERS[open]!;
    if (open !== '"') this.note(open === "'" ? 'single_quotes' : 'smart_quotes');
    this.i++;
    let out = '';
    const run = RUNS[open]!;
    for (;;) {
      run.lastIndex = this.i;
      const plain = run.exec(t);
      if (plain) {
        out += plain[0];
        this.i += plain[0].length;
      }
      const ch = t[this.i];
      if (ch === undefined) this.eof();
      if (closers.includes(ch)) {
        this.i++;
        return out;
      }
      if (ch === '\\') {
        const e = t[this.i + 1];
        if (e === undefined) this.eof();
        const simple: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
          "'": "'",
        };
        if (e in simple) {
          out += simple[e];
          this.i += 2;
        } else if (e === 'u') {
          const hex = t.slice(this.i + 2, this.i + 6);
          if (hex.length < 4 && this.i + 6 > t.length) this.eof();
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.bad();
          out += String.fromCharCode(parseInt(hex, 16));
          this.i += 6;
        } else {
          // An unknown escape ("\d", "\’"): the character itself.
          out += e;
          this.i += 2;
        }
        continue;
      }
      if (ch === '\n' || ch === '\r' || ch === '\t') this.note('raw_control_characters');
      out += ch;
      this.i++;
    }
  }

  private number(): number {
    const m = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/.exec(this.text.slice(this.i, this.i + 64));
    if (!m) {
      if (this.i + 1 >= this.text.length) this.eof();
      this.bad();
    }
    this.i += m[0].length;
    const n = Number(m[0]);
    if (!Number.isFinite(n)) this.bad();
    return n;
  }
}
