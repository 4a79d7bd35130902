/** Matching phrases (as content stems) against the draft's words and the meta fields. */
import type { Token, TextBlock } from './document';
import { type Lang, phraseStems } from './language';

/** A block's words without stopwords: phrases match on these, so "bake bread" finds "bake the bread". */
export const contentTokens = (block: TextBlock): readonly Token[] => block.content;

/** Where `stems` occurs in a sequence of content tokens, as character ranges. */
export function occurrencesIn(tokens: readonly Token[], stems: readonly string[]): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  if (!stems.length) return out;
  for (let i = 0; i + stems.length <= tokens.length; i++) {
    let k = 0;
    while (k < stems.length && tokens[i + k]?.stem === stems[k]) k++;
    if (k === stems.length) {
      out.push({ from: (tokens[i] as Token).from, to: (tokens[i + k - 1] as Token).to });
      i += k - 1;
    }
  }
  return out;
}

export const blockHas = (block: TextBlock, stems: readonly string[]) =>
  stems.length > 0 && occurrencesIn(contentTokens(block), stems).length > 0;

/** Whether a plain string (title, slug, meta field) holds the phrase. */
export function textHas(text: string, stems: readonly string[], lang: Lang): boolean {
  if (!stems.length) return false;
  const words = phraseStems(text.replace(/[-_/]+/g, ' '), lang);
  for (let i = 0; i + stems.length <= words.length; i++) if (stems.every((s, k) => words[i + k] === s)) return true;
  return false;
}
