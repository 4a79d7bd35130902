/**
 * Per provider-key budget inside one coordinator: bounded concurrency that halves on a 429 and
 * grows back one step per window of successes (AIMD), a requests-per-minute token bucket, and a
 * cool-down that holds EVERY call to the key until the provider's Retry-After has passed — so one
 * 429 does not turn into a storm of them from the calls behind it.
 */
export interface KeyBudget {
  maxConcurrency: number;
  requestsPerMinute: number;
}

interface KeyState {
  budget: KeyBudget;
  limit: number;
  inFlight: number;
  successesSinceGrowth: number;
  tokens: number;
  refilledAt: number;
  coolDownUntil: number;
}

export class KeyLimiter {
  private readonly keys = new Map<string, KeyState>();

  private state(keyId: string, budget: KeyBudget, now: number): KeyState {
    let s = this.keys.get(keyId);
    if (!s) {
      s = { budget, limit: budget.maxConcurrency, inFlight: 0, successesSinceGrowth: 0, tokens: Math.min(budget.requestsPerMinute, budget.maxConcurrency * 2), refilledAt: now, coolDownUntil: 0 };
      this.keys.set(keyId, s);
    }
    if (s.budget.maxConcurrency !== budget.maxConcurrency || s.budget.requestsPerMinute !== budget.requestsPerMinute) {
      s.budget = budget;
      s.limit = Math.min(s.limit, budget.maxConcurrency);
    }
    const perMs = budget.requestsPerMinute / 60_000;
    s.tokens = Math.min(budget.requestsPerMinute, s.tokens + (now - s.refilledAt) * perMs);
    s.refilledAt = now;
    return s;
  }

  /** Takes a slot and a token if the key has both now; else says when to look again. */
  tryAcquire(keyId: string, budget: KeyBudget, now: number): { ok: true } | { ok: false; retryAt: number | null } {
    const s = this.state(keyId, budget, now);
    if (now < s.coolDownUntil) return { ok: false, retryAt: s.coolDownUntil };
    if (s.inFlight >= s.limit) return { ok: false, retryAt: null }; // a finishing call frees a slot
    if (s.tokens < 1) return { ok: false, retryAt: now + Math.ceil((1 - s.tokens) / (budget.requestsPerMinute / 60_000)) };
    s.tokens -= 1;
    s.inFlight++;
    return { ok: true };
  }

  release(keyId: string, outcome: 'ok' | 'rate_limited' | 'error', now: number, retryAfterMs: number | null = null) {
    const s = this.keys.get(keyId);
    if (!s) return;
    s.inFlight = Math.max(0, s.inFlight - 1);
    if (outcome === 'rate_limited') {
      s.limit = Math.max(1, Math.floor(s.limit / 2));
      s.successesSinceGrowth = 0;
      s.coolDownUntil = Math.max(s.coolDownUntil, now + (retryAfterMs ?? 1000));
    } else if (outcome === 'ok' && ++s.successesSinceGrowth >= s.limit) {
      s.limit = Math.min(s.budget.maxConcurrency, s.limit + 1);
      s.successesSinceGrowth = 0;
    }
  }

  snapshot(keyId: string) {
    const s = this.keys.get(keyId);
    return s ? { limit: s.limit, inFlight: s.inFlight, coolDownUntil: s.coolDownUntil } : null;
  }
}

/** Full-jitter exponential backoff (AWS architecture blog): uniform in [0, min(cap, base·2^attempt)]. */
export function fullJitterDelay(attempt: number, random = Math.random, baseMs = 500, capMs = 30_000): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** attempt));
}
