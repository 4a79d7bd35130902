/**
 * What readability needs to know of each sentence, computed once with the sentence (document.ts
 * memoises a paragraph's analysis): syllables (English only: the counter is English) and a
 * passive-voice heuristic per language (English, German, French).
 */
import { syllable } from 'syllable';
import type { Lang } from './language';

type Token = { lower: string };

export const LETTER = /\p{L}/u;
const syllables = new Map<string, number>();
export const clearSyllableCache = () => syllables.clear();
export function syllablesOf(lower: string): number {
  let n = syllables.get(lower);
  if (n === undefined) {
    n = Math.max(1, syllable(lower));
    if (syllables.size > 50_000) syllables.clear();
    syllables.set(lower, n);
  }
  return n;
}

const EN_BE = new Set(['am', 'is', 'are', 'was', 'were', 'be', 'been', 'being', 'get', 'gets', 'got', 'gotten']);
const EN_IRREGULAR = new Set(
  (
    'made done seen given taken written known shown found built sold told held kept left brought bought thought ' +
    'eaten chosen driven broken spoken forgotten hidden frozen stolen worn torn born drawn grown thrown sent spent ' +
    'put set cut read paid laid led fed understood caught taught won lost meant begun sung run hit hurt'
  ).split(' '),
);
const DE_WERDEN = new Set(['wird', 'werden', 'wurde', 'wurden', 'worden', 'wirst', 'werdet', 'würde', 'würden']);
const FR_ETRE = new Set(['est', 'sont', 'était', 'étaient', 'été', 'être', 'sera', 'seront', 'fut', 'furent', 'soit']);

export function isPassive(t: readonly Token[], lang: Lang): boolean {
  if (lang === 'en') {
    for (let i = 0; i < t.length - 1; i++) {
      if (!EN_BE.has((t[i] as Token).lower)) continue;
      for (const w of [t[i + 1], t[i + 2]]) {
        if (w && ((w.lower.endsWith('ed') && w.lower.length > 3) || EN_IRREGULAR.has(w.lower))) return true;
        if (!w?.lower.endsWith('ly')) break; // one adverb between: "was quickly baked"
      }
    }
    return false;
  }
  if (lang === 'de')
    return t.some((w) => DE_WERDEN.has(w.lower)) && t.some((w) => /^ge\p{L}{2,}(?:t|en)$/u.test(w.lower));
  if (lang === 'fr')
    return t.some(
      (w, i) => FR_ETRE.has(w.lower) && i + 1 < t.length && /\p{L}{2,}(?:é|ée|és|ées)$/u.test(t[i + 1]?.lower ?? ''),
    );
  return false;
}
