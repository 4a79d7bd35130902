/**
 * Words of a language: segmenters, stopwords and stems. English gets the Porter stemmer; German
 * and French get a light plural/inflection strip (enough for "Brot"/"Brote", "pain"/"pains");
 * any other language is matched on lower-cased words.
 */
import { stopwords as germanStopwords } from '@orama/stopwords/german';
import { stopwords as englishStopwords } from '@orama/stopwords/english';
import { stopwords as frenchStopwords } from '@orama/stopwords/french';
import { stemmer } from 'stemmer';

export type Lang = 'en' | 'de' | 'fr' | 'other';

export function langOf(tag: string): Lang {
  const base = tag.toLowerCase().split(/[-_]/)[0];
  return base === 'en' || base === 'de' || base === 'fr' ? base : base === '' ? 'en' : 'other';
}

const STOPWORDS: Record<Lang, ReadonlySet<string>> = {
  en: new Set(englishStopwords),
  de: new Set(germanStopwords),
  fr: new Set(frenchStopwords),
  other: new Set(),
};

export const isStopword = (lower: string, lang: Lang) => STOPWORDS[lang].has(lower);

function lightStem(lower: string, lang: Lang): string {
  if (lang === 'de' && lower.length > 5) return lower.replace(/(?:en|er|es|e|n|s)$/, '');
  if (lang === 'fr' && lower.length > 4) return lower.replace(/(?:es|s|x)$/, '');
  return lower;
}

// Porter is the hot path of every score; a word's stem never changes, so it is remembered (bounded).
const stemCache = new Map<string, string>();
export function stemOf(lower: string, lang: Lang): string {
  const key = lang === 'en' ? lower : `${lang}:${lower}`;
  let stem = stemCache.get(key);
  if (stem === undefined) {
    stem = lang === 'en' ? stemmer(lower.replace(/’/g, "'")) : lightStem(lower, lang);
    if (stemCache.size > 50_000) stemCache.clear();
    stemCache.set(key, stem);
  }
  return stem;
}

const segmenters = new Map<string, { word: Intl.Segmenter; sentence: Intl.Segmenter }>();
/** One pair of segmenters per language (building one costs more than segmenting a paragraph). */
export function segmentersFor(lang: Lang) {
  const locale = lang === 'other' ? 'und' : lang;
  let pair = segmenters.get(locale);
  if (!pair) {
    pair = {
      word: new Intl.Segmenter(locale, { granularity: 'word' }),
      sentence: new Intl.Segmenter(locale, { granularity: 'sentence' }),
    };
    segmenters.set(locale, pair);
  }
  return pair;
}

const phrases = new Map<string, readonly string[]>();

/** Empties the memo tables (the bench's cold runs; results never depend on them). */
export function clearLanguageCaches() {
  stemCache.clear();
  phrases.clear();
}

/** The content stems of a phrase, in order (stopwords dropped): how phrases are matched. */
export function phraseStems(phrase: string, lang: Lang): readonly string[] {
  const key = `${lang}\u0000${phrase}`;
  let hit = phrases.get(key);
  if (!hit) {
    hit = computePhraseStems(phrase, lang);
    if (phrases.size > 10_000) phrases.clear();
    phrases.set(key, hit);
  }
  return hit;
}

function computePhraseStems(phrase: string, lang: Lang): string[] {
  const out: string[] = [];
  for (const s of segmentersFor(lang).word.segment(phrase.normalize('NFC'))) {
    if (!s.isWordLike) continue;
    const lower = s.segment.toLowerCase();
    if (!isStopword(lower, lang)) out.push(stemOf(lower, lang));
  }
  return out;
}

/** The key under which a term is counted here and in the site inventory's document frequencies. */
export const termKey = (phrase: string, lang: Lang) => phraseStems(phrase, lang).join(' ');
