/**
 * Terms: the brief's keywords, each with an importance and a count range scaled by the draft's
 * length. Importance comes from the source (primary keyword first, then the idea's target
 * keywords, secondary keywords, the cluster's keywords by search volume) and, when the site
 * inventory's statistics are given, from how distinctive the term is across the site's own pages
 * (TF-IDF's idf: a term on every page of the site tells a reader little about this one).
 */
import { check, listOf } from './check';
import type { Doc } from './document';
import { type Lang, phraseStems } from './language';
import { contentTokens, occurrencesIn } from './match';
import type { Check, DraftMeta, InventoryStats, ScoreBrief, TermResult, TermSource, Where } from './types';

const MAX_TERMS = 30;
const SOURCE_RANK: Record<TermSource, number> = { primary: 0, target: 1, secondary: 2, cluster: 3 };

type Candidate = { term: string; key: string; stems: readonly string[]; source: TermSource; importance: number };

const round3 = (x: number) => Math.round(x * 1000) / 1000;

function distinctiveness(key: string, inventory: InventoryStats | null): number {
  if (!inventory || inventory.pages <= 0) return 1;
  const df = Math.min(inventory.documentFrequency[key] ?? 0, inventory.pages);
  // idf normalised to 0–1 over this site (0: on every page, 1: on none), kept above one half so
  // the brief's own keywords always count.
  return 0.5 + (0.5 * Math.log((inventory.pages + 1) / (df + 1))) / Math.log(inventory.pages + 1);
}

function candidates(meta: DraftMeta, brief: ScoreBrief, lang: Lang): Candidate[] {
  const maxVolume = Math.max(0, ...brief.clusterKeywords.map((k) => k.volume));
  const raw: Omit<Candidate, 'key' | 'stems'>[] = [
    { term: meta.primaryKeyword, source: 'primary', importance: 1 },
    ...brief.targetKeywords.map((term) => ({ term, source: 'target' as const, importance: 0.9 })),
    ...meta.secondaryKeywords.map((term) => ({ term, source: 'secondary' as const, importance: 0.8 })),
    ...brief.clusterKeywords.map((k) => ({
      term: k.keyword,
      source: 'cluster' as const,
      importance: 0.3 + (maxVolume > 0 ? (0.5 * Math.log1p(Math.max(0, k.volume))) / Math.log1p(maxVolume) : 0),
    })),
  ];
  const byKey = new Map<string, Candidate>();
  for (const r of raw) {
    const stems = phraseStems(r.term, lang);
    const key = stems.join(' ');
    if (!key) continue;
    const factor = r.source === 'primary' ? 1 : distinctiveness(key, brief.inventory);
    const c = { ...r, term: r.term.trim(), key, stems, importance: round3(r.importance * factor) };
    const seen = byKey.get(key);
    if (
      !seen ||
      c.importance > seen.importance ||
      (c.importance === seen.importance && SOURCE_RANK[c.source] < SOURCE_RANK[seen.source])
    )
      byKey.set(key, c);
  }
  return [...byKey.values()]
    .sort(
      (a, b) =>
        b.importance - a.importance ||
        SOURCE_RANK[a.source] - SOURCE_RANK[b.source] ||
        (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
    )
    .slice(0, MAX_TERMS);
}

/** How often a term should appear: density by importance, scaled by length (300 words at least). */
export function expectedRange(words: number, importance: number, phraseLength: number) {
  const thousands = Math.max(words, 300) / 1000;
  const min = Math.max(1, Math.round((thousands * 4 * importance) / phraseLength));
  const max = Math.max(min + 2, Math.round((thousands * 12 * importance) / phraseLength) + 1);
  return { min, max };
}

export function scoreTerms(doc: Doc, meta: DraftMeta, brief: ScoreBrief): { checks: Check[]; terms: TermResult[] } {
  const list = candidates(meta, brief, doc.lang);
  if (!list.length) return { checks: [], terms: [] };
  const prose = doc.blocks.filter((b) => b.kind !== 'code');
  const terms: TermResult[] = [];
  const overused: { term: string; places: Where[] }[] = [];
  let earned = 0;
  let possible = 0;
  for (const c of list) {
    const places: Where[] = [];
    for (const b of prose)
      for (const o of occurrencesIn(contentTokens(b), c.stems)) places.push({ block: b.path, ...o });
    const range = expectedRange(doc.words, c.importance, c.stems.length);
    terms.push({ term: c.term, source: c.source, importance: c.importance, count: places.length, range });
    possible += c.importance;
    earned +=
      c.importance * (places.length === 0 ? 0 : places.length < range.min || places.length > range.max ? 0.5 : 1);
    if (places.length > range.max) overused.push({ term: c.term, places: places.slice(range.max) });
  }
  const share = doc.words === 0 ? 0 : earned / possible;
  const missing = terms.filter((t) => t.count === 0).map((t) => t.term);
  const few = terms.filter((t) => t.count > 0 && t.count < t.range.min).map((t) => t.term);
  const coverage = check({
    id: 'terms.coverage',
    category: 'terms',
    max: 25,
    share,
    light: share >= 0.75 ? 'green' : share >= 0.4 ? 'amber' : 'red',
    message: missing.length
      ? `Use ${listOf(missing)}`
      : few.length
        ? `Use ${listOf(few)} a little more`
        : `All ${terms.length} terms are used in the expected range`,
  });
  const overuse = check({
    id: 'terms.overuse',
    category: 'terms',
    max: 5,
    share: doc.words === 0 ? 0 : 1 - overused.length / 2,
    message:
      doc.words === 0
        ? 'Write some text first'
        : overused.length
          ? `${listOf(overused.map((o) => o.term))} used more often than the brief expects`
          : 'No term is overused',
    places: overused.flatMap((o) => o.places),
  });
  return { checks: [coverage, overuse], terms };
}
