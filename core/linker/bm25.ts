/**
 * Ranked search over the site inventory: Okapi BM25 with each page's prominent terms (their weights
 * as term frequencies) and its title words as the fields, the source's prominent terms as the
 * weighted query.
 *
 * Own implementation rather than a library: the npm ones (okapibm25, wink-bm25-text-search) take
 * raw strings and tokenise every document on each query — 5,000 pages per suggestion call — and
 * neither takes pre-stemmed, pre-weighted terms, which is what the inventory stores. An inverted
 * index in typed arrays, built once per inventory array (memoised), keeps a query to a few ms.
 */
import { isStopword, type Lang, stemOf } from '../optimizer/language';
import type { InventoryPage, PageTerm } from './types';
import { pageKey } from './urls';

const K1 = 1.2;
const B = 0.75;
/** A term of weight 1 counts as this many occurrences; a title word as TITLE_TF more. */
const WEIGHT_TF = 5;
const TITLE_TF = 2;

type Postings = { pages: Int32Array; tfs: Float64Array };
export type SearchIndex = {
  pages: readonly InventoryPage[];
  /** Each page's address key (`pageKey`), for the self and already-linked checks. */
  keys: readonly string[];
  postings: ReadonlyMap<string, Postings>;
  /** BM25's length normalisation per page: K1 · (1 − B + B · length / average length). */
  norms: Float64Array;
};

// Titles of 5,000 pages are split on letters rather than by Intl.Segmenter (10× cheaper, same
// words for the alphabetic languages the stemmer serves); anchors are still matched on segmented text.
const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’]*/gu;
const titleStems = (title: string, lang: Lang) =>
  (title.toLowerCase().match(WORD) ?? []).filter((w) => !isStopword(w, lang)).map((w) => stemOf(w, lang));

const indexes = new WeakMap<readonly InventoryPage[], Map<string, SearchIndex>>();

/** The index of an inventory, built on first use and kept while the caller keeps the same array. */
export function searchIndex(pages: readonly InventoryPage[], lang: Lang, siteOrigin: string | null): SearchIndex {
  let memo = indexes.get(pages);
  if (!memo) indexes.set(pages, (memo = new Map()));
  const key = `${lang} ${siteOrigin ?? ''}`;
  let index = memo.get(key);
  if (!index) memo.set(key, (index = buildIndex(pages, lang, siteOrigin)));
  return index;
}

function buildIndex(pages: readonly InventoryPage[], lang: Lang, siteOrigin: string | null): SearchIndex {
  const ids = new Map<string, number>();
  const lists: { pages: number[]; tfs: number[] }[] = [];
  const lengths = new Float64Array(pages.length);
  // One page's term frequencies by term id; `touched` lists the ids to flush and reset.
  let scratch = new Float64Array(1024);
  const touched: number[] = [];
  const add = (term: string, tf: number) => {
    let id = ids.get(term);
    if (id === undefined) {
      ids.set(term, (id = lists.length));
      lists.push({ pages: [], tfs: [] });
      if (id >= scratch.length) {
        const grown = new Float64Array(scratch.length * 2);
        grown.set(scratch);
        scratch = grown;
      }
    }
    if (scratch[id] === 0) touched.push(id);
    scratch[id] = (scratch[id] ?? 0) + tf;
  };
  let total = 0;
  for (const [i, page] of pages.entries()) {
    for (const t of page.terms) if (t.weight > 0) add(t.term, t.weight * WEIGHT_TF);
    for (const stem of titleStems(page.title, lang)) add(stem, TITLE_TF);
    for (const id of touched) {
      const list = lists[id] as { pages: number[]; tfs: number[] };
      list.pages.push(i);
      list.tfs.push(scratch[id] ?? 0);
      lengths[i] = (lengths[i] ?? 0) + (scratch[id] ?? 0);
      scratch[id] = 0;
    }
    touched.length = 0;
    total += lengths[i] ?? 0;
  }
  const average = pages.length && total ? total / pages.length : 1;
  const norms = lengths.map((length) => K1 * (1 - B + (B * length) / average));
  const postings = new Map<string, Postings>();
  for (const [term, id] of ids) {
    const list = lists[id] as { pages: number[]; tfs: number[] };
    postings.set(term, { pages: Int32Array.from(list.pages), tfs: Float64Array.from(list.tfs) });
  }
  return { pages, keys: pages.map((p) => pageKey(p.url, siteOrigin)), postings, norms };
}

/** BM25 score of every page (0 where no query term is found), by page index. */
export function search(index: SearchIndex, query: readonly PageTerm[]): Float64Array {
  const n = index.pages.length;
  const scores = new Float64Array(n);
  for (const { term, weight } of query) {
    const list = index.postings.get(term);
    if (!list || weight <= 0) continue;
    const df = list.pages.length;
    const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
    const factor = weight * idf * (K1 + 1);
    for (let k = 0; k < df; k++) {
      const page = list.pages[k] as number;
      const tf = list.tfs[k] as number;
      scores[page] = (scores[page] as number) + (factor * tf) / (tf + (index.norms[page] as number));
    }
  }
  return scores;
}
