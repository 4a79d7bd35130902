/**
 * A page's prominent terms: what projection and publishing store in the site inventory, and what
 * the Linker's search ranks pages by. Each word's stem (the scorer's `termKey`) counted with a
 * weight by where it stands — title and headings weigh more than body text — plus the page's own
 * keywords as phrases; stopwords, numbers and code left out; sub-linear in repetition (a word said
 * 40 times is not 40 times as telling); the top N, normalised so the first weighs 1.
 */
import type { DraftBlock } from '../draft/schema';
import { readDoc, type Token } from '../optimizer/document';
import { langOf, termKey } from '../optimizer/language';
import { LETTER } from '../optimizer/prose-stats';
import type { LinkerMeta, PageTerm } from './types';

export const DEFAULT_TERM_COUNT = 30;
const TITLE = 4;
const KEYWORD = 5;
const HEADING: Record<number, number> = { 1: 3, 2: 3, 3: 2 };
const BODY = 1;

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export function prominentTerms(
  blocks: readonly DraftBlock[],
  meta: LinkerMeta,
  limit = DEFAULT_TERM_COUNT,
): PageTerm[] {
  const lang = langOf(meta.language);
  const doc = readDoc(blocks, lang);
  const sums = new Map<string, number>();
  const add = (term: string, weight: number) => {
    if (term) sums.set(term, (sums.get(term) ?? 0) + weight);
  };
  const addTokens = (tokens: readonly Token[], weight: number) => {
    for (const t of tokens) if (LETTER.test(t.lower)) add(t.stem, weight);
  };
  const titleDoc = readDoc([{ type: 'paragraph', content: [{ type: 'text', text: meta.title }] }], lang);
  for (const b of titleDoc.blocks) addTokens(b.content, TITLE);
  for (const b of doc.blocks)
    if (b.kind !== 'code') addTokens(b.content, b.kind === 'heading' ? (HEADING[b.level] ?? 2) : BODY);
  for (const keyword of [meta.primaryKeyword, ...meta.secondaryKeywords]) {
    const key = termKey(keyword, lang);
    if (key.includes(' ')) add(key, keyword === meta.primaryKeyword ? KEYWORD : KEYWORD / 2);
  }
  const primary = termKey(meta.primaryKeyword, lang);
  const ranked = [...sums]
    .map(([term, sum]) => ({ term, weight: Math.log1p(sum) * (term === primary ? 2 : 1) }))
    .sort((a, b) => b.weight - a.weight || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0))
    .slice(0, Math.max(0, limit));
  const top = ranked[0]?.weight ?? 1;
  return ranked.map((t) => ({ term: t.term, weight: round3(t.weight / top) }));
}
