import { describe, expect, it } from 'vitest';
import type { Filter } from '../types';
import { readView, writeView, type ViewRules } from './url-state';

const filters: Filter[] = [
  { key: 'status', label: 'Status', allLabel: 'Any', options: [{ value: 'active', label: 'Active' }] },
  { key: 'cluster_id', label: 'Cluster', allLabel: 'Any', options: [{ value: 'none', label: 'No cluster' }] },
  { kind: 'range', key: 'volume', label: 'Volume', minKey: 'volume_min', maxKey: 'volume_max', min: 0 },
];
const rules: ViewRules = {
  filters,
  columns: [{ sortKey: 'volume' }, { sortKey: 'keyword' }, {}],
  defaultOrdering: '-volume',
  pageSizes: [10, 25, 50, 100],
  defaultPageSize: 25,
};

describe('table view in the URL', () => {
  it('round-trips search, filters, ordering, page and page size, keeping other parameters', () => {
    const view = {
      search: 'rose',
      filters: { status: 'active', cluster_id: '42', volume_min: '10', volume_max: '' },
      ordering: 'keyword',
      page: 3,
      pageSize: 50,
    };
    const url = writeView(new URL('https://app.test/planner/keywords?site_id=7'), view, rules);
    expect(url.searchParams.get('site_id')).toBe('7');
    expect(url.searchParams.has('volume_max')).toBe(false);
    expect(readView(url.searchParams, rules)).toEqual(view);
  });

  it('leaves defaults out of the address', () => {
    const view = readView(new URLSearchParams(), rules);
    expect(writeView(new URL('https://app.test/t'), view, rules).search).toBe('');
  });

  it('falls back to defaults for values the table does not offer', () => {
    const params = new URLSearchParams({
      status: 'exploded',
      cluster_id: 'abc',
      volume_min: '-5',
      ordering: '-__proto__',
      page: '0',
      page_size: '33',
    });
    expect(readView(params, rules)).toEqual({
      search: '',
      filters: { status: '', cluster_id: '', volume_min: '', volume_max: '' },
      ordering: '-volume',
      page: 1,
      pageSize: 25,
    });
  });
});
