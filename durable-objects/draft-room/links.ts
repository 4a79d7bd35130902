/**
 * The room's linking (issue 11, scope item 5): link suggestions computed from the live document
 * with the core Linker against the site inventory of the room's brief, each anchor stored as a
 * relative Yjs range (so it follows the editors' typing), and a suggestion applied to the live
 * document in one transaction only while its anchor text is still there (core/draft/locate.ts).
 */
import { and, eq } from 'drizzle-orm';
import type * as Y from 'yjs';
import { draftBlocks, draftFragment } from '../../core/draft';
import { applyLink, createLocator, decodeRange, encodeRange, resolveRange } from '../../core/draft/locate';
import { markName } from '../../core/draft/yjs';
import { type RoomBrief, scorerMeta } from '../../core/draft-score';
import { type InventoryPage, type LinkSuggestion, linkCandidates, suggestLinks, urlKey } from '../../core/linker';
import { readSource } from '../../core/linker/anchors';
import { langOf } from '../../core/optimizer/language';
import { sitePages } from '../../core/schema/shard';
import { shardDb } from '../../worker/db/shards';
import type { Env } from '../../worker/env';
import type { DraftTarget } from './projection';
import type { LinkSuggestOptions, LinkToApply, RoomLinkSuggestion, RoomLinkSuggestions } from './protocol';

/** Transaction origin of an accepted link (not a socket: every editor receives the change). */
export const LINKER_ORIGIN = 'linker';

/** The draft's own page in the inventory (written by its projection). */
export type SourcePage = {
  id: number;
  url: string;
  clusterId: number | null;
  status: string;
  scheduledAt: number | null;
};

export async function sourcePageOf(env: Env, target: DraftTarget): Promise<SourcePage | null> {
  const row = await shardDb(env, target.shard)
    .select({
      id: sitePages.id,
      url: sitePages.url,
      cluster_id: sitePages.cluster_id,
      status: sitePages.status,
      scheduled_at: sitePages.scheduled_at,
    })
    .from(sitePages)
    .where(
      and(
        eq(sitePages.account_id, target.accountId),
        eq(sitePages.site_id, target.siteId),
        eq(sitePages.kind, 'content'),
        eq(sitePages.ref_id, target.contentId),
      ),
    )
    .get();
  if (!row) return null;
  const { cluster_id, scheduled_at, ...rest } = row;
  return { ...rest, clusterId: cluster_id, scheduledAt: scheduled_at ? scheduled_at.getTime() : null };
}

/**
 * Which pages a link from this source may point to. A published source goes live with the link at
 * once, so a page that is only scheduled is not a target yet; a scheduled source must find its
 * targets live by its own date (core's `publishedAt` rule); an unscheduled draft links to both.
 */
function targetsFor(inventory: readonly InventoryPage[], source: SourcePage | null, only?: readonly string[]) {
  const wanted = only ? new Set(only) : null;
  return inventory.filter(
    (p) => (!wanted || wanted.has(p.id)) && !(source?.status === 'published' && p.status !== 'published'),
  );
}

/** Suggestions (and, for an AI pass, every allowed candidate) for the draft as it is now. */
export function suggestFromDoc(
  doc: Y.Doc,
  brief: RoomBrief,
  source: SourcePage | null,
  options: LinkSuggestOptions,
): RoomLinkSuggestions {
  const fragment = draftFragment(doc);
  const locator = createLocator(fragment);
  const { editor } = brief;
  // onlyTargets narrows the inventory itself (inbound mode): over the whole site the cap could
  // fill with other pages before the article the job links to.
  const narrowed = options.onlyTargets !== undefined || source?.status === 'published';
  const inventory = narrowed ? targetsFor(brief.inventory, source, options.onlyTargets) : brief.inventory;
  const input = {
    source: {
      id: source ? String(source.id) : '',
      url: source?.url ?? null,
      clusterId: source?.clusterId == null ? null : String(source.clusterId),
      blocks: locator.blocks,
      meta: scorerMeta(doc, editor.language),
      publishedAt: source?.status === 'scheduled' ? source.scheduledAt : null,
    },
    inventory,
    settings: { maxLinks: options.maxLinks, siteOrigin: editor.site_origin },
  };
  const pages = new Map(brief.inventory.map((p) => [p.id, p]));
  const toRoom = (s: LinkSuggestion): RoomLinkSuggestion | null => {
    const range = locator.relativeRange(s.anchor);
    if (!range) return null;
    return {
      target_page_id: Number(s.targetId),
      target_url: s.url,
      target_title: pages.get(s.targetId)?.title ?? '',
      anchor_text: s.anchor.text,
      range: encodeRange(range),
      score: s.score,
      reason: s.reason,
      anchor: { path: [...s.anchor.path], from: s.anchor.from, to: s.anchor.to },
    };
  };
  const present = (s: RoomLinkSuggestion | null): s is RoomLinkSuggestion => s !== null;
  const candidates = options.candidates ? linkCandidates(input) : null;
  return {
    source_page_id: source?.id ?? null,
    suggestions: suggestLinks(input).map(toRoom).filter(present),
    candidates: candidates && { cap: candidates.cap, offered: candidates.offered.map(toRoom).filter(present) },
  };
}

/** Whether the range's text already carries a link to `href` throughout (the same suggestion accepted before). */
function alreadyLinked(doc: Y.Doc, link: LinkToApply, range: NonNullable<ReturnType<typeof decodeRange>>): boolean {
  const now = resolveRange(doc, range);
  if (!now || now.content !== link.expectedText) return false;
  let at = 0;
  let covered = 0;
  for (const op of now.text.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]) {
    const n = typeof op.insert === 'string' ? op.insert.length : 1;
    const lo = Math.max(at, now.index);
    const hi = Math.min(at + n, now.index + now.length);
    if (lo < hi) {
      const linked = Object.entries(op.attributes ?? {}).some(
        ([key, value]) => markName(key) === 'link' && (value as { href?: unknown } | null)?.href === link.href,
      );
      if (!linked) return false;
      covered += hi - lo;
    }
    at += n;
  }
  return covered === now.length;
}

/**
 * Puts the suggested link into the live document: 'applied' when it lands (or had landed already:
 * accepting twice is one link), 'stale' when the anchor text changed, moved into a heading, link
 * or code, or the draft already links to that page elsewhere (one link per target).
 */
export function applyLinkToDoc(
  doc: Y.Doc,
  link: LinkToApply,
  language: string,
  siteOrigin: string | null,
): 'applied' | 'stale' {
  const range = decodeRange(link.range);
  if (!range) return 'stale';
  if (alreadyLinked(doc, link, range)) return 'applied';
  const key = urlKey(link.href, siteOrigin);
  const { links } = readSource(draftBlocks(draftFragment(doc)), langOf(language));
  if (links.some((l) => urlKey(l.href, siteOrigin) === key)) return 'stale';
  return applyLink(doc, range, { expectedText: link.expectedText, href: link.href }, LINKER_ORIGIN);
}
