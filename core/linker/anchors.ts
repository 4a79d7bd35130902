/**
 * Where a target's words already stand in the source: the places a link may go. An anchor is a run
 * of the source's words whose stems are the target's primary keyword or a run of its title words
 * (so "sourdough starters" anchors "Sourdough starter"), on word boundaries, within one line of
 * one body textblock — never a heading, code (blocks or inline), or an existing link.
 */
import type { DraftBlock, DraftInline } from '../draft/schema';
import { readDoc, type Token } from '../optimizer/document';
import { isStopword, type Lang, phraseStems, segmentersFor, stemOf } from '../optimizer/language';
import { LETTER } from '../optimizer/prose-stats';
import type { Anchor } from './types';

type Range = { from: number; to: number };
type Block = { path: readonly number[]; text: string; tokens: readonly Token[]; blocked: readonly Range[] };
export type SourceText = {
  lang: Lang;
  words: number;
  blocks: readonly Block[];
  /** stem → where it starts a word: [block, token] */
  starts: ReadonlyMap<string, readonly (readonly [number, number])[]>;
  /** Every href already in the draft, with its place. */
  links: readonly { href: string; path: readonly number[]; from: number; to: number }[];
};

/** Inline code inside textblocks, by path: readDoc reads marks only for links. */
function inlineCode(draft: readonly DraftBlock[]): Map<string, Range[]> {
  const out = new Map<string, Range[]>();
  const inline = (path: number[], content: readonly DraftInline[]) => {
    let at = 0;
    for (const piece of content) {
      const length = piece.type === 'hardBreak' ? 1 : piece.text.length;
      if (piece.type === 'text' && piece.marks?.some((m) => m.type === 'code')) {
        const list = out.get(path.join()) ?? [];
        list.push({ from: at, to: at + length });
        out.set(path.join(), list);
      }
      at += length;
    }
  };
  const walk = (list: readonly DraftBlock[], prefix: number[]) => {
    for (const [i, block] of list.entries()) {
      const path = [...prefix, i];
      if (block.type === 'paragraph') inline(path, block.content);
      else if (block.type === 'bulletList' || block.type === 'orderedList')
        for (const [j, item] of block.content.entries()) walk(item.content, [...path, j]);
      else if (block.type === 'blockquote') walk(block.content, path);
      else if (block.type === 'table')
        for (const [r, row] of block.content.entries())
          for (const [c, cell] of row.content.entries()) walk(cell.content, [...path, r, c]);
    }
  };
  walk(draft, []);
  return out;
}

export function readSource(draft: readonly DraftBlock[], lang: Lang): SourceText {
  const doc = readDoc(draft, lang);
  const code = inlineCode(draft);
  const blocks: Block[] = [];
  const starts = new Map<string, [number, number][]>();
  for (const b of doc.blocks) {
    if (b.kind !== 'paragraph') continue;
    const index = blocks.length;
    blocks.push({
      path: b.path,
      text: b.text,
      tokens: b.tokens,
      blocked: [...b.links, ...(code.get(b.path.join()) ?? [])],
    });
    for (const [t, token] of b.tokens.entries()) {
      const list = starts.get(token.stem);
      if (list) list.push([index, t]);
      else starts.set(token.stem, [[index, t]]);
    }
  }
  const links = doc.blocks.flatMap((b) => b.links.map((l) => ({ ...l, path: b.path })));
  return { lang, words: doc.words, blocks, starts, links };
}

const phraseMemo = new Map<string, readonly string[]>();
/** Every word's stem, stopwords kept: an anchor is a whole run of text, not its content words. */
export function wordStems(phrase: string, lang: Lang): readonly string[] {
  const key = `${lang}\u0000${phrase}`;
  let hit = phraseMemo.get(key);
  if (!hit) {
    const stems: string[] = [];
    for (const s of segmentersFor(lang).word.segment(phrase.normalize('NFC')))
      if (s.isWordLike) stems.push(stemOf(s.segment.toLowerCase(), lang));
    if (phraseMemo.size > 20_000) phraseMemo.clear();
    phraseMemo.set(key, (hit = stems));
  }
  return hit;
}

/** The phrases a target may be linked by: its keyword, then runs of ≥ 2 title words, longest first. */
export function targetPhrases(primaryKeyword: string, title: string, lang: Lang): (readonly string[])[] {
  const out: (readonly string[])[] = [];
  const seen = new Set<string>();
  const push = (stems: readonly string[]) => {
    const key = stems.join(' ');
    if (!stems.length || seen.has(key)) return;
    seen.add(key);
    out.push(stems);
  };
  push(wordStems(primaryKeyword, lang));
  const words = [...segmentersFor(lang).word.segment(title.normalize('NFC'))]
    .filter((s) => s.isWordLike)
    .map((s) => s.segment.toLowerCase());
  const edge = (w: string | undefined) => w !== undefined && !isStopword(w, lang) && LETTER.test(w);
  for (let length = words.length; length >= 2; length--)
    for (let i = 0; i + length <= words.length; i++)
      if (edge(words[i]) && edge(words[i + length - 1])) push(words.slice(i, i + length).map((w) => stemOf(w, lang)));
  return out;
}

// Between two words of one anchor: spaces or one hyphen; never a comma, a full stop or a line break.
const GAP = /^(?:[^\S\n]+|[-‐])$/u;
const overlaps = (a: Range, b: Range) => a.from < b.to && b.from < a.to;

/** Every place in the source where the phrase stands, with the content stems of the matched text. */
export function placesOf(source: SourceText, stems: readonly string[]): (Anchor & { content: readonly string[] })[] {
  const out: (Anchor & { content: readonly string[] })[] = [];
  const k = stems.length;
  next: for (const [b, t] of source.starts.get(stems[0] ?? '') ?? []) {
    const block = source.blocks[b] as Block;
    if (t + k > block.tokens.length) continue;
    for (let i = 1; i < k; i++) {
      const token = block.tokens[t + i] as Token;
      if (token.stem !== stems[i]) continue next;
      if (!GAP.test(block.text.slice((block.tokens[t + i - 1] as Token).to, token.from))) continue next;
    }
    const range = { from: (block.tokens[t] as Token).from, to: (block.tokens[t + k - 1] as Token).to };
    if (block.blocked.some((r) => overlaps(r, range))) continue;
    const content = block.tokens
      .slice(t, t + k)
      .filter((token) => !token.stop && LETTER.test(token.lower))
      .map((token) => token.stem);
    if (!content.length) continue;
    out.push({ path: block.path, ...range, text: block.text.slice(range.from, range.to), content });
  }
  return out;
}

/** Whether the anchor's words hold the source's own primary keyword (a link must not compete for it). */
export function holdsKeyword(content: readonly string[], keyword: string, lang: Lang): boolean {
  const own = phraseStems(keyword, lang);
  if (!own.length) return false;
  for (let i = 0; i + own.length <= content.length; i++) if (own.every((s, k) => content[i + k] === s)) return true;
  return false;
}
