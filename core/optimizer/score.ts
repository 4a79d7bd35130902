/**
 * The content score: one pure function of the draft, its meta fields, the brief and the link
 * context, run the same in the browser's Web Worker, the draft room (workerd) and Node. No clock,
 * no randomness, fixed rounding and ordering, so the parity fixtures match byte for byte.
 */
import type * as Y from 'yjs';
import type { DraftBlock } from '../draft/schema';
import { draftBlocks } from '../draft/yjs';
import { round1 } from './check';
import { clearDocumentCache, readDoc } from './document';
import { clearLanguageCaches, langOf } from './language';
import { scoreLinks } from './links';
import { scoreOutline } from './outline';
import { scorePlacement } from './placement';
import { clearSyllableCache } from './prose-stats';
import { scoreReadability } from './readability';
import { scoreStructure } from './structure';
import { scoreTerms } from './terms';
import {
  type Band,
  CATEGORIES,
  type Category,
  type CategoryScore,
  type DraftMeta,
  type LinkContext,
  type ScoreBrief,
  type ScoreResult,
} from './types';

/** Bump on any change that moves a score, so stored score history says which rules made it. */
export const SCORER_VERSION = 2;

export const bandOf = (score: number): Band => (score < 33 ? 'low' : score <= 66 ? 'medium' : 'high');

export type ScoreInput = {
  /** The draft as blocks, or the Yjs fragment the editor binds (read with `draftBlocks`). */
  draft: readonly DraftBlock[] | Y.XmlFragment;
  meta: DraftMeta;
  brief: ScoreBrief;
  links: LinkContext;
};

export function scoreDraft(input: ScoreInput): ScoreResult {
  const blocks = Array.isArray(input.draft) ? input.draft : draftBlocks(input.draft as Y.XmlFragment);
  const doc = readDoc(blocks, langOf(input.meta.language));
  const terms = scoreTerms(doc, input.meta, input.brief);
  const checks = [
    ...terms.checks,
    ...scoreOutline(doc, input.brief),
    ...scoreStructure(doc, input.brief),
    ...scorePlacement(doc, input.meta),
    ...scoreReadability(doc),
    ...scoreLinks(doc, input.links),
  ];
  const categories = Object.fromEntries(CATEGORIES.map((c) => [c, { points: 0, max: 0 }])) as Record<
    Category,
    CategoryScore
  >;
  for (const c of checks) {
    categories[c.category].points += c.points;
    categories[c.category].max += c.max;
  }
  let earned = 0;
  let possible = 0;
  for (const c of CATEGORIES) {
    categories[c] = { points: round1(categories[c].points), max: round1(categories[c].max) };
    earned += categories[c].points;
    possible += categories[c].max;
  }
  // Checks that do not apply (no outline in the brief, Flesch outside English) leave the total
  // smaller rather than free: the score is the share of what this draft could earn.
  const score = doc.words === 0 || possible === 0 ? 0 : Math.round((100 * earned) / possible);
  return {
    version: SCORER_VERSION,
    score,
    band: bandOf(score),
    words: doc.words,
    categories,
    checks,
    terms: terms.terms,
  };
}

/**
 * Forgets the memo tables (analysed paragraphs, stems, syllables). Scores never depend on them;
 * the bench uses this to measure a first score in a fresh isolate.
 */
export function clearScorerCaches() {
  clearDocumentCache();
  clearLanguageCaches();
  clearSyllableCache();
}
