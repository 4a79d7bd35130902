/**
 * The scorer's input and output. Plain JSON both ways, so the draft room, the browser's Web Worker
 * and the parity fixtures exchange exactly these shapes.
 */
import type { OutlineSection } from '../schema/shard';

/** The draft's meta fields (the Yjs map beside the body, issue 11 scope item 2). */
export type DraftMeta = {
  title: string;
  slug: string;
  metaTitle: string;
  metaDescription: string;
  primaryKeyword: string;
  secondaryKeywords: readonly string[];
  /** BCP 47 tag; `en` gets every check, other languages skip the syllable-based ones. */
  language: string;
};

/** Document frequencies over the site's own pages (the site inventory), keyed by `termKey`. */
export type InventoryStats = { pages: number; documentFrequency: Readonly<Record<string, number>> };

/** What the draft is written against: the idea's outline and keywords, the cluster's keywords. */
export type ScoreBrief = {
  outline: readonly OutlineSection[];
  targetKeywords: readonly string[];
  clusterKeywords: readonly { keyword: string; volume: number }[];
  wordRange: { min: number; max: number } | null;
  inventory: InventoryStats | null;
};

/** Which links are internal, and which hrefs the link validation found broken. */
export type LinkContext = { siteOrigin: string | null; brokenHrefs: readonly string[] };

/**
 * A place in the draft: the path of indices from the top-level block list down to a textblock
 * (e.g. [4, 1, 0] = block 4 → its list item 1 → that item's paragraph 0; tables go row, cell,
 * block), and offsets inside that textblock counted like ProseMirror (one per character of text,
 * one per hard break). An image is addressed by its path with from = to = 0.
 */
export type Where = { block: readonly number[]; from: number; to: number };

export type Light = 'red' | 'amber' | 'green';

export type CheckId =
  | 'terms.coverage'
  | 'terms.overuse'
  | 'outline.section'
  | 'structure.length'
  | 'structure.paragraphs'
  | 'structure.headings'
  | 'structure.images'
  | 'placement.title'
  | 'placement.intro'
  | 'placement.h2'
  | 'placement.h2-share'
  | 'placement.slug'
  | 'placement.meta-title'
  | 'placement.meta-description'
  | 'readability.flesch'
  | 'readability.long-sentences'
  | 'readability.long-paragraphs'
  | 'readability.passive'
  | 'readability.sentence-starts'
  | 'links.internal'
  | 'links.broken';

export type Category = 'terms' | 'outline' | 'structure' | 'placement' | 'readability' | 'links';
export const CATEGORIES: readonly Category[] = ['terms', 'outline', 'structure', 'placement', 'readability', 'links'];

export type Check = {
  id: CheckId;
  category: Category;
  /** What the check is about when one id repeats (the outline section's heading), else null. */
  subject: string | null;
  light: Light;
  points: number;
  max: number;
  message: string;
  /** The first place to highlight, or null when the check is about the whole draft. */
  where: Where | null;
  /** Every place to highlight (capped), `where` first. */
  places: readonly Where[];
};

export type TermSource = 'primary' | 'secondary' | 'target' | 'cluster';
export type TermResult = {
  term: string;
  source: TermSource;
  importance: number;
  count: number;
  range: { min: number; max: number };
};

export type Band = 'low' | 'medium' | 'high';
export type CategoryScore = { points: number; max: number };

export type ScoreResult = {
  version: number;
  score: number;
  band: Band;
  words: number;
  categories: Record<Category, CategoryScore>;
  checks: readonly Check[];
  terms: readonly TermResult[];
};
