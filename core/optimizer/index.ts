/**
 * The Optimizer's content score (issue 11, scope item 3): one pure, versioned function that the
 * browser's Web Worker, the draft room (workerd) and Node run with identical results.
 *
 *   scoreDraft({ draft, meta, brief, links }) → { version, score, band, words, categories, checks, terms }
 *
 * - `draft`: the DraftBlock[] of `draftBlocks(fragment)`, or the Y.XmlFragment itself.
 * - `meta`: the draft's meta fields (title, slug, meta title/description, keywords, language).
 * - `brief`: the idea's outline and target keywords, the cluster's keywords with volumes, the
 *   target word range, and the site inventory's document frequencies keyed by `termKey`.
 * - `links`: the site's origin (what counts as internal) and the hrefs link validation found broken.
 * - every check's `where`/`places` is a block path + ProseMirror offsets inside that textblock
 *   (types.ts `Where`): map it to relative Yjs positions to highlight it for every editor.
 *
 * Paragraph analyses are memoised by text, so scoring again after an edit re-reads only the
 * changed paragraphs: keep one module instance alive (one Web Worker, one draft room).
 */
export { isInternal } from './links';
export { langOf, termKey } from './language';
export { bandOf, clearScorerCaches, SCORER_VERSION, type ScoreInput, scoreDraft } from './score';
export { META_DESCRIPTION_CHARS } from './placement';
export { DEFAULT_WORD_RANGE } from './structure';
export { expectedRange } from './terms';
export type * from './types';
export { CATEGORIES } from './types';
