/**
 * A table's view in the address bar (issue 14 item 9): search, filters, ordering, page and page
 * size live in the query string, so a reload, Back or a shared link shows the same rows. Values
 * read back are checked against what the table offers: anything else falls back to the default
 * (a hand-edited or stale link never ends in an API error).
 */
import type { Column, Filter } from '../types';

export interface TableView {
  search: string;
  filters: Record<string, string>;
  ordering: string;
  page: number;
  pageSize: number;
}

export interface ViewRules {
  filters: Filter[];
  columns: Pick<Column<unknown>, 'sortKey'>[];
  defaultOrdering: string;
  pageSizes: number[];
  defaultPageSize: number;
}

/** The query-string keys a table owns (others, such as site_id and sector_id, are left alone). */
export function ownedKeys(rules: Pick<ViewRules, 'filters'>): string[] {
  const filterKeys = rules.filters.flatMap((f) => (f.kind === 'range' ? [f.minKey, f.maxKey] : [f.key]));
  return ['search', 'ordering', 'page', 'page_size', ...filterKeys];
}

const wholeNumber = (value: string | null, min: number, max = Number.MAX_SAFE_INTEGER) => {
  if (value === null || !/^\d{1,15}$/.test(value)) return null;
  const n = Number(value);
  return n >= min && n <= max ? n : null;
};

/**
 * A select filter's value from the URL: one of its options, or (for an id filter whose options
 * arrive later, e.g. cluster names) a plain id.
 */
function filterValue(filter: Filter, value: string | null): string {
  if (!value || filter.kind === 'range') return '';
  if (filter.options.some((o) => String(o.value) === value)) return value;
  return filter.key.endsWith('_id') && /^\d{1,15}$/.test(value) ? value : '';
}

export function readView(params: URLSearchParams, rules: ViewRules): TableView {
  const filters: Record<string, string> = {};
  for (const f of rules.filters) {
    if (f.kind === 'range') {
      for (const key of [f.minKey, f.maxKey]) {
        const n = wholeNumber(params.get(key), f.min ?? 0, f.max);
        filters[key] = n === null ? '' : String(n);
      }
    } else filters[f.key] = filterValue(f, params.get(f.key));
  }
  const sortable = new Set(rules.columns.flatMap((c) => (c.sortKey ? [c.sortKey, `-${c.sortKey}`] : [])));
  const ordering = params.get('ordering') ?? '';
  const size = wholeNumber(params.get('page_size'), 1);
  return {
    search: (params.get('search') ?? '').trim().slice(0, 200),
    filters,
    ordering: sortable.has(ordering) ? ordering : rules.defaultOrdering,
    page: wholeNumber(params.get('page'), 1, 1_000_000) ?? 1,
    pageSize: size !== null && rules.pageSizes.includes(size) ? size : rules.defaultPageSize,
  };
}

/** The URL with the view written in: defaults are left out, so a plain table keeps a plain address. */
export function writeView(url: URL, view: TableView, rules: ViewRules): URL {
  const next = new URL(url);
  for (const key of ownedKeys(rules)) next.searchParams.delete(key);
  const set = (key: string, value: string, fallback = '') => {
    if (value !== fallback) next.searchParams.set(key, value);
  };
  set('search', view.search);
  for (const [key, value] of Object.entries(view.filters)) set(key, value);
  set('ordering', view.ordering, rules.defaultOrdering);
  set('page', String(view.page), '1');
  set('page_size', String(view.pageSize), String(rules.defaultPageSize));
  return next;
}
