import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../../worker/env';
import { KeyLimiter, type KeyState } from '../site-coordinator/engine/limiter';
import type { BudgetGrant, CallOutcome, KeyLimits } from '../site-coordinator/engine/ports';
import { LEASE_TTL_MS, type AiBudgetRpc, type BudgetHolder, type BudgetSnapshot } from './protocol';

interface Lease {
  holder: string;
  boot: string;
  expiresAt: number;
}

/** What the object stores: the limiter's state and the leases it counts as in flight. */
interface Saved {
  key: KeyState | null;
  leases: [string, Lease][];
}

const STATE = 'budget';
/** The limiter keeps one key here: the object itself is the key (protocol.ts budgetName). */
const KEY = 'key';

/**
 * One per account and provider key (`idFromName("<account>:<key id>")`): the key's budget for
 * every site of the account. Each SiteCoordinator keeps its own job queue but asks here before each
 * AI call, so an account with two sites and max_concurrency 4 has at most 4 calls in flight on its
 * key, not 8. A slot is a lease: released when the call ends, dropped when its holder restarts
 * (its calls died with it) or when it outlives the longest call (a holder that never came back).
 *
 * State is stored on every change (synchronous KV of a SQLite-backed object): the object is
 * evicted when idle, and calls (articles stream for minutes) outlive that, so memory alone would
 * forget slots in use and admit too many calls. Every method is synchronous, so calls never
 * interleave inside one.
 */
export class AiBudget extends DurableObject<Env> implements AiBudgetRpc {
  private readonly limiter = new KeyLimiter();
  private readonly leases = new Map<string, Lease>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const saved = ctx.storage.kv.get<Saved>(STATE);
    if (saved?.key) this.limiter.restore(KEY, saved.key);
    for (const [id, lease] of saved?.leases ?? []) this.leases.set(id, lease);
  }

  acquire(limits: KeyLimits, holder: BudgetHolder, now = Date.now()): BudgetGrant {
    this.dropStale(now, holder);
    const slot = this.limiter.tryAcquire(KEY, limits, now);
    if (slot.ok) {
      const lease = crypto.randomUUID();
      this.leases.set(lease, { holder: holder.name, boot: holder.boot, expiresAt: now + LEASE_TTL_MS });
      this.save();
      return { ok: true, lease };
    }
    this.save();
    return slot;
  }

  release(lease: string, outcome: CallOutcome, retryAfterMs: number | null, now = Date.now()) {
    // Already dropped (expired, or its holder restarted): its slot was given back then.
    if (!this.leases.delete(lease)) return;
    this.limiter.release(KEY, outcome, now, retryAfterMs);
    this.save();
  }

  handOver(
    lease: string,
    outcome: CallOutcome,
    retryAfterMs: number | null,
    limits: KeyLimits,
    holder: BudgetHolder,
    now = Date.now(),
  ): BudgetGrant {
    this.release(lease, outcome, retryAfterMs, now);
    return this.acquire(limits, holder, now);
  }

  inspect(now = Date.now()): BudgetSnapshot {
    this.dropStale(now);
    this.save();
    const s = this.limiter.snapshot(KEY);
    return {
      leases: this.leases.size,
      limit: s?.limit ?? null,
      inFlight: s?.inFlight ?? 0,
      coolDownUntil: s?.coolDownUntil ?? 0,
    };
  }

  /**
   * Frees the slots nobody will release: leases past their TTL, and those of an earlier life of
   * `holder`. Released as 'error', which the overload control does not count (nothing is known of
   * how those calls went).
   */
  private dropStale(now: number, holder?: BudgetHolder) {
    for (const [id, lease] of this.leases) {
      const earlierLife = holder !== undefined && lease.holder === holder.name && lease.boot !== holder.boot;
      if (lease.expiresAt > now && !earlierLife) continue;
      this.leases.delete(id);
      this.limiter.release(KEY, 'error', now, null);
    }
  }

  private save() {
    this.ctx.storage.kv.put<Saved>(STATE, { key: this.limiter.stateOf(KEY), leases: [...this.leases] });
  }
}
