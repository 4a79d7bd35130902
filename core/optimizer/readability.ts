/**
 * Readability: Flesch reading ease (English only: it is built on English syllable counts),
 * sentences over 20 words, paragraphs over 150 words, passive voice (a heuristic per language:
 * English, German, French), and three or more sentences in a row starting with the same word.
 * Thresholds follow Yoast's readability analysis. Headings, code and table cells are not prose.
 */
import { check } from './check';
import type { Doc, Sentence, TextBlock } from './document';
import type { Check, Where } from './types';

const LONG_SENTENCE = 20;
const LONG_PARAGRAPH = 150;
const SAME_START_RUN = 3;

const sentenceWhere = (b: TextBlock, s: Sentence): Where => ({ block: b.path, from: s.from, to: s.to });

export function scoreReadability(doc: Doc): Check[] {
  const prose = doc.blocks.filter((b) => b.kind === 'paragraph' && b.tokens.length);
  const sentences = prose.flatMap((b) => b.sentences.map((s) => ({ b, s })));
  const empty = sentences.length === 0;
  const first = 'Write some text first';
  const checks: Check[] = [];

  if (doc.lang === 'en') {
    let words = 0;
    let syl = 0;
    for (const { s } of sentences) {
      words += s.letterWords;
      syl += s.syllables;
    }
    const ease = words
      ? Math.round((206.835 - 1.015 * (words / sentences.length) - 84.6 * (syl / words)) * 10) / 10
      : 0;
    checks.push(
      check({
        id: 'readability.flesch',
        category: 'readability',
        max: 3,
        share: empty ? 0 : ease >= 60 ? 1 : ease >= 30 ? 0.5 : 0,
        message: empty
          ? first
          : `Flesch reading ease ${ease}${ease >= 60 ? ': easy to read' : ': use shorter words and sentences'}`,
      }),
    );
  }

  const long = sentences.filter(({ s }) => s.tokens.length > LONG_SENTENCE);
  const longShare = empty ? 1 : long.length / sentences.length;
  checks.push(
    check({
      id: 'readability.long-sentences',
      category: 'readability',
      max: 2,
      share: empty ? 0 : longShare <= 0.25 ? 1 : longShare <= 0.35 ? 0.5 : 0,
      message: empty ? first : `${long.length} of ${sentences.length} sentences have more than ${LONG_SENTENCE} words`,
      places: long.map(({ b, s }) => sentenceWhere(b, s)),
    }),
  );

  const walls = prose.filter((b) => b.tokens.length > LONG_PARAGRAPH);
  checks.push(
    check({
      id: 'readability.long-paragraphs',
      category: 'readability',
      max: 2,
      share: empty ? 0 : walls.length === 0 ? 1 : walls.length === 1 ? 0.5 : 0,
      message: empty
        ? first
        : walls.length
          ? `${walls.length} paragraphs have more than ${LONG_PARAGRAPH} words`
          : `No paragraph over ${LONG_PARAGRAPH} words`,
      places: walls.map((b) => ({ block: b.path, from: 0, to: b.text.length })),
    }),
  );

  if (doc.lang !== 'other') {
    const passive = sentences.filter(({ s }) => s.passive);
    const share = empty ? 1 : passive.length / sentences.length;
    checks.push(
      check({
        id: 'readability.passive',
        category: 'readability',
        max: 1.5,
        share: empty ? 0 : share <= 0.1 ? 1 : share <= 0.15 ? 0.5 : 0,
        message: empty ? first : `${Math.round(share * 100)}% of the sentences are passive (aim for at most 10%)`,
        places: passive.map(({ b, s }) => sentenceWhere(b, s)),
      }),
    );
  }

  checks.push(sameStarts(doc, empty));
  return checks;
}

/** Runs of sentences starting with the same word, reset at each heading (a new section). */
function sameStarts(doc: Doc, empty: boolean): Check {
  const runs: Where[][] = [];
  let run: Where[] = [];
  let word = '';
  const close = () => {
    if (run.length >= SAME_START_RUN) runs.push(run);
    run = [];
    word = '';
  };
  for (const b of doc.blocks) {
    if (b.kind !== 'paragraph') {
      close();
      continue;
    }
    for (const s of b.sentences) {
      const start = s.tokens[0];
      if (!start) continue;
      if (start.lower !== word) close();
      word = start.lower;
      run.push({ block: b.path, from: start.from, to: start.to });
    }
  }
  close();
  return check({
    id: 'readability.sentence-starts',
    category: 'readability',
    max: 1.5,
    share: empty ? 0 : runs.length === 0 ? 1 : runs.length === 1 ? 0.5 : 0,
    message: empty
      ? 'Write some text first'
      : runs.length
        ? `${runs.length === 1 ? 'One run' : `${runs.length} runs`} of ${SAME_START_RUN}+ sentences ` +
          'start with the same word: vary them'
        : 'Sentence openings are varied',
    places: runs.flat(),
  });
}
