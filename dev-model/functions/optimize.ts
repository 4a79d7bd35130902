/**
 * optimize_content: one Optimizer fix per call, chosen by `action`, written from the input's own
 * text so the product's checks can tell it worked:
 * - intro: the paragraph rewritten to open with the primary keyword (its own sentences kept);
 * - outline_section: the section `h2` with 2–3 paragraphs on its `coverage`, using the keyword;
 * - split_paragraphs: each paragraph cut between sentences into parts of at most `max_words` words
 *   (the same words, in order: the product keeps the paragraph's links and formatting);
 * - meta_description: 120–156 characters with the keyword.
 * Some replies come in shapes a model also uses (the intro wrapped in <p>, a bare {h2, html}
 * section): the product reads both. The fault knobs add the usual untidy wrappers on top.
 */
import {
  asArray,
  asString,
  capitalise,
  clampInt,
  escapeHtml,
  lowerFirst,
  pick,
  plainQuotes,
  rngFor,
  significantTerms,
  stripTags,
  truncateAtWord,
  type Rng,
} from '../text.ts';

export interface OptimizeOut {
  paragraph?: string;
  sections?: { h2: string; html: string }[];
  h2?: string;
  html?: string;
  splits?: { index: number; paragraphs: string[] }[];
  meta_description?: string;
}

const sentencesOf = (text: string) =>
  text
    .replace(/\s+/g, ' ')
    .trim()
    .split(/(?<=[.!?])\s+(?=[A-Z0-9"'(])/)
    .filter(Boolean);

const words = (s: string) => s.split(/\s+/).filter(Boolean).length;

export function optimizeContent(input: unknown): OptimizeOut {
  const obj = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const action = asString(obj.action).trim().toLowerCase();
  const keyword = plainQuotes(asString(obj.primary_keyword).trim()) || 'this topic';
  const title = plainQuotes(asString(obj.title).trim());
  const rng = rngFor('optimize', action, keyword, title, asString(obj.paragraph), asString(obj.h2));
  switch (action) {
    case 'intro':
      return intro(rng, keyword, plainQuotes(stripTags(asString(obj.paragraph))));
    case 'outline_section':
      return section(rng, keyword, plainQuotes(asString(obj.h2).trim()) || 'More to know', asString(obj.coverage));
    case 'split_paragraphs':
      return {
        splits: asArray(obj.paragraphs).map((p, index) => ({
          index,
          paragraphs: split(asString(p), clampInt(obj.max_words, 20, 400, 90)),
        })),
      };
    case 'meta_description':
      return { meta_description: description(rng, keyword, title, stripTags(asString(obj.intro))) };
    default:
      return { paragraph: `${capitalise(keyword)}: nothing was asked of this fix.` };
  }
}

const OPENERS = [
  (k: string) => `${capitalise(k)} is what this article is about.`,
  (k: string) => `If you are looking into ${k}, start here.`,
  (k: string) => `Getting ${k} right takes less than you might think.`,
  (k: string) => `This guide covers ${k} step by step.`,
];

function intro(rng: Rng, keyword: string, paragraph: string): OptimizeOut {
  const sentences = sentencesOf(paragraph);
  const opener = pick(rng, OPENERS)(keyword);
  const text = [opener, ...sentences].join(' ') || opener;
  // Some models answer with the HTML of the paragraph.
  return { paragraph: rng() < 0.3 ? `<p>${escapeHtml(text)}</p>` : text };
}

function section(rng: Rng, keyword: string, h2: string, coverage: string): OptimizeOut {
  const note = plainQuotes(coverage.trim().replace(/\.+$/, ''));
  const terms = significantTerms(note || h2).map((t) => t.surface);
  const about = note ? lowerFirst(note) : `what ${h2.toLowerCase()} means in practice`;
  const paragraphs = [
    `${h2} matters for anyone working on ${keyword}. In short, it comes down to ${about}.`,
    `Start with ${terms[0] ?? 'the basics'}, then look at ${terms[1] ?? 'the details'}: ` +
      `small choices here change how well ${keyword} works for you.`,
    `A simple rule of thumb: check ${terms[2] ?? 'the result'} before you move on, and write down what you learn.`,
  ].slice(0, 2 + Math.floor(rng() * 2));
  const html = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('');
  // A bare section instead of the `sections` list, as some models answer.
  return rng() < 0.3 ? { h2, html } : { sections: [{ h2, html }] };
}

/** Sentences grouped into parts of at most `max` words (a sentence longer than that is cut at a word). */
export function split(paragraph: string, max: number): string[] {
  const parts: string[] = [];
  let current: string[] = [];
  const flush = () => {
    if (current.length) parts.push(current.join(' '));
    current = [];
  };
  for (const sentence of sentencesOf(stripTags(paragraph))) {
    if (words(sentence) > max) {
      flush();
      const w = sentence.split(' ');
      for (let i = 0; i < w.length; i += max) parts.push(w.slice(i, i + max).join(' '));
      continue;
    }
    if (words([...current, sentence].join(' ')) > max) flush();
    current.push(sentence);
  }
  flush();
  return parts;
}

const TAILS = [
  'Practical steps, common mistakes and tips you can use today.',
  'Everything you need to know, explained simply with examples.',
  'A clear guide with checklists, examples and expert advice.',
];

function description(rng: Rng, keyword: string, title: string, intro: string): string {
  let text = `${capitalise(keyword)}: ${title ? `${title.replace(/[.!?]+$/, '')}. ` : ''}`;
  const pool = [...sentencesOf(intro).filter((s) => s.length < 120), pick(rng, TAILS), ...TAILS];
  for (const s of pool) {
    if (text.length >= 120) break;
    if (text.length + s.length + 1 <= 156) text += `${s} `;
  }
  text = text.trim();
  while (text.length < 120) text += ' Read the full guide.';
  return truncateAtWord(text, 155).replace(/[^.!?]$/, (c) => `${c}.`);
}
