/**
 * Links: internal links present (about one per 500 words, 1 to 3 asked), and none of the draft's
 * links among those the link validation found broken (passed in: this module does no I/O).
 */
import { check } from './check';
import type { Doc } from './document';
import type { Check, LinkContext, Where } from './types';

const WORDS_PER_LINK = 500;

/** Relative hrefs and hrefs on the site's own origin are internal; anchors and mailto are not links to pages. */
export function isInternal(href: string, siteOrigin: string | null): boolean {
  if (href.startsWith('#')) return false;
  if (href.startsWith('/') && !href.startsWith('//')) return true;
  if (!siteOrigin) return false;
  const origin = siteOrigin.replace(/\/+$/, '').toLowerCase();
  const lower = href.toLowerCase();
  return lower === origin || lower.startsWith(`${origin}/`) || lower.startsWith(`${origin}?`);
}

export function scoreLinks(doc: Doc, context: LinkContext): Check[] {
  const links = doc.blocks.flatMap((b) =>
    b.links.map((l) => ({ ...l, where: { block: b.path, from: l.from, to: l.to } })),
  );
  const internal = links.filter((l) => isInternal(l.href, context.siteOrigin));
  const wanted = Math.min(3, Math.max(1, Math.round(doc.words / WORDS_PER_LINK)));
  const broken = new Set(context.brokenHrefs);
  const brokenPlaces: Where[] = links.filter((l) => broken.has(l.href)).map((l) => l.where);
  const empty = doc.words === 0;
  return [
    check({
      id: 'links.internal',
      category: 'links',
      max: 6,
      share: internal.length >= wanted ? 1 : internal.length / wanted,
      message:
        internal.length >= wanted
          ? `${internal.length} internal links`
          : `Link to ${wanted - internal.length} more page${wanted - internal.length > 1 ? 's' : ''} of this site`,
    }),
    check({
      id: 'links.broken',
      category: 'links',
      max: 4,
      share: empty ? 0 : brokenPlaces.length ? 0 : 1,
      message: empty
        ? 'Write some text first'
        : brokenPlaces.length
          ? `${brokenPlaces.length} broken link${brokenPlaces.length > 1 ? 's' : ''}: fix or remove`
          : 'No broken links',
      places: brokenPlaces,
    }),
  ];
}
