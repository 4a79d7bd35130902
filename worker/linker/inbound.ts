/**
 * Inbound mode's choice of sources (issue 11: "when an article is published, suggest links to it
 * from older articles"): the site's live articles whose prominent terms overlap the target's most.
 * Only those rooms are asked (with the target as their only allowed target), not the whole site.
 */

/** Articles asked for links to one target. */
export const INBOUND_SOURCES = 20;

export type PageFacts = {
  id: number;
  ref_id: number;
  kind: string;
  status: string;
  terms: readonly { term: string; weight: number }[];
};

export const isLive = (p: { status: string }) => p.status === 'published' || p.status === 'scheduled';

/**
 * The live articles sharing the most term weight with `target` (each shared term counts its
 * smaller weight), best first, ties by page id; never the target, never a page sharing nothing.
 */
export function closestArticles(target: PageFacts, pages: readonly PageFacts[], limit = INBOUND_SOURCES): PageFacts[] {
  const weights = new Map(target.terms.map((t) => [t.term, t.weight]));
  return pages
    .filter((p) => p.kind === 'content' && p.id !== target.id && isLive(p))
    .map((p) => ({ p, overlap: p.terms.reduce((s, t) => s + Math.min(t.weight, weights.get(t.term) ?? 0), 0) }))
    .filter((x) => x.overlap > 0)
    .sort((a, b) => b.overlap - a.overlap || a.p.id - b.p.id)
    .slice(0, limit)
    .map((x) => x.p);
}
