/**
 * Small text helpers shared by the generators: hashing, a seeded RNG, normalisation, light
 * stemming, title case and HTML escaping. Everything here is deterministic.
 */

/** 32-bit FNV-1a hash of a string. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a tiny seeded PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rng = () => number;

export function rngFor(...parts: unknown[]): Rng {
  return mulberry32(hash32(parts.map((p) => String(p)).join('\u0001')));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length) % items.length]!;
}

export function intBetween(rng: Rng, min: number, max: number): number {
  return min + Math.floor(rng() * (max - min + 1));
}

/** Deterministic shuffle (Fisher–Yates) returning a copy. */
export function shuffled<T>(rng: Rng, items: readonly T[]): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export const STOPWORDS = new Set(
  (
    'a an the and or but nor so yet of to in on at by for from with without into onto over under about above below ' +
    'is are was were be been being am do does did doing done have has had ' +
    'having can could should would will shall may might must ' +
    'i me my we our you your he she it its they them their this that these those there here ' +
    'as if than then too very just also not no yes up down out off again ' +
    'more most less least some any each every all both ' +
    'own same such only other another s t don isn aren doesn'
  ).split(/\s+/),
);

/** Search-intent modifiers: real words, but they say nothing about the topic. */
export const MODIFIERS = new Set(
  (
    'how what why when where which who whom whose best top good great ' +
    'better cheap cheapest affordable easy easiest simple quick ' +
    'free online near me diy guide guides tips tip tricks ideas idea ways ' +
    'way review reviews vs versus list examples example ' +
    'beginner beginners ultimate complete new latest buy buying price ' +
    'prices cost costs vs. 2023 2024 2025 2026 need needs use using make ' +
    'get getting start starting step steps'
  ).split(/\s+/),
);

/** NFKC, lower case, apostrophes removed, other punctuation turned into spaces, whitespace collapsed. */
export function normalise(s: string): string {
  return s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/['’‘`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function tokenise(s: string): string[] {
  const n = normalise(s);
  return n ? n.split(' ') : [];
}

/** Light stemming: plurals, -ing, -ed, a final e and y/i, so raise/raised/raising agree. */
export function stem(word: string): string {
  let s = word;
  if (s.length <= 3 || /\d/.test(s)) return s;
  if (s.endsWith('ies') && s.length > 4) s = s.slice(0, -3) + 'y';
  else if (s.endsWith('sses')) s = s.slice(0, -2);
  else if (/(?:[ox]|ch|sh|zz)es$/.test(s) && s.length > 4) s = s.slice(0, -2);
  else if (s.endsWith('s') && !/(?:ss|us|is|ys)$/.test(s)) s = s.slice(0, -1);
  if (s.endsWith('ing') && s.length > 5) s = undouble(s.slice(0, -3));
  else if (s.endsWith('ed') && s.length > 4) s = undouble(s.slice(0, -2));
  if (s.endsWith('e') && s.length > 3) s = s.slice(0, -1);
  if (s.endsWith('y') && s.length > 3) s = s.slice(0, -1) + 'i';
  return s;
}

function undouble(s: string): string {
  const a = s[s.length - 1];
  if (s.length > 3 && a === s[s.length - 2] && a !== undefined && !'lsz'.includes(a)) return s.slice(0, -1);
  return s;
}

export interface Term {
  stem: string;
  surface: string;
}

/** Significant terms of a phrase, in order (stopwords and intent modifiers dropped). */
export function significantTerms(phrase: string): Term[] {
  const toks = tokenise(phrase);
  let sig = toks.filter((t) => !STOPWORDS.has(t) && !MODIFIERS.has(t));
  if (sig.length === 0) sig = toks.filter((t) => !STOPWORDS.has(t));
  if (sig.length === 0) sig = toks;
  return sig.map((t) => ({ stem: stem(t), surface: t }));
}

const SMALL_WORDS = new Set('a an and as at but by for in nor of on or the to vs via with from into'.split(' '));
const ACRONYMS = new Set(
  'seo diy ai ppc crm api usa uk eu faq faqs sql css html pdf roi b2b b2c saas tv led usb gps'.split(' '),
);

/** Title case for headings: small words stay lower case except first/last, known acronyms upper case. */
export function titleCase(s: string): string {
  const words = s.trim().split(/\s+/).filter(Boolean);
  return words
    .map((w, i) => {
      const lower = w.toLowerCase();
      if (ACRONYMS.has(lower)) return lower.toUpperCase();
      if (i > 0 && i < words.length - 1 && SMALL_WORDS.has(lower)) return lower;
      if (/[A-Z]/.test(w.slice(1))) return w; // keep brand casing such as iPhone or WordPress
      return w.charAt(0).toUpperCase() + w.slice(1);
    })
    .join(' ');
}

export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function lowerFirst(s: string): string {
  if (/^[A-Z]{2}/.test(s)) return s; // acronym
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** "a", "a and b", "a, b and c". */
export function listJoin(items: readonly string[], conj = 'and'): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${conj} ${items[items.length - 1]}`;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Cut at a word boundary so the result has at most `max` characters. */
export function truncateAtWord(s: string, max: number): string {
  const t = s.trim();
  if (t.length <= max) return t;
  const cut = t.slice(0, max + 1);
  const sp = cut.lastIndexOf(' ');
  const out = (sp > max * 0.5 ? cut.slice(0, sp) : t.slice(0, max)).replace(/[\s,;:.\-–—]+$/, '');
  return out;
}

/** Our generated strings must not contain smart quotes (the smart_quotes fault relies on it). */
export function plainQuotes(s: string): string {
  return s.replace(/[“”]/g, '"').replace(/[‘’]/g, "'");
}

/** Rough token estimate used for `usage`: ≈ chars / 4. */
export function approxTokens(s: string): number {
  return Math.max(1, Math.ceil(s.length / 4));
}

export function wordCount(s: string): number {
  const t = s.trim();
  return t ? t.split(/\s+/).length : 0;
}

export function stripTags(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function clampInt(v: unknown, min: number, max: number, fallback: number): number {
  const n = typeof v === 'string' ? Number(v.replace(/,/g, '')) : typeof v === 'number' ? v : NaN;
  if (!Number.isFinite(n)) return fallback;
  return Math.min(max, Math.max(min, Math.round(n)));
}

/** Keyword entries may be strings or {keyword}. */
export function keywordString(k: unknown): string | null {
  if (typeof k === 'string') return k;
  if (k && typeof k === 'object') {
    const o = k as Record<string, unknown>;
    const v = o.keyword ?? o.name ?? o.text;
    if (typeof v === 'string') return v;
  }
  return null;
}

export function asString(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : fallback;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
