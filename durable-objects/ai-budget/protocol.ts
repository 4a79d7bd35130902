import type { BudgetGrant, CallOutcome, KeyLimits } from '../site-coordinator/engine/ports';

/**
 * The AiBudget object's RPC: one object per (account, provider key), asked by every
 * SiteCoordinator of the account before each AI call (client.ts). The object trusts its callers
 * (only coordinators reach it; the Worker never does).
 */
export interface AiBudgetRpc {
  /** Takes a slot and a request token for one call of `holder`, or says when to look again. */
  acquire(limits: KeyLimits, holder: BudgetHolder, now?: number): BudgetGrant;
  /** Gives a lease back; a lease released twice or already expired changes nothing. */
  release(lease: string, outcome: CallOutcome, retryAfterMs: number | null, now?: number): void;
  /** release() then acquire() in one call: the holder's next call of the key takes the slot. */
  handOver(
    lease: string,
    outcome: CallOutcome,
    retryAfterMs: number | null,
    limits: KeyLimits,
    holder: BudgetHolder,
    now?: number,
  ): BudgetGrant;
  /** What tests and operators look at: slots in use, the current limit, the cool-down. */
  inspect(now?: number): BudgetSnapshot;
}

/**
 * Who holds a lease: a coordinator (`name`, its object id) in one life (`boot`, new each time the
 * object starts). A coordinator that restarts has lost every call it had in flight, so its first
 * acquire in the new life frees the leases of its old one at once instead of after the TTL.
 */
export interface BudgetHolder {
  name: string;
  boot: string;
}

export interface BudgetSnapshot {
  leases: number;
  limit: number | null;
  inFlight: number;
  coolDownUntil: number;
}

/**
 * How long a lease lives without a release: the longest call a job may make, so a coordinator
 * that dies holding a slot (and never restarts) frees it then. A streamed article is the longest:
 * 20 × its 30 s idle timeout in all (engine.ts STREAM_IDLE_TIMEOUT_MS, ai-provider.ts), plus a
 * margin for the release to arrive.
 */
export const LEASE_TTL_MS = 20 * 30_000 + 60_000;

/** One object per account and key: the budget is the account's, whichever site calls. */
export const budgetName = (accountId: number, keyId: string) => `${accountId}:${keyId}`;
