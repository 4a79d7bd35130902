import { describe, expect, it } from 'vitest';
import { bucketsBetween, defaultRange, pivot } from './series';

describe('usage series for the chart', () => {
  it('lists every day and month of a range, across month and year ends', () => {
    expect(bucketsBetween('day', '2026-02-27', '2026-03-02')).toEqual([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
      '2026-03-02',
    ]);
    expect(bucketsBetween('month', '2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
  });

  it('stacks each bucket by key, keys by total, empty buckets kept, usage without a site as its own key', () => {
    const rows = [
      { bucket: '2026-12-01', key: '7', name: 'Blog', credits: 3, cost_usd: 0.1, calls: 1 },
      { bucket: '2026-12-01', key: null, name: null, credits: 1, cost_usd: 0, calls: 1 },
      { bucket: '2026-12-03', key: '7', name: 'Blog', credits: 6, cost_usd: 0.2, calls: 2 },
    ];
    const out = pivot(rows, ['2026-12-01', '2026-12-02', '2026-12-03'], (r) => r.name ?? 'No site');
    expect(out.keys.map((k) => [k.label, k.credits])).toEqual([
      ['Blog', 9],
      ['No site', 1],
    ]);
    expect(out.columns.map((c) => c.total)).toEqual([4, 0, 6]);
    expect(out.columns[0]!.parts).toEqual([
      { key: '7', credits: 3 },
      { key: '∅', credits: 1 },
    ]);
    expect(out.totals).toEqual({ credits: 10, cost_usd: expect.closeTo(0.3), calls: 4 });
  });

  it('defaults to the last 30 days or 12 months', () => {
    const now = Date.parse('2026-12-02T10:00:00Z');
    expect(defaultRange('day', now)).toEqual({ since: '2026-11-03', until: '2026-12-02' });
    expect(defaultRange('month', now)).toEqual({ since: '2026-01', until: '2026-12' });
  });
});
