/**
 * Outbound link suggestions for one source: rank the inventory by BM25 over prominent terms and
 * titles (boosted for the source's cluster, hub pages and orphans), keep the pages a link may point
 * to, and give each the first free place in the text that spells its keyword or title words.
 * The hard rules live in `isLinkable`, `anchorsFor` and the greedy pick; the invariant specs check
 * every output against them.
 */
import { langOf } from '../optimizer/language';
import { isInternal } from '../optimizer/links';
import { holdsKeyword, placesOf, readSource, type SourceText, targetPhrases } from './anchors';
import { search, searchIndex } from './bm25';
import { prominentTerms } from './terms';
import type { Anchor, InventoryPage, LinkerSettings, LinkSource, LinkSuggestion } from './types';
import { pageKey, urlKey } from './urls';

/** Bump when the same input would give other suggestions (stored suggestions say which version made them). */
export const LINKER_VERSION = 1;

const BOOST = { cluster: 1.5, hub: 1.2, orphan: 1.3 };
const BOOST_REASON = { cluster: 'same cluster', hub: 'hub page', orphan: 'orphan page' };
const WORDS_PER_LINK = 250;
/** Pages looked at for anchors, best first: the cap is at most 10, most pages have no anchor. */
const CANDIDATES = 60;

export type SuggestInput = { source: LinkSource; inventory: readonly InventoryPage[]; settings?: LinkerSettings };

/** Links per article: one per ~250 words, 2 to 10, never above the site's own ceiling. */
export function linkCap(words: number, maxLinks?: number): number {
  const ceiling = Math.max(0, Math.min(10, Math.floor(maxLinks ?? 10)));
  return Math.min(ceiling, Math.max(2, Math.round(words / WORDS_PER_LINK)));
}

const timeOf = (page: InventoryPage) => (page.status === 'published' ? page.publishedAt : page.scheduledAt);

/** A page a link from this source may point to: live (or scheduled) by the source's own publish time, not itself. */
export function isLinkable(page: InventoryPage, source: LinkSource, siteOrigin?: string | null): boolean {
  if (!isLive(page, source) || page.id === source.id) return false;
  return !source.url || pageKey(page.url, siteOrigin) !== pageKey(source.url, siteOrigin);
}

/** Published or scheduled, and (when the source's publish time is known) live by then. */
function isLive(page: InventoryPage, source: LinkSource): boolean {
  if (page.status !== 'published' && page.status !== 'scheduled') return false;
  if (source.publishedAt == null) return true;
  const at = timeOf(page);
  return at != null && at <= source.publishedAt;
}

type Ranked = { page: InventoryPage; score: number; boosts: (keyof typeof BOOST)[] };

function rank(input: SuggestInput, text: SourceText, linked: ReadonlySet<string>): Ranked[] {
  const { source, inventory, settings } = input;
  const origin = settings?.siteOrigin ?? null;
  const index = searchIndex(inventory, text.lang, origin);
  const scores = search(index, prominentTerms(source.blocks, source.meta));
  const own = source.url ? pageKey(source.url, origin) : null;
  const boosted = new Float64Array(scores.length);
  const eligible: number[] = [];
  for (const [i, bm25] of scores.entries()) {
    const page = inventory[i] as InventoryPage;
    const key = index.keys[i] as string;
    // isLinkable's rules, with the page keys computed once per inventory rather than per call.
    if (bm25 <= 0 || !isLive(page, source) || page.id === source.id || key === own || linked.has(key)) continue;
    boosted[i] = boostsOf(page, source).reduce((s, b) => s * BOOST[b], bm25);
    eligible.push(i);
  }
  const id = (i: number) => (inventory[i] as InventoryPage).id;
  eligible.sort(
    (a, b) => (boosted[b] as number) - (boosted[a] as number) || (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0),
  );
  // One link per page: two inventory rows at one address (a re-import, a moved post) are one target.
  const seen = new Set<string>();
  const unique = eligible.filter((i) => !seen.has(index.keys[i] as string) && seen.add(index.keys[i] as string));
  return unique.slice(0, CANDIDATES).map((i) => {
    const page = inventory[i] as InventoryPage;
    return { page, score: boosted[i] as number, boosts: boostsOf(page, source) };
  });
}

const boostsOf = (page: InventoryPage, source: LinkSource) =>
  [
    source.clusterId && page.clusterId === source.clusterId ? 'cluster' : null,
    page.isHub ? 'hub' : null,
    page.inboundCount === 0 ? 'orphan' : null,
  ].filter((b): b is keyof typeof BOOST => b !== null);

type Place = Anchor & { phrase: 'keyword' | 'title' };

/** Every place that may anchor a link to the page, keyword matches first, in document order. */
function anchorsFor(page: InventoryPage, source: LinkSource, text: SourceText): Place[] {
  const out: Place[] = [];
  for (const [k, stems] of targetPhrases(page.primaryKeyword, page.title, text.lang).entries())
    for (const { content, ...place } of placesOf(text, stems))
      if (!holdsKeyword(content, source.meta.primaryKeyword, text.lang))
        out.push({ ...place, phrase: k === 0 && page.primaryKeyword.trim() ? 'keyword' : 'title' });
  return out;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const reasonOf = (place: Place, boosts: Ranked['boosts']) =>
  [
    `${place.phrase === 'keyword' ? 'its keyword' : 'its title words'} “${place.text}”`,
    ...boosts.map((b) => BOOST_REASON[b]),
  ].join(' · ');

/** What an AI pass may choose among: allowed (target, place) pairs, several per target, and the cap. */
export type LinkCandidates = { cap: number; offered: readonly LinkSuggestion[] };

export function linkCandidates(input: SuggestInput, perTarget = 3): LinkCandidates {
  const { targets, cap } = collect(input);
  return {
    cap,
    offered: targets.flatMap(({ ranked, places }) => places.slice(0, perTarget).map((p) => suggestion(ranked, p))),
  };
}

function suggestion(ranked: Ranked, place: Place): LinkSuggestion {
  const { phrase: _, ...anchor } = place;
  const reason = reasonOf(place, ranked.boosts);
  return { targetId: ranked.page.id, url: ranked.page.url, anchor, score: round3(ranked.score), reason };
}

function collect(input: SuggestInput) {
  const lang = langOf(input.source.meta.language);
  const text = readSource(input.source.blocks, lang);
  const origin = input.settings?.siteOrigin ?? null;
  const internal = text.links.filter((l) => isInternal(l.href, origin));
  const linked = new Set(internal.map((l) => urlKey(l.href, origin)));
  const cap = Math.max(0, linkCap(text.words, input.settings?.maxLinks) - linked.size);
  const targets = rank(input, text, linked)
    .map((ranked) => ({ ranked, places: anchorsFor(ranked.page, input.source, text) }))
    .filter((t) => t.places.length);
  return { targets, cap };
}

/** The suggestions: at most the cap, one per target, best target first, no two anchors overlapping. */
export function suggestLinks(input: SuggestInput): LinkSuggestion[] {
  const { targets, cap } = collect(input);
  return pickFree(
    targets.flatMap(({ ranked, places }) => places.map((place) => suggestion(ranked, place))),
    cap,
  );
}

/** Greedy in the given order: skips a second link to a target, an overlapping anchor, anything past the cap. */
export function pickFree(offered: readonly LinkSuggestion[], cap: number): LinkSuggestion[] {
  const chosen: LinkSuggestion[] = [];
  const targets = new Set<string>();
  for (const s of offered) {
    if (chosen.length >= cap) break;
    if (targets.has(s.targetId)) continue;
    if (
      chosen.some(
        (c) => samePath(c.anchor.path, s.anchor.path) && c.anchor.from < s.anchor.to && s.anchor.from < c.anchor.to,
      )
    )
      continue;
    targets.add(s.targetId);
    chosen.push(s);
  }
  return chosen;
}

export const samePath = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);
