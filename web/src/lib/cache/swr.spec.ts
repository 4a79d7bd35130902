import { beforeEach, describe, expect, it } from 'vitest';
import { MAX_ENTRIES, MAX_STALE_MS, cacheKey, clearCache, forget, peek, remember, revalidate } from './swr';

describe('stale-while-revalidate cache', () => {
  beforeEach(() => clearCache());

  it('shows the remembered value first, then the fresh one', async () => {
    const key = cacheKey('u1:a1', '/planner/keywords?page=1');
    remember(key, ['old']);
    const shown: [string[], boolean][] = [];
    await revalidate(
      key,
      async () => ['new'],
      (v, stale) => shown.push([v, stale]),
    );
    expect(shown).toEqual([
      [['old'], true],
      [['new'], false],
    ]);
    expect(peek(key)).toEqual(['new']);
  });

  it('never shows one scope’s entries to another (another user or account in the same tab)', () => {
    remember(cacheKey('u1:a1', '/keywords'), ['mine']);
    expect(peek(cacheKey('u2:a2', '/keywords'))).toBeUndefined();
  });

  it('drops an answer that arrives after the caller moved on', async () => {
    const key = cacheKey('s', '/x');
    const shown: unknown[] = [];
    await revalidate(
      key,
      async () => 'late',
      (v) => shown.push(v),
      () => false,
    );
    expect(shown).toEqual([]);
    expect(peek(key)).toBeUndefined();
  });

  it('keeps the stale value shown when the load fails', async () => {
    const key = cacheKey('s', '/x');
    remember(key, 'old');
    const shown: unknown[] = [];
    await expect(
      revalidate(
        key,
        () => Promise.reject(new Error('offline')),
        (v) => shown.push(v),
      ),
    ).rejects.toThrow();
    expect(shown).toEqual(['old']);
  });

  it('forgets entries too old to show, and a resource after a write', () => {
    remember(cacheKey('s', '/a'), 1, 0);
    expect(peek(cacheKey('s', '/a'), MAX_STALE_MS + 1)).toBeUndefined();
    remember(cacheKey('s', '/planner/keywords?page=2'), 2);
    remember(cacheKey('t', '/planner/keywords?page=1'), 3);
    remember(cacheKey('s', '/planner/clusters'), 4);
    forget('/planner/keywords');
    expect(peek(cacheKey('s', '/planner/keywords?page=2'))).toBeUndefined();
    expect(peek(cacheKey('t', '/planner/keywords?page=1'))).toBeUndefined();
    expect(peek(cacheKey('s', '/planner/clusters'))).toBe(4);
  });

  it('is bounded, evicting the least recently stored', () => {
    for (let i = 0; i <= MAX_ENTRIES; i++) remember(cacheKey('s', `/p${i}`), i);
    expect(peek(cacheKey('s', '/p0'))).toBeUndefined();
    expect(peek(cacheKey('s', `/p${MAX_ENTRIES}`))).toBe(MAX_ENTRIES);
  });
});
