import { beforeEach, describe, expect, it } from 'vitest';
import { loadLatest, setCacheScope } from './load';
import { clearCache } from './swr';

const deferred = <T>() => {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('loadLatest', () => {
  beforeEach(() => {
    clearCache();
    setCacheScope(() => 'user-1:account-1');
  });

  it('drops an answer that comes back after the inputs moved on', async () => {
    const shown: string[] = [];
    const slow = deferred<string>();
    const stop = loadLatest(
      () => slow.promise,
      (v) => shown.push(v),
    );
    stop(); // the site changed: this effect was cleaned up
    loadLatest(
      () => Promise.resolve('site 2'),
      (v) => shown.push(v),
    );
    slow.resolve('site 1');
    await tick();
    expect(shown).toEqual(['site 2']);
  });

  it('reports a failure only while current', async () => {
    const errors: string[] = [];
    loadLatest(
      () => Promise.reject(new Error('boom')),
      () => {},
      { error: (m) => errors.push(m) },
    );
    const stop = loadLatest(
      () => Promise.reject(new Error('late')),
      () => {},
      { error: (m) => errors.push(m) },
    );
    stop();
    await tick();
    expect(errors).toHaveLength(1);
  });

  it('shows the last answer at once on return, then the fresh one', async () => {
    loadLatest(
      () => Promise.resolve(['a']),
      () => {},
      { cache: 'rules:1' },
    );
    await tick();
    const shown: [string[], boolean][] = [];
    const fresh = deferred<string[]>();
    loadLatest(
      () => fresh.promise,
      (v, stale) => shown.push([v, stale]),
      { cache: 'rules:1' },
    );
    expect(shown).toEqual([[['a'], true]]); // before any network answer
    fresh.resolve(['a', 'b']);
    await tick();
    expect(shown).toEqual([
      [['a'], true],
      [['a', 'b'], false],
    ]);
  });

  it('never shows one user the cached answer of another', async () => {
    loadLatest(
      () => Promise.resolve('secret'),
      () => {},
      { cache: 'report:1' },
    );
    await tick();
    setCacheScope(() => 'user-2:account-2');
    const shown: string[] = [];
    loadLatest(
      () => new Promise<string>(() => {}),
      (v) => shown.push(v),
      { cache: 'report:1' },
    );
    expect(shown).toEqual([]);
  });
});
