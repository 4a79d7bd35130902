/**
 * What the room derives from its document on each projection (issue 11): the score (the same
 * `scoreDocument` the editors' browsers run), the article's inventory page with its prominent terms,
 * and its internal links checked against the site's pages. Returned as statements for the
 * projection's one batch, so the row, its page, its links and its score never disagree.
 */
import type * as Y from 'yjs';
import { draftBlocks, draftFragment } from '../../core/draft';
import { type RoomBrief, scoreDocument, scorerMeta } from '../../core/draft-score';
import { type InventoryPage, type PageTerm, pageKey, prominentTerms, urlKey, validateLinks } from '../../core/linker';
import type { ScoreResult } from '../../core/optimizer';
import type { Statement } from '../../worker/db/batch';
import type { DraftTarget } from './projection';

type ContentRef = { accountId: number; siteId: number; contentId: number };
export type PageLink = { href: string; targetPageId: number | null; broken: 'missing' | 'unpublished' | null };

/**
 * What the room needs from the Optimizer and the inventory (wired in features.ts: the draft engine
 * knows no feature, DESIGN §9 dependency rule): the brief, and the statements that record a page,
 * its links and a score.
 */
export interface AnalysisPorts {
  loadBrief(target: DraftTarget): Promise<RoomBrief | null>;
  pageStatement(ref: ContentRef, facts: { terms: PageTerm[]; words: number; outbound: number }): Statement;
  linkStatements(ref: ContentRef, links: readonly PageLink[]): Statement[];
  scoreStatements(ref: ContentRef, score: ScoreResult): Statement[];
}

/**
 * How long a room trusts the brief it read: the site's pages and the idea change far less often
 * than an editor saves (every 2–10 s while typing), and a stale minute costs a slightly old TF-IDF.
 */
export const BRIEF_TTL_MS = 60_000;

export type Analysis = { score: ScoreResult; statements: Statement[] };

export class DraftAnalysis {
  private brief: { loaded: RoomBrief; at: number } | null = null;
  /** The links last written (hrefs with their verdicts): unchanged links are not rewritten. */
  private linksKey: string | null = null;

  constructor(private readonly ports: AnalysisPorts) {}

  /** The next projection reads the brief again (the analyze route asks for a fresh score). */
  forgetBrief() {
    this.brief = null;
  }

  /** The brief, read again once it is older than BRIEF_TTL_MS. */
  async briefOf(target: DraftTarget): Promise<RoomBrief | null> {
    if (this.brief && Date.now() - this.brief.at < BRIEF_TTL_MS) return this.brief.loaded;
    const loaded = await this.ports.loadBrief(target);
    this.brief = loaded ? { loaded, at: Date.now() } : null;
    return loaded;
  }

  async analyse(doc: Y.Doc, target: DraftTarget): Promise<Analysis | null> {
    const loaded = await this.briefOf(target);
    if (!loaded) return null;
    const { editor, inventory } = loaded;
    const score = scoreDocument(doc, editor);
    const blocks = draftBlocks(draftFragment(doc));
    const meta = scorerMeta(doc, editor.language);
    const links = pageLinks(blocks, inventory, editor.site_origin);
    const ref = { accountId: target.accountId, siteId: target.siteId, contentId: target.contentId };
    const statements: Statement[] = [
      this.ports.pageStatement(ref, {
        terms: prominentTerms(blocks, meta),
        words: score.words,
        outbound: links.filter((l) => l.targetPageId !== null && !l.broken).length,
      }),
    ];
    const key = JSON.stringify(links);
    if (key !== this.linksKey) {
      statements.push(...this.ports.linkStatements(ref, links));
      this.linksKey = key;
    }
    statements.push(...this.ports.scoreStatements(ref, score));
    return { score, statements };
  }

  /** A batch that failed: the links were not written after all. */
  forgetLinks() {
    this.linksKey = null;
  }
}

/** The draft's internal links, each resolved to the inventory page at its address (if any). */
function pageLinks(
  blocks: Parameters<typeof validateLinks>[0],
  inventory: readonly InventoryPage[],
  siteOrigin: string | null,
): PageLink[] {
  const validation = validateLinks(blocks, inventory, siteOrigin);
  const byKey = new Map<string, InventoryPage>();
  for (const page of inventory) {
    const key = pageKey(page.url, siteOrigin);
    const held = byKey.get(key);
    if (!held || (held.status !== 'published' && page.status === 'published')) byKey.set(key, page);
  }
  const broken = new Map(validation.broken.map((b) => [b.href, b.reason]));
  return validation.internal.map(({ href }) => {
    const page = byKey.get(urlKey(href, siteOrigin));
    return { href, targetPageId: page ? Number(page.id) : null, broken: broken.get(href) ?? null };
  });
}
