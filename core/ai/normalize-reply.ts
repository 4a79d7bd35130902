/**
 * Per-field normalization of a model's reply (after core/ai/reader.ts found the candidate value,
 * before the contract's zod schema decides): what is unambiguous is coerced — a number where text
 * was asked, "a, b, c" where a list was asked, "Blog Post" → the enum value it names, "1,200" or
 * "1.2k" where a number was asked, a list delivered as the one array of an object (or an object
 * where a list of them was asked) — plain-text fields are made plain (core/ai/plain-text.ts), and
 * one invalid item is dropped (and counted) instead of throwing the whole reply away.
 */
import type { z } from 'zod';
import {
  clusterItem,
  contentReply,
  contentSection,
  ideaItem,
  imagePrompt,
  inArticlePrompt,
  outlineSection,
  type ClusterReply,
  type ContentReply,
  type IdeasReply,
  type ImagePromptsReply,
} from './contracts';
import { CONTENT_STRUCTURES, CONTENT_TYPES } from '../domain/enums';
import { plainText } from './plain-text';
import { readReply } from './reader';

export type Normalized<T> = { ok: true; value: T; dropped: number } | { ok: false; reason: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

/** Lengths of the plain-text fields (the contract's maxima). */
export const PLAIN_LIMITS = {
  cluster_name: 120,
  cluster_description: 1000,
  idea_title: 200,
  idea_description: 2000,
  outline_h2: 200,
  outline_coverage: 1000,
  title: 200,
  meta_title: 200,
  meta_description: 500,
  keyword: 300,
  tag: 100,
  image_prompt: 2000,
  alt: 300,
} as const;

// ------------------------------------------------------------------ field coercers

/** Text from a string, or a number/boolean written where text was asked. */
export function asString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return String(v);
  return undefined;
}

/** Plain text, capped; undefined when nothing is left (so a default or "required" applies). */
export function asPlain(v: unknown, max: number): string | undefined {
  const s = asString(v);
  if (s === undefined) return undefined;
  const p = plainText(s, max);
  return p || undefined;
}

// Groups: 1 the digits (commas allowed), 2 the decimals, 3 a "k". Built from two pieces so that no
// source line exceeds 120 characters (house rule); String.raw keeps the backslashes as written.
const NUMBER_TEXT = new RegExp(
  String.raw`^\s*(?:~|about|approx\.?|approximately|around)?\s*` +
    String.raw`([+-]?\d{1,3}(?:,\d{3})+|[+-]?\d+)(\.\d+)?\s*(k)?\s*(?:words?)?\s*$`,
  'i',
);

/**
 * A number: 1200, "1200", "1,200", "1.2k", "1200 words", "~1,500". A range ("1000-1500") or
 * anything else is not a number (undefined).
 */
export function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = NUMBER_TEXT.exec(v);
  if (!m) return undefined;
  const n = Number(m[1]!.replace(/,/g, '') + (m[2] ?? ''));
  if (!Number.isFinite(n)) return undefined;
  return m[3] ? Math.round(n * 1000) : n;
}

/** An integer where one was asked (1200.0 → 1200; 1200.5 is not an integer → undefined). */
export function asInt(v: unknown): number | undefined {
  const n = asNumber(v);
  return n !== undefined && Number.isInteger(n) ? n : undefined;
}

/**
 * A list of strings: an array (numbers become text, `{keyword: …}` objects their text), a JSON
 * array written as a string, or "a, b; c" / one per line. Empty entries are dropped.
 */
export function asList(v: unknown, max: number, plain = true): string[] | undefined {
  let items: unknown[];
  if (Array.isArray(v)) items = v;
  else if (typeof v === 'string') {
    const t = v.trim();
    if (!t) return [];
    const json = t.startsWith('[') ? readReply(t) : null;
    if (json?.ok && Array.isArray(json.value)) items = json.value;
    else items = t.split(/\s*[,;\n]\s*/);
  } else if (typeof v === 'number') items = [v];
  else return undefined;
  const out: string[] = [];
  for (const item of items) {
    const raw = isObj(item) ? (item.keyword ?? item.name ?? item.text ?? item.value) : item;
    const s = asString(raw);
    if (s === undefined) continue;
    const text = plain
      ? plainText(s, max)
      : s
          .replace(/^\s*[-*•]\s+/, '')
          .trim()
          .slice(0, max);
    if (text) out.push(text);
  }
  return out;
}

const slug = (s: string) =>
  s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/**
 * The enum value a label names, by slug: "Blog Post" → post, "How To" → how-to, "Listicles" →
 * listicle. Exact slug first, then the one value whose slug appears as whole words in the label;
 * none or several → undefined (not guessed).
 */
export function asEnum<T extends string>(v: unknown, values: readonly T[]): T | undefined {
  const s = asString(v);
  if (s === undefined) return undefined;
  const label = slug(s);
  if (!label) return undefined;
  const exact = values.find((x) => slug(x) === label || `${slug(x)}s` === label);
  if (exact) return exact;
  const words = `-${label}-`;
  const hits = values.filter((x) => words.includes(`-${slug(x)}-`) || words.includes(`-${slug(x)}s-`));
  return hits.length === 1 ? hits[0] : undefined;
}

/** The first present key of an object (aliases a model uses for the same field). */
const pick = (o: Obj, ...keys: string[]) => {
  for (const k of keys) if (o[k] !== undefined && o[k] !== null) return o[k];
  return undefined;
};

/** Sets a key only when the value is defined (so zod's defaults and "required" apply). */
function defined(o: Obj): Obj {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

// ------------------------------------------------------------------ shapes

/**
 * The list a function asked for as `{field: [...]}`: that field; a top-level array; the field as a
 * JSON string; the field inside one wrapper object (`{"result": {...}}`); the only array of the
 * object; or one item where a list of them was asked. null when there is none.
 */
export function listIn(value: unknown, field: string, looksLikeItem: (o: Obj) => boolean, depth = 0): unknown[] | null {
  if (Array.isArray(value)) {
    // [{"clusters": [...]}]: the object, delivered inside an array.
    if (value.length === 1 && isObj(value[0]) && !looksLikeItem(value[0]))
      return listIn(value[0], field, looksLikeItem, depth + 1);
    return value;
  }
  if (!isObj(value)) return null;
  const direct = value[field];
  if (Array.isArray(direct)) return direct;
  if (typeof direct === 'string') {
    const r = readReply(direct);
    if (r.ok) return listIn(r.value, field, looksLikeItem, depth + 1);
  }
  if (isObj(direct)) return [direct];
  if (looksLikeItem(value)) return [value];
  const entries = Object.values(value);
  if (depth < 2 && entries.length === 1 && isObj(entries[0]))
    return listIn(entries[0], field, looksLikeItem, depth + 1);
  const arrays = entries.filter(Array.isArray);
  if (arrays.length === 1 && (arrays[0] as unknown[]).some((x) => isObj(x) && looksLikeItem(x)))
    return arrays[0] as unknown[];
  return null;
}

/** The object a function asked for: itself, the one object of an array, or inside one wrapper object. */
export function objectIn(value: unknown, looksLike: (o: Obj) => boolean, depth = 0): Obj | null {
  if (Array.isArray(value)) return value.length === 1 ? objectIn(value[0], looksLike, depth + 1) : null;
  if (!isObj(value)) return null;
  if (looksLike(value)) return value;
  const entries = Object.values(value);
  if (depth < 2 && entries.length === 1) return objectIn(entries[0], looksLike, depth + 1);
  return null;
}

/** "sections[0].h2: Too small…" → a short sentence. */
function issueSentence(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.join('.');
  if (!path) return issue.message;
  const missing = issue.code === 'invalid_type' && /undefined/.test(issue.message);
  return `${path} ${missing ? 'is missing' : `is invalid (${issue.message})`}`;
}

/** Validates each item; the invalid ones are dropped and counted. */
function keepValid<S extends z.ZodType>(
  schema: S,
  items: unknown[],
): { kept: z.output<S>[]; dropped: number; firstIssue: string | null } {
  const kept: z.output<S>[] = [];
  let firstIssue: string | null = null;
  for (const item of items) {
    const r = schema.safeParse(item);
    if (r.success) kept.push(r.data);
    else firstIssue ??= issueSentence(r.error);
  }
  return { kept, dropped: items.length - kept.length, firstIssue };
}

const noneUsable = (what: string, dropped: number, issue: string | null) =>
  dropped
    ? `no usable ${what} in the reply (${dropped} dropped${issue ? `; the first: ${issue}` : ''})`
    : `no ${what} in the reply`;

// ------------------------------------------------------------------ auto_cluster

const looksLikeCluster = (o: Obj) =>
  'keywords' in o && ('name' in o || 'cluster' in o || 'cluster_name' in o || 'title' in o);

export function normalizeClusterReply(value: unknown): Normalized<ClusterReply> {
  const list = listIn(value, 'clusters', looksLikeCluster) ?? [];
  const items = list.map((c) => {
    if (!isObj(c)) return c;
    return defined({
      name: asPlain(pick(c, 'name', 'cluster_name', 'cluster', 'title'), PLAIN_LIMITS.cluster_name),
      description: asPlain(c.description, PLAIN_LIMITS.cluster_description),
      // Keyword text is matched to the input, never stored: keep it as the model wrote it.
      keywords: asList(pick(c, 'keywords', 'keyword_list', 'terms'), PLAIN_LIMITS.keyword, false),
    });
  });
  const { kept, dropped, firstIssue } = keepValid(clusterItem, items);
  if (!kept.length) return { ok: false, reason: noneUsable('clusters', dropped, firstIssue) };
  return { ok: true, value: { clusters: kept }, dropped };
}

// ------------------------------------------------------------------ generate_ideas

const looksLikeIdea = (o: Obj) =>
  ('title' in o || 'idea_title' in o) && ('outline' in o || 'content_type' in o || 'estimated_word_count' in o);

function outlineOf(v: unknown): unknown {
  const list = typeof v === 'string' ? v.split(/\n+/) : v;
  if (!Array.isArray(list)) return v;
  const sections = list
    .map((s) =>
      isObj(s)
        ? {
            h2: asPlain(pick(s, 'h2', 'heading', 'title'), PLAIN_LIMITS.outline_h2),
            coverage: asPlain(pick(s, 'coverage', 'description', 'summary'), PLAIN_LIMITS.outline_coverage),
          }
        : { h2: asPlain(s, PLAIN_LIMITS.outline_h2) },
    )
    .map((s) => defined(s))
    .filter((s) => outlineSection.safeParse(s).success);
  return sections;
}

export function normalizeIdeasReply(value: unknown): Normalized<IdeasReply> {
  const list = listIn(value, 'ideas', looksLikeIdea) ?? [];
  const items = list.map((i) => {
    if (!isObj(i)) return i;
    const type = pick(i, 'content_type', 'type');
    const structure = pick(i, 'content_structure', 'structure', 'format');
    return defined({
      title: asPlain(pick(i, 'title', 'idea_title'), PLAIN_LIMITS.idea_title),
      description: asPlain(i.description, PLAIN_LIMITS.idea_description),
      // Missing: the default; present but naming none (or several) of the values: invalid, not guessed.
      content_type: type === undefined || type === '' ? undefined : (asEnum(type, CONTENT_TYPES) ?? String(type)),
      content_structure:
        structure === undefined || structure === ''
          ? undefined
          : (asEnum(structure, CONTENT_STRUCTURES) ?? String(structure)),
      target_keywords: asList(pick(i, 'target_keywords', 'keywords'), PLAIN_LIMITS.keyword, false),
      estimated_word_count:
        asInt(pick(i, 'estimated_word_count', 'word_count')) ?? pick(i, 'estimated_word_count', 'word_count'),
      outline: outlineOf(pick(i, 'outline', 'sections')),
      cluster: asPlain(i.cluster, PLAIN_LIMITS.cluster_name),
    });
  });
  const { kept, dropped, firstIssue } = keepValid(ideaItem, items);
  if (!kept.length) return { ok: false, reason: noneUsable('ideas', dropped, firstIssue) };
  return { ok: true, value: { ideas: kept }, dropped };
}

// ------------------------------------------------------------------ generate_content

const looksLikeArticle = (o: Obj) =>
  'sections' in o || ('title' in o && ('meta_title' in o || 'meta_description' in o));

export function normalizeContentReply(value: unknown): Normalized<ContentReply> {
  const a = objectIn(value, looksLikeArticle);
  if (!a) return { ok: false, reason: 'no article in the reply' };
  const title = asPlain(pick(a, 'title', 'article_title'), PLAIN_LIMITS.title);
  let sections: unknown = pick(a, 'sections', 'body');
  if (typeof sections === 'string') {
    const r = readReply(sections);
    if (r.ok) sections = r.value;
  }
  // A section that can't be read fails the article (never a silently shorter article).
  if (Array.isArray(sections)) {
    sections = sections.map((s) =>
      isObj(s)
        ? defined({
            h2: asPlain(pick(s, 'h2', 'heading', 'title'), PLAIN_LIMITS.outline_h2),
            html: asString(pick(s, 'html', 'content', 'body')),
          })
        : s,
    );
  }
  const candidate = defined({
    title,
    meta_title: asPlain(pick(a, 'meta_title', 'seo_title'), PLAIN_LIMITS.meta_title),
    meta_description: asPlain(pick(a, 'meta_description', 'seo_description'), PLAIN_LIMITS.meta_description),
    primary_keyword: asString(a.primary_keyword)?.trim().slice(0, PLAIN_LIMITS.keyword) ?? '',
    secondary_keywords: asList(a.secondary_keywords, PLAIN_LIMITS.keyword, false),
    tags: asList(a.tags, PLAIN_LIMITS.tag),
    categories: asList(a.categories, PLAIN_LIMITS.tag),
    sections,
  });
  if (Array.isArray(sections)) {
    const bad = sections.findIndex((s) => !contentSection.safeParse(s).success);
    if (bad >= 0) return { ok: false, reason: `section ${bad + 1} of the article could not be read` };
  }
  const r = contentReply.safeParse(candidate);
  if (!r.success) return { ok: false, reason: `the article ${issueSentence(r.error)}` };
  return { ok: true, value: r.data, dropped: 0 };
}

// ------------------------------------------------------------------ generate_image_prompts

const looksLikePrompts = (o: Obj) => 'featured' in o || 'in_article' in o;

const promptOf = (p: unknown, withSection: boolean): unknown => {
  if (typeof p === 'string') return defined({ prompt: asPlain(p, PLAIN_LIMITS.image_prompt) });
  if (!isObj(p)) return p;
  return defined({
    prompt: asPlain(pick(p, 'prompt', 'description'), PLAIN_LIMITS.image_prompt),
    alt: asPlain(pick(p, 'alt', 'alt_text'), PLAIN_LIMITS.alt),
    ...(withSection
      ? { after_section: asInt(pick(p, 'after_section', 'section')) ?? pick(p, 'after_section', 'section') }
      : {}),
  });
};

export function normalizeImagePromptsReply(value: unknown): Normalized<ImagePromptsReply> {
  const o = objectIn(value, looksLikePrompts);
  if (!o) return { ok: false, reason: 'no image prompts in the reply' };
  const featured = imagePrompt.safeParse(promptOf(pick(o, 'featured', 'featured_image'), false));
  if (!featured.success)
    return { ok: false, reason: `no featured image prompt in the reply (${issueSentence(featured.error)})` };
  const raw = pick(o, 'in_article', 'in_article_images');
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const { kept, dropped } = keepValid(
    inArticlePrompt,
    list.map((p) => promptOf(p, true)),
  );
  return { ok: true, value: { featured: featured.data, in_article: kept }, dropped };
}
