/**
 * reparse_content: an article's SEO structure read from its HTML (`html`, `title`), the way a
 * model would: the H2 headings in order, the most repeated two-word phrase as the primary keyword
 * (the next ones as secondary keywords and tags), a meta title from the title and a meta
 * description of 120–156 characters from the first paragraph. Deterministic for one input.
 */
import { asString, plainQuotes, STOPWORDS, stripTags, titleCase, tokenise, truncateAtWord } from '../text.ts';

export interface ReparseOut {
  meta_title: string;
  meta_description: string;
  primary_keyword: string;
  secondary_keywords: string[];
  tags: string[];
  categories: string[];
  outline: string[];
}

const tagTexts = (html: string, tag: string) =>
  [...html.matchAll(new RegExp(`<${tag}\\b[^>]*>([\\s\\S]*?)</${tag}>`, 'gi'))]
    .map((m) => plainQuotes(stripTags(m[1]!)))
    .filter(Boolean);

/** Phrases by how often they occur, most frequent first (ties: first seen first). */
function ranked(phrases: string[]) {
  const counts = new Map<string, number>();
  for (const p of phrases) counts.set(p, (counts.get(p) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([p]) => p);
}

export function reparseContent(input: unknown): ReparseOut {
  const obj = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const html = asString(obj.html);
  const outline = tagTexts(html, 'h2');
  const title = plainQuotes(asString(obj.title).trim()) || tagTexts(html, 'h1')[0] || outline[0] || 'Untitled';
  const words = tokenise(stripTags(html)).filter((w) => w.length > 2 && !STOPWORDS.has(w) && !/^\d+$/.test(w));
  const pairs = ranked(words.slice(1).map((w, i) => `${words[i]} ${w}`));
  const singles = ranked(words);
  const primary = pairs[0] ?? singles[0] ?? title.toLowerCase();
  const first = tagTexts(html, 'p')[0] ?? stripTags(html);
  let description = truncateAtWord(first, 150);
  if (!/[.!?]$/.test(description)) description += '.';
  if (description.length < 120) description = truncateAtWord(`${description} A practical guide to ${primary}.`, 155);
  return {
    meta_title: truncateAtWord(title, 60),
    meta_description: description,
    primary_keyword: primary,
    secondary_keywords: pairs.slice(1, 6),
    tags: [primary, ...singles.slice(0, 3)],
    categories: singles[0] ? [titleCase(singles[0])] : [],
    outline,
  };
}
