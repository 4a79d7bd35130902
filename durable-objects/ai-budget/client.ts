import type { Remote } from '../../core/lib/remote';
import type { Env } from '../../worker/env';
import type { KeyBudget } from '../site-coordinator/engine/ports';
import { budgetName, type AiBudgetRpc, type BudgetHolder } from './protocol';

/** When the budget object can't be reached, the call waits this long and asks again. */
const UNREACHABLE_RETRY_MS = 1000;

/** The AiBudget object of an account's key, typed by its protocol (callers never import the class). */
export function aiBudgetOf(env: Env, accountId: number, keyId: string): Remote<AiBudgetRpc> {
  const ns = env.AI_BUDGET;
  return ns.get(ns.idFromName(budgetName(accountId, keyId))) as unknown as Remote<AiBudgetRpc>;
}

/**
 * The engine's KeyBudget port over the AiBudget objects, for one life of one coordinator
 * (`holderName`: its object id; a new `boot` each time the object starts, see BudgetHolder). The
 * engine's clock is not sent: leases and cool-downs live in the budget object, by its clock.
 */
export function remoteKeyBudget(env: Env, holderName: string): KeyBudget {
  const holder: BudgetHolder = { name: holderName, boot: crypto.randomUUID() };
  return {
    async tryAcquire(key, limits, now) {
      // Only the two numbers travel: `limits` is often the whole ProviderConfig, key included.
      const only = { maxConcurrency: limits.maxConcurrency, requestsPerMinute: limits.requestsPerMinute };
      try {
        return await aiBudgetOf(env, key.accountId, key.keyId).acquire(only, holder);
      } catch (err) {
        // No call starts without a slot: an unreachable budget delays the calls, never lifts the limit.
        console.error(JSON.stringify({ level: 'error', message: 'AI budget unreachable', error: String(err) }));
        return { ok: false, retryAt: now + UNREACHABLE_RETRY_MS };
      }
    },
    async release(key, lease, outcome, _now, retryAfterMs) {
      try {
        await aiBudgetOf(env, key.accountId, key.keyId).release(lease, outcome, retryAfterMs);
      } catch (err) {
        // The lease expires on its own (LEASE_TTL_MS), or with this coordinator's next life.
        console.warn(JSON.stringify({ level: 'warn', message: 'AI budget release failed', lease, error: String(err) }));
      }
    },
    async handOver(key, lease, outcome, now, retryAfterMs, limits) {
      const only = { maxConcurrency: limits.maxConcurrency, requestsPerMinute: limits.requestsPerMinute };
      try {
        return await aiBudgetOf(env, key.accountId, key.keyId).handOver(lease, outcome, retryAfterMs, only, holder);
      } catch (err) {
        // As for release: the lease expires on its own; as for acquire: no call starts without a slot.
        console.error(JSON.stringify({ level: 'error', message: 'AI budget unreachable', error: String(err) }));
        return { ok: false, retryAt: now + UNREACHABLE_RETRY_MS };
      }
    },
  };
}
