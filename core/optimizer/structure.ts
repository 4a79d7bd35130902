/** Structure: length against the brief's range, paragraphs, the heading outline, images with alt text. */
import { check } from './check';
import { type Doc, headings, paragraphs, wholeBlock } from './document';
import type { Check, ScoreBrief, Where } from './types';

/** Without a range in the brief: a typical long-form article. */
export const DEFAULT_WORD_RANGE = { min: 600, max: 2500 };
/** Words per paragraph above which the text reads as a wall. */
const WORDS_PER_PARAGRAPH = 150;
const BREAK_UP = ': break them up';

function length(doc: Doc, brief: ScoreBrief): Check {
  const { min, max } = brief.wordRange ?? DEFAULT_WORD_RANGE;
  const w = doc.words;
  const inRange = w >= min && w <= max;
  const near = w >= min * 0.7 && w <= max * 1.3;
  return check({
    id: 'structure.length',
    category: 'structure',
    max: 6,
    share: w === 0 ? 0 : inRange ? 1 : near ? 0.5 : 0.2,
    light: inRange ? 'green' : near ? 'amber' : 'red',
    message: inRange
      ? `${w} words, within the brief's ${min}–${max}`
      : w < min
        ? `${w} words: write about ${min - w} more (the brief asks ${min}–${max})`
        : `${w} words: ${w - max} over the brief's ${min}–${max}`,
  });
}

function paragraphing(doc: Doc): Check {
  const body = paragraphs(doc);
  const bodyWords = body.reduce((n, p) => n + p.tokens.length, 0);
  const perParagraph = body.length ? bodyWords / body.length : 0;
  return check({
    id: 'structure.paragraphs',
    category: 'structure',
    max: 3,
    share: !body.length ? 0 : perParagraph <= WORDS_PER_PARAGRAPH ? 1 : perParagraph <= 250 ? 0.5 : 0,
    message: !body.length
      ? 'Write the body in paragraphs'
      : `Paragraphs average ${Math.round(perParagraph)} words${perParagraph > WORDS_PER_PARAGRAPH ? BREAK_UP : ''}`,
  });
}

function headingOutline(doc: Doc): Check {
  const all = headings(doc).filter((h) => !h.nested);
  const problems: { where: Where; why: string }[] = [];
  let previous = 1; // the title is the page's H1
  for (const h of all) {
    if (h.level === 1) problems.push({ where: wholeBlock(h), why: 'an H1 in the body (the title is the H1)' });
    else if (h.level > previous + 1)
      problems.push({ where: wholeBlock(h), why: `an H${h.level} right after an H${previous}` });
    previous = h.level;
  }
  const needsH2 = doc.words > 300 && !all.some((h) => h.level === 2);
  const share = doc.words === 0 ? 0 : needsH2 ? 0 : problems.length ? 0.5 : 1;
  return check({
    id: 'structure.headings',
    category: 'structure',
    max: 3,
    share,
    message:
      doc.words === 0
        ? 'Write some text first'
        : needsH2
          ? 'Divide the text with H2 subheadings'
          : problems.length
            ? `Fix the heading levels: ${problems[0]?.why}`
            : 'Headings are in order',
    places: problems.map((p) => p.where),
  });
}

function images(doc: Doc): Check {
  const missingAlt = doc.images.filter((i) => !i.alt.trim());
  const wantsImage = doc.words >= 600;
  const share = doc.words === 0 ? 0 : missingAlt.length ? 0.5 : wantsImage && !doc.images.length ? 0.3 : 1;
  return check({
    id: 'structure.images',
    category: 'structure',
    max: 3,
    share,
    light: missingAlt.length || (wantsImage && !doc.images.length) ? (doc.images.length ? 'amber' : 'red') : undefined,
    message:
      doc.words === 0
        ? 'Write some text first'
        : missingAlt.length
          ? `${missingAlt.length} of ${doc.images.length} images have no alt text`
          : wantsImage && !doc.images.length
            ? 'Add an image (with alt text)'
            : doc.images.length
              ? 'Every image has alt text'
              : 'Short text: no image needed',
    places: missingAlt.map((i) => ({ block: i.path, from: 0, to: 0 })),
  });
}

export const scoreStructure = (doc: Doc, brief: ScoreBrief): Check[] => [
  length(doc, brief),
  paragraphing(doc),
  headingOutline(doc),
  images(doc),
];
