import { describe, expect, it } from 'vitest';
import { fullJitterDelay, KeyLimiter } from './limiter';

const budget = { maxConcurrency: 4, requestsPerMinute: 6000 };

describe('KeyLimiter', () => {
  it('bounds concurrency per key', () => {
    const l = new KeyLimiter();
    for (let i = 0; i < 4; i++) expect(l.tryAcquire('k', budget, 0).ok).toBe(true);
    expect(l.tryAcquire('k', budget, 0)).toEqual({ ok: false, retryAt: null });
    expect(l.tryAcquire('other', budget, 0).ok).toBe(true);
    l.release('k', 'ok', 1);
    expect(l.tryAcquire('k', budget, 1).ok).toBe(true);
  });

  /** Four calls, all answered 429: the key is overloaded. */
  const overload = (l: KeyLimiter, at: number, retryAfter: number) => {
    for (let i = 0; i < 4; i++) l.tryAcquire('k', budget, at);
    for (let i = 0; i < 4; i++) l.release('k', 'rate_limited', at, retryAfter);
  };

  it('lets a lone 429 delay only its own call (random 429s do not throttle a healthy key)', () => {
    const l = new KeyLimiter();
    for (let i = 0; i < 4; i++) {
      l.tryAcquire('k', budget, 0);
      l.release('k', 'ok', 0);
    }
    l.tryAcquire('k', budget, 0);
    l.release('k', 'rate_limited', 100, 2000);
    expect(l.snapshot('k')).toMatchObject({ limit: 4, coolDownUntil: 0 });
    expect(l.tryAcquire('k', budget, 101).ok).toBe(true);
  });

  it('halves concurrency and holds every call until Retry-After when 429s dominate', () => {
    const l = new KeyLimiter();
    overload(l, 100, 2000);
    expect(l.snapshot('k')).toMatchObject({ limit: 2, coolDownUntil: 2100 });
    expect(l.tryAcquire('k', budget, 2099)).toEqual({ ok: false, retryAt: 2100 });
    expect(l.tryAcquire('k', budget, 2100).ok).toBe(true);
  });

  it('grows the limit back one step per window of successes', () => {
    const l = new KeyLimiter();
    overload(l, 0, 0); // limit 2
    for (let i = 0; i < 2; i++) {
      l.tryAcquire('k', budget, 10);
      l.release('k', 'ok', 10);
    }
    expect(l.snapshot('k')?.limit).toBe(3);
  });

  it('spends a requests-per-minute budget', () => {
    const l = new KeyLimiter();
    const slow = { maxConcurrency: 10, requestsPerMinute: 2 };
    expect(l.tryAcquire('k', slow, 0).ok).toBe(true);
    l.release('k', 'ok', 0);
    expect(l.tryAcquire('k', slow, 0).ok).toBe(true);
    l.release('k', 'ok', 0);
    const third = l.tryAcquire('k', slow, 0);
    expect(third.ok).toBe(false);
    expect(!third.ok && third.retryAt).toBe(30_000);
  });
});

describe('fullJitterDelay', () => {
  it('stays within [0, min(cap, base·2^attempt)]', () => {
    expect(fullJitterDelay(3, () => 0.999999)).toBe(3999);
    expect(fullJitterDelay(3, () => 0)).toBe(0);
    expect(fullJitterDelay(20, () => 0.5)).toBe(15_000);
  });
});
