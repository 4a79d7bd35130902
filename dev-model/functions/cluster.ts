/**
 * auto_cluster: real lexical clustering of keywords.
 *
 * 1. Each keyword becomes a set of significant stems (normalised, stopwords and intent modifiers
 *    dropped, light stemming). Terms are weighted by IDF over the input, so a word shared by every
 *    keyword ("garden" in a gardening list) counts for little.
 * 2. Average-linkage agglomeration on weighted Jaccard similarity, seeded in order of volume (the
 *    highest-volume keyword first), never growing a cluster past MAX_SIZE.
 * 3. With ≥ 3 keywords, clusters smaller than MIN_SIZE are merged into their nearest cluster that
 *    has room (or take members from a large one), so every cluster has MIN_SIZE..MAX_SIZE keywords.
 * 4. Names come from the n-gram of stems most members share, shown with the commonest surface form.
 *
 * Every input keyword lands in exactly one cluster and is echoed exactly as given.
 */
import { listJoin, significantTerms, titleCase, keywordString, asArray, asString, plainQuotes } from '../text.ts';

export const MIN_SIZE = 3;
export const MAX_SIZE = 10;
/** Average similarity needed to merge in the first phase. */
const MERGE_THRESHOLD = 0.15;
/** Larger inputs are clustered in chunks of this many keywords (keeps the O(n³) step small). */
const CHUNK = 250;

export interface ClusterOut {
  name: string;
  description: string;
  keywords: string[];
}

interface Item {
  keyword: string;
  volume: number;
  index: number;
  stems: string[]; // significant stems in order (may repeat)
  surf: string[]; // the surface word for each stem
  set: Set<string>;
  surfaces: Map<string, string>;
}

export function autoCluster(input: unknown): { clusters: ClusterOut[] } {
  const obj = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const rawList = Array.isArray(input) ? input : asArray(obj.keywords);
  const sector = asString(obj.sector).trim();

  const seen = new Set<string>();
  const items: Item[] = [];
  for (const raw of rawList) {
    const kw = keywordString(raw);
    if (kw === null || kw.trim() === '' || seen.has(kw)) continue;
    seen.add(kw);
    const vol = raw && typeof raw === 'object' ? Number((raw as Record<string, unknown>).volume) : NaN;
    const terms = significantTerms(kw);
    const stems = terms.length ? terms.map((t) => t.stem) : [kw.trim().toLowerCase()];
    const surfaces = new Map<string, string>();
    for (const t of terms) if (!surfaces.has(t.stem)) surfaces.set(t.stem, t.surface);
    // Unigrams plus adjacent bigrams, so shared phrases ("raised bed", "pest control") weigh more.
    const set = new Set(stems);
    for (let i = 0; i + 1 < stems.length; i++) set.add(`${stems[i]} ${stems[i + 1]}`);
    const surf = terms.length ? terms.map((t) => t.surface) : stems;
    items.push({
      keyword: kw,
      volume: Number.isFinite(vol) ? vol : 0,
      index: items.length,
      stems,
      surf,
      set,
      surfaces,
    });
  }
  if (items.length === 0) return { clusters: [] };

  // IDF weights over the whole input.
  const df = new Map<string, number>();
  for (const it of items) for (const s of it.set) df.set(s, (df.get(s) ?? 0) + 1);
  const n = items.length;
  const weight = (s: string) => Math.log(1 + n / (df.get(s) ?? 1));
  const sim = (a: Item, b: Item): number => {
    let inter = 0;
    let union = 0;
    for (const s of a.set) {
      const w = weight(s);
      union += w;
      if (b.set.has(s)) inter += w;
    }
    for (const s of b.set) if (!a.set.has(s)) union += weight(s);
    return union > 0 ? inter / union : 0;
  };

  // Seed order: highest volume first, then input order.
  const ordered = items.slice().sort((a, b) => b.volume - a.volume || a.index - b.index);
  let groups: Item[][] = [];
  for (let start = 0; start < ordered.length; start += CHUNK) {
    groups.push(...agglomerate(ordered.slice(start, start + CHUNK), sim));
  }
  if (n >= MIN_SIZE) groups = enforceSizes(groups, sim);

  const clusters = groups
    .map((g) => g.slice().sort((a, b) => b.volume - a.volume || a.index - b.index))
    .sort((a, b) => total(b) - total(a) || a[0]!.index - b[0]!.index);

  const used = new Set<string>();
  return {
    clusters: clusters.map((members) => {
      let name = clusterName(members);
      if (used.has(nameKey(name))) name = disambiguate(name, members, used);
      used.add(nameKey(name));
      return { name, description: describe(name, members, sector), keywords: members.map((m) => m.keyword) };
    }),
  };
}

function total(g: Item[]): number {
  return g.reduce((s, it) => s + it.volume, 0);
}

/** Average-linkage agglomerative clustering with a size cap (Lance–Williams update). */
function agglomerate(items: Item[], sim: (a: Item, b: Item) => number): Item[][] {
  const k = items.length;
  const groups: (Item[] | null)[] = items.map((it) => [it]);
  const S: number[][] = items.map((a) => items.map((b) => (a === b ? 0 : sim(a, b))));
  for (;;) {
    let bi = -1;
    let bj = -1;
    let best = MERGE_THRESHOLD;
    for (let i = 0; i < k; i++) {
      const gi = groups[i];
      if (!gi) continue;
      for (let j = i + 1; j < k; j++) {
        const gj = groups[j];
        if (!gj || gi.length + gj.length > MAX_SIZE) continue;
        const s = S[i]![j]!;
        if (s > best + 1e-12) {
          best = s;
          bi = i;
          bj = j;
        }
      }
    }
    if (bi < 0) break;
    const a = groups[bi]!;
    const b = groups[bj]!;
    for (let x = 0; x < k; x++) {
      if (!groups[x] || x === bi || x === bj) continue;
      const v = (a.length * S[bi]![x]! + b.length * S[bj]![x]!) / (a.length + b.length);
      S[bi]![x] = v;
      S[x]![bi] = v;
    }
    groups[bi] = a.concat(b);
    groups[bj] = null;
  }
  return groups.filter((g): g is Item[] => g !== null);
}

function avgSim(a: Item[], b: Item[], sim: (x: Item, y: Item) => number): number {
  let s = 0;
  for (const x of a) for (const y of b) s += sim(x, y);
  return s / (a.length * b.length);
}

/** Make every cluster MIN_SIZE..MAX_SIZE (possible whenever there are ≥ MIN_SIZE keywords). */
function enforceSizes(input: Item[][], sim: (a: Item, b: Item) => number): Item[][] {
  const groups = input.map((g) => g.slice());
  for (let guard = 0; guard < 10_000; guard++) {
    const si = groups.findIndex((g) => g.length < MIN_SIZE);
    if (si < 0 || groups.length === 1) break;
    const small = groups[si]!;
    // Nearest cluster with room; with no similarity at all, prefer another small group (an honest
    // "misc" cluster) over polluting a coherent one, then the smallest.
    let target = -1;
    let key: [number, number, number] = [-1, -1, -1];
    for (let t = 0; t < groups.length; t++) {
      if (t === si) continue;
      const g = groups[t]!;
      if (g.length + small.length > MAX_SIZE) continue;
      const cand: [number, number, number] = [avgSim(small, g, sim), g.length < MIN_SIZE ? 1 : 0, -g.length];
      if (
        cand[0] > key[0] + 1e-12 ||
        (Math.abs(cand[0] - key[0]) <= 1e-12 && (cand[1] > key[1] || (cand[1] === key[1] && cand[2] > key[2])))
      ) {
        key = cand;
        target = t;
      }
    }
    if (target >= 0) {
      groups[target] = groups[target]!.concat(small);
      groups.splice(si, 1);
      continue;
    }
    // Every other cluster is (nearly) full: take the member of the largest cluster closest to the small one.
    let li = -1;
    for (let t = 0; t < groups.length; t++) if (t !== si && (li < 0 || groups[t]!.length > groups[li]!.length)) li = t;
    const large = groups[li]!;
    let mi = 0;
    let ms = -1;
    for (let m = 0; m < large.length; m++) {
      const s = avgSim([large[m]!], small, sim);
      if (s > ms) {
        ms = s;
        mi = m;
      }
    }
    small.push(large.splice(mi, 1)[0]!);
  }
  return groups;
}

/** The n-gram of stems shared by the most members, shown with the commonest surface forms. */
function clusterName(members: Item[]): string {
  const size = members.length;
  const counts = new Map<string, { n: number; len: number; firstSeen: number }>();
  let order = 0;
  for (const m of members) {
    const grams = new Set<string>();
    for (let len = 1; len <= 4; len++) {
      for (let i = 0; i + len <= m.stems.length; i++) grams.add(m.stems.slice(i, i + len).join(' '));
    }
    for (const g of grams) {
      const c = counts.get(g);
      if (c) c.n++;
      else counts.set(g, { n: 1, len: g.split(' ').length, firstSeen: order++ });
    }
  }
  let best: string | null = null;
  let bestScore = 0;
  let bestSeen = Infinity;
  for (const [g, c] of counts) {
    if (c.n < 2 || c.n < size * 0.3) continue;
    const score = c.n * (1 + 0.8 * (c.len - 1));
    if (score > bestScore + 1e-9 || (Math.abs(score - bestScore) <= 1e-9 && c.firstSeen < bestSeen)) {
      best = g;
      bestScore = score;
      bestSeen = c.firstSeen;
    }
  }
  const phrase = best ? phraseFor(best, members) : members[0]!.surf.slice(0, 4).join(' ');
  const name = titleCase(phrase) || titleCase(members[0]!.keyword);
  return plainQuotes(name).slice(0, 100);
}

/** The commonest surface wording of a stem n-gram among the members ("companion planting"). */
function phraseFor(gram: string, members: Item[]): string {
  const parts = gram.split(' ');
  const tally = new Map<string, number>();
  for (const m of members) {
    for (let i = 0; i + parts.length <= m.stems.length; i++) {
      if (m.stems.slice(i, i + parts.length).join(' ') !== gram) continue;
      const p = m.surf.slice(i, i + parts.length).join(' ');
      tally.set(p, (tally.get(p) ?? 0) + 1);
      break;
    }
  }
  const sorted = [...tally].sort((a, b) => b[1] - a[1] || a[0].length - b[0].length || (a[0] < b[0] ? -1 : 1));
  return sorted[0]?.[0] ?? parts.map((s) => surfaceFor(s, members)).join(' ');
}

function surfaceFor(stem: string, members: Item[]): string {
  const tally = new Map<string, number>();
  for (const m of members) {
    const s = m.surfaces.get(stem);
    if (s) tally.set(s, (tally.get(s) ?? 0) + 1);
  }
  const sorted = [...tally].sort((a, b) => b[1] - a[1] || a[0].length - b[0].length || (a[0] < b[0] ? -1 : 1));
  return sorted[0]?.[0] ?? stem;
}

function disambiguate(name: string, members: Item[], used: Set<string>): string {
  const nameStems = new Set(significantTerms(name).map((t) => t.stem));
  const tally = new Map<string, number>();
  for (const m of members) for (const s of m.stems) if (!nameStems.has(s)) tally.set(s, (tally.get(s) ?? 0) + 1);
  const extra = [...tally].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  for (const [s] of extra) {
    const cand = `${name} ${titleCase(surfaceFor(s, members))}`;
    if (!used.has(nameKey(cand))) return cand;
  }
  for (let i = 2; ; i++) if (!used.has(nameKey(`${name} ${i}`))) return `${name} ${i}`;
}

/** Names that differ only by inflection ("Plant" / "Plants") count as the same name. */
function nameKey(name: string): string {
  return significantTerms(name)
    .map((t) => t.stem)
    .join(' ');
}

function describe(name: string, members: Item[], sector: string): string {
  const shown = members.slice(0, 3).map((m) => `'${plainQuotes(m.keyword.trim())}'`);
  const more = members.length > 3 ? ` and ${members.length - 3} more` : '';
  const list = more ? `${shown.join(', ')}${more}` : listJoin(shown);
  const where = sector ? ` in the ${plainQuotes(sector)} sector` : '';
  const noun = members.length === 1 ? 'keyword' : 'keywords';
  return `Groups ${members.length} ${noun} about ${name.toLowerCase()}${where}, including ${list}.`;
}
