/**
 * The Linker's input and output (issue 11, scope item 5). Plain JSON both ways, so the draft room,
 * the browser and the site coordinator's batch linking exchange exactly these shapes.
 */
import type { DraftBlock } from '../draft/schema';
import type { DraftMeta, Where } from '../optimizer/types';

/** A stemmed term (`termKey`) of a page and its weight, 0–1 (1 = the page's most prominent term). */
export type PageTerm = { term: string; weight: number };

/** One row of the site content inventory: a page that a link may point to. */
export type InventoryPage = {
  id: string;
  url: string;
  title: string;
  primaryKeyword: string;
  clusterId: string | null;
  isHub: boolean;
  /** Only 'published' and 'scheduled' pages are link targets; anything else is not (yet) a page. */
  status: string;
  publishedAt: number | null;
  scheduledAt: number | null;
  inboundCount: number;
  terms: readonly PageTerm[];
};

/** The meta fields the Linker reads (a subset of the draft's meta map). */
export type LinkerMeta = Pick<DraftMeta, 'title' | 'primaryKeyword' | 'secondaryKeywords' | 'language'>;

export type LinkSource = {
  id: string;
  /** The source's own URL, when it has one: a page under another id at this URL is still itself. */
  url?: string | null;
  clusterId?: string | null;
  blocks: readonly DraftBlock[];
  meta: LinkerMeta;
  /** When the source goes live (ms): targets must be live by then. Unknown for an unscheduled draft. */
  publishedAt?: number | null;
};

export type LinkerSettings = {
  /** The site's ceiling on suggested links per article (0–10; default 10). */
  maxLinks?: number;
  /** What counts as internal for the links already in the draft (relative hrefs always do). */
  siteOrigin?: string | null;
};

/** Existing text of the source: a textblock path and ProseMirror offsets inside it (like `Where`). */
export type Anchor = { path: readonly number[]; from: number; to: number; text: string };

export type LinkSuggestion = {
  targetId: string;
  url: string;
  anchor: Anchor;
  score: number;
  reason: string;
};

export type BrokenLink = { href: string; reason: 'missing' | 'unpublished'; places: readonly Where[] };
export type LinkValidation = {
  /** Internal links found (each href once), external ones left out. */
  internal: readonly { href: string; places: readonly Where[] }[];
  broken: readonly BrokenLink[];
  /** What the scorer's `LinkContext.brokenHrefs` takes. */
  brokenHrefs: readonly string[];
};
