import { describe, expect, it } from 'vitest';
import { fullJitterDelay, KeyLimiter, LocalKeyBudget } from './limiter';

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

describe('KeyLimiter state', () => {
  it('comes back whole from what was stored, and never stores the key itself', () => {
    const l = new KeyLimiter();
    const config = { apiKey: 'sk-secret', maxConcurrency: 2, requestsPerMinute: 6000 };
    expect(l.tryAcquire('k', config, 0).ok).toBe(true);
    const stored = JSON.parse(JSON.stringify(l.stateOf('k')));
    expect(JSON.stringify(stored)).not.toContain('sk-secret');
    const revived = new KeyLimiter();
    revived.restore('k', stored);
    expect(revived.tryAcquire('k', budget, 1).ok).toBe(true);
    expect(revived.tryAcquire('k', { maxConcurrency: 2, requestsPerMinute: 6000 }, 1)).toEqual({
      ok: false,
      retryAt: null,
    });
  });
});

describe('LocalKeyBudget', () => {
  const limits = { maxConcurrency: 1, requestsPerMinute: 6000 };
  const key = { accountId: 1, keyId: 'k' };

  it('gives each account its own budget for the same key', async () => {
    const b = new LocalKeyBudget();
    expect((await b.tryAcquire(key, limits, 0)).ok).toBe(true);
    expect(await b.tryAcquire(key, limits, 0)).toEqual({ ok: false, retryAt: null });
    expect((await b.tryAcquire({ accountId: 2, keyId: 'k' }, limits, 0)).ok).toBe(true);
  });

  it('frees a slot once however often its lease is released', async () => {
    const b = new LocalKeyBudget();
    const wide = { maxConcurrency: 2, requestsPerMinute: 6000 };
    const first = await b.tryAcquire(key, wide, 0);
    await b.tryAcquire(key, wide, 0);
    if (!first.ok) throw new Error('no slot');
    await b.release(key, first.lease, 'ok', 1, null);
    await b.release(key, first.lease, 'ok', 1, null);
    expect((await b.tryAcquire(key, wide, 2)).ok).toBe(true);
    expect(await b.tryAcquire(key, wide, 2)).toEqual({ ok: false, retryAt: null });
  });
});

describe('fullJitterDelay', () => {
  it('stays within [0, min(cap, base·2^attempt)]', () => {
    expect(fullJitterDelay(3, () => 0.999999)).toBe(3999);
    expect(fullJitterDelay(3, () => 0)).toBe(0);
    expect(fullJitterDelay(20, () => 0.5)).toBe(15_000);
  });
});
