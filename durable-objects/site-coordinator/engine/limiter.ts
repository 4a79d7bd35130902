import type { BudgetGrant, BudgetKey, CallOutcome, KeyBudget, KeyLimits } from './ports';

/**
 * The budget of one provider key (kept by the AiBudget object of the key, or in memory for one
 * engine alone): bounded concurrency, a requests-per-minute token bucket, and overload control.
 * A lone 429 only delays its own call (by Retry-After, see the engine); when 429s dominate the
 * recent calls the key is overloaded: concurrency halves, grows back one step per window of
 * successes (AIMD), and a cool-down holds EVERY call to the key until Retry-After has passed — so
 * a rate limit does not turn into a storm of 429s from the calls queued behind it, and random 429s
 * do not throttle a healthy key.
 */
const WINDOW = 10;
const OVERLOAD_SHARE = 0.5;
const MIN_SAMPLES = 4;

/** Plain data (the AiBudget object stores it, so an evicted object forgets no call in flight). */
export interface KeyState {
  budget: KeyLimits;
  limit: number;
  inFlight: number;
  successesSinceGrowth: number;
  tokens: number;
  refilledAt: number;
  coolDownUntil: number;
  /** Outcomes of the last WINDOW calls: true for a 429. */
  recent: boolean[];
}

export class KeyLimiter {
  private readonly keys = new Map<string, KeyState>();

  private state(keyId: string, budget: KeyLimits, now: number): KeyState {
    // Only the two numbers are kept: callers may pass a whole ProviderConfig, whose key must
    // never reach the stored state.
    budget = { maxConcurrency: budget.maxConcurrency, requestsPerMinute: budget.requestsPerMinute };
    let s = this.keys.get(keyId);
    if (!s) {
      s = {
        budget,
        limit: budget.maxConcurrency,
        inFlight: 0,
        successesSinceGrowth: 0,
        tokens: Math.min(budget.requestsPerMinute, budget.maxConcurrency * 2),
        refilledAt: now,
        coolDownUntil: 0,
        recent: [],
      };
      this.keys.set(keyId, s);
    }
    if (s.budget.maxConcurrency !== budget.maxConcurrency || s.budget.requestsPerMinute !== budget.requestsPerMinute) {
      s.budget = budget;
      s.limit = Math.min(s.limit, budget.maxConcurrency);
    }
    const perMs = budget.requestsPerMinute / 60_000;
    // Callers' clocks may step back a little (several coordinators share one budget): never un-refill.
    s.tokens = Math.min(budget.requestsPerMinute, s.tokens + Math.max(0, now - s.refilledAt) * perMs);
    s.refilledAt = Math.max(s.refilledAt, now);
    return s;
  }

  /** Takes a slot and a token if the key has both now; else says when to look again. */
  tryAcquire(keyId: string, budget: KeyLimits, now: number): { ok: true } | { ok: false; retryAt: number | null } {
    const s = this.state(keyId, budget, now);
    if (now < s.coolDownUntil) return { ok: false, retryAt: s.coolDownUntil };
    if (s.inFlight >= s.limit) return { ok: false, retryAt: null }; // a finishing call frees a slot
    if (s.tokens < 1) {
      return { ok: false, retryAt: now + Math.ceil((1 - s.tokens) / (budget.requestsPerMinute / 60_000)) };
    }
    s.tokens -= 1;
    s.inFlight++;
    return { ok: true };
  }

  release(keyId: string, outcome: CallOutcome, now: number, retryAfterMs: number | null = null) {
    const s = this.keys.get(keyId);
    if (!s) return;
    s.inFlight = Math.max(0, s.inFlight - 1);
    if (outcome !== 'error') {
      s.recent.push(outcome === 'rate_limited');
      if (s.recent.length > WINDOW) s.recent.shift();
    }
    const limited = s.recent.filter(Boolean).length;
    if (outcome === 'rate_limited' && s.recent.length >= MIN_SAMPLES && limited / s.recent.length >= OVERLOAD_SHARE) {
      s.limit = Math.max(1, Math.floor(s.limit / 2));
      s.successesSinceGrowth = 0;
      s.coolDownUntil = Math.max(s.coolDownUntil, now + (retryAfterMs ?? 1000));
      s.recent = [];
    } else if (outcome === 'ok' && ++s.successesSinceGrowth >= s.limit) {
      s.limit = Math.min(s.budget.maxConcurrency, s.limit + 1);
      s.successesSinceGrowth = 0;
    }
  }

  snapshot(keyId: string) {
    const s = this.keys.get(keyId);
    return s ? { limit: s.limit, inFlight: s.inFlight, coolDownUntil: s.coolDownUntil } : null;
  }

  /** The whole state of a key, to store; `restore` puts it back. */
  stateOf(keyId: string): KeyState | null {
    const s = this.keys.get(keyId);
    return s ? structuredClone(s) : null;
  }

  restore(keyId: string, state: KeyState) {
    this.keys.set(keyId, structuredClone(state));
  }
}

/**
 * The budget port over an in-memory KeyLimiter: right for one engine alone (unit tests, the
 * MemoryJobStore); the SiteCoordinator shares the budget across sites through the AiBudget object.
 */
export class LocalKeyBudget implements KeyBudget {
  private readonly limiter = new KeyLimiter();
  private readonly leases = new Map<string, string>();
  private nextLease = 0;

  async tryAcquire(key: BudgetKey, limits: KeyLimits, now: number): Promise<BudgetGrant> {
    const name = `${key.accountId}:${key.keyId}`;
    const slot = this.limiter.tryAcquire(name, limits, now);
    if (!slot.ok) return slot;
    const lease = `lease-${++this.nextLease}`;
    this.leases.set(lease, name);
    return { ok: true, lease };
  }

  async release(_key: BudgetKey, lease: string, outcome: CallOutcome, now: number, retryAfterMs: number | null) {
    const name = this.leases.get(lease);
    // An unknown lease was released already: a second release must not free someone else's slot.
    if (name === undefined) return;
    this.leases.delete(lease);
    this.limiter.release(name, outcome, now, retryAfterMs);
  }

  async handOver(
    key: BudgetKey,
    lease: string,
    outcome: CallOutcome,
    now: number,
    retryAfterMs: number | null,
    limits: KeyLimits,
  ): Promise<BudgetGrant> {
    await this.release(key, lease, outcome, now, retryAfterMs);
    return this.tryAcquire(key, limits, now);
  }
}

/** Full-jitter exponential backoff (AWS architecture blog): uniform in [0, min(cap, base·2^attempt)]. */
export function fullJitterDelay(attempt: number, random = Math.random, baseMs = 500, capMs = 30_000): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** attempt));
}
