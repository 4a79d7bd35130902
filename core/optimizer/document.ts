/**
 * The draft as the checks read it: its textblocks in document order (with their paths and text,
 * offsets counted like ProseMirror inside the textblock), their words and sentences, its images
 * and links. Built once per score; every check reads this, never the blocks.
 */
import type { DraftBlock, DraftInline } from '../draft/schema';
import { isStopword, type Lang, segmentersFor, stemOf } from './language';
import { isPassive, LETTER, syllablesOf } from './prose-stats';
import type { Where } from './types';

export type Token = { lower: string; stem: string; stop: boolean; from: number; to: number };
export type Sentence = {
  from: number;
  to: number;
  tokens: readonly Token[];
  /** Words with letters (what Flesch counts) and their syllables; both 0 outside English. */
  letterWords: number;
  syllables: number;
  passive: boolean;
};
export type Link = { href: string; from: number; to: number };

export type TextBlock = {
  path: readonly number[];
  kind: 'paragraph' | 'heading' | 'code';
  /** Heading level, 0 for other blocks. */
  level: number;
  /** Inside a list, a table or a quote: body text, but not "a paragraph" for paragraph checks. */
  nested: boolean;
  text: string;
  tokens: readonly Token[];
  /** The tokens without stopwords: phrases match on these, so “bake bread” finds “bake the bread”. */
  content: readonly Token[];
  sentences: readonly Sentence[];
  links: readonly Link[];
};
export type Image = { path: readonly number[]; alt: string };

export type Doc = {
  lang: Lang;
  blocks: readonly TextBlock[];
  images: readonly Image[];
  /** Word count of the prose (headings and body text; code left out). */
  words: number;
};

type Analysed = { tokens: Token[]; content: Token[]; sentences: Sentence[] };

// Typing changes one textblock at a time, so the rest are read from here on the next score:
// a pure function of (language, text), bounded, and the same result as analysing again.
const analysed = new Map<string, Analysed>();
export const clearDocumentCache = () => analysed.clear();

function sentenceOf(from: number, to: number, tokens: Token[], lang: Lang): Sentence {
  let letterWords = 0;
  let syllables = 0;
  if (lang === 'en')
    for (const t of tokens) {
      if (!LETTER.test(t.lower)) continue; // "2026" is a word, not syllables
      letterWords++;
      syllables += syllablesOf(t.lower);
    }
  return { from, to, tokens, letterWords, syllables, passive: isPassive(tokens, lang) };
}

const NOTHING: Analysed = { tokens: [], content: [], sentences: [] };

function analyse(text: string, lang: Lang): Analysed {
  const key = `${lang}\u0000${text}`;
  const hit = analysed.get(key);
  if (hit) return hit;
  const { word, sentence } = segmentersFor(lang);
  const tokens: Token[] = [];
  for (const s of word.segment(text)) {
    if (!s.isWordLike) continue;
    const lower = s.segment.toLowerCase();
    tokens.push({
      lower,
      stem: stemOf(lower, lang),
      stop: isStopword(lower, lang),
      from: s.index,
      to: s.index + s.segment.length,
    });
  }
  const sentences: Sentence[] = [];
  let t = 0;
  for (const s of sentence.segment(text)) {
    const end = s.index + s.segment.length;
    const start = t;
    while (t < tokens.length && (tokens[t] as Token).from < end) t++;
    if (t > start)
      sentences.push(sentenceOf(s.index, s.index + s.segment.trimEnd().length, tokens.slice(start, t), lang));
  }
  const result = { tokens, content: tokens.filter((t) => !t.stop), sentences };
  if (analysed.size > 20_000) analysed.clear();
  analysed.set(key, result);
  return result;
}

function inlineText(content: readonly DraftInline[]) {
  let text = '';
  const links: Link[] = [];
  for (const inline of content) {
    if (inline.type === 'hardBreak') {
      text += '\n'; // one position in ProseMirror, and a word boundary
      continue;
    }
    const href = inline.marks?.find((m) => m.type === 'link');
    if (href?.type === 'link') {
      const last = links[links.length - 1];
      if (last && last.href === href.attrs.href && last.to === text.length) last.to += inline.text.length;
      else links.push({ href: href.attrs.href, from: text.length, to: text.length + inline.text.length });
    }
    text += inline.text;
  }
  return { text, links };
}

export function readDoc(draft: readonly DraftBlock[], lang: Lang): Doc {
  const blocks: TextBlock[] = [];
  const images: Image[] = [];
  let words = 0;
  const textblock = (
    path: number[],
    kind: TextBlock['kind'],
    level: number,
    nested: boolean,
    content: readonly DraftInline[],
  ) => {
    const { text, links } = inlineText(content);
    const analysis = kind === 'code' ? NOTHING : analyse(text, lang);
    words += analysis.tokens.length;
    blocks.push({ path, kind, level, nested, text, ...analysis, links });
  };
  const walk = (list: readonly DraftBlock[], prefix: number[], nested: boolean) => {
    for (const [i, block] of list.entries()) {
      const path = [...prefix, i];
      switch (block.type) {
        case 'paragraph':
          textblock(path, 'paragraph', 0, nested, block.content);
          break;
        case 'heading':
          textblock(path, 'heading', block.attrs.level, nested, block.content);
          break;
        case 'codeBlock':
          textblock(path, 'code', 0, nested, block.content);
          break;
        case 'bulletList':
        case 'orderedList':
          for (const [j, item] of block.content.entries()) walk(item.content, [...path, j], true);
          break;
        case 'blockquote':
          walk(block.content, path, true);
          break;
        case 'table':
          for (const [r, row] of block.content.entries())
            for (const [c, cell] of row.content.entries()) walk(cell.content, [...path, r, c], true);
          break;
        case 'image':
          images.push({ path, alt: block.attrs.alt });
          break;
        case 'horizontalRule':
          break;
        default: {
          const unknown: never = block;
          throw new Error(`Unknown block ${JSON.stringify(unknown)}`);
        }
      }
    }
  };
  walk(draft, [], false);
  return { lang, blocks, images, words };
}

export const whereOf = (block: TextBlock, from: number, to: number): Where => ({ block: block.path, from, to });
export const wholeBlock = (block: TextBlock): Where => whereOf(block, 0, block.text.length);
/** Top-level body paragraphs: what "a paragraph" means for the paragraph checks. */
export const paragraphs = (doc: Doc) =>
  doc.blocks.filter((b) => b.kind === 'paragraph' && !b.nested && b.tokens.length);
export const headings = (doc: Doc, level?: number) =>
  doc.blocks.filter((b) => b.kind === 'heading' && (level === undefined || b.level === level));
