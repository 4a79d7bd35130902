import type { AccountRow, UserRow } from '../../core/schema/control';

/**
 * The control database's answer for a user (their row, their account, its shard), kept by this
 * isolate for a few seconds so that a burst of reads (a list page, its filters, the next page) costs
 * one control round trip instead of one per request (issue 10, item 8).
 *
 * What bounds the staleness, and why it is safe:
 * - Writes never read from here (tenantContext re-reads on every non-GET request), so a revoked
 *   user, a suspended account or a changed plan can change nothing once the revocation is committed.
 * - A revocation made through this isolate (a role or status change, a removal:
 *   worker/auth/user-records.ts; anything a write request of the account changes: tenantContext)
 *   forgets the entries at once and keeps them out for IDENTITY_TTL_MS, so a read that raced the
 *   write can't put the old row back.
 * - A token newer than the cached row (a password changed elsewhere: `tv` above the cached
 *   token_version) is a miss.
 * - A revocation made by another isolate, or straight in the database (an account suspended by
 *   hand), reaches reads served here within IDENTITY_TTL_MS: the one staleness the issue allows
 *   ("cached per isolate for seconds"). Workers have no cross-isolate invalidation short of a
 *   round trip per request, which is what this cache exists to save.
 */
export const IDENTITY_TTL_MS = 5_000;
/** At most this many users per isolate (oldest out first); an isolate serves a handful at a time. */
const MAX_ENTRIES = 1_000;

/** What tenantContext reads from the control database for a user (worker/middleware/tenant.ts). */
export interface CachedIdentity {
  user: Pick<UserRow, 'id' | 'email' | 'name' | 'role' | 'status' | 'account_id' | 'token_version'>;
  account: Pick<AccountRow, 'id' | 'name' | 'slug' | 'status' | 'plan_id'>;
  shard: string;
}

/** A user's cached identity, or (identity undefined) a pending revocation that keeps it out. */
const entries = new Map<number, { identity?: CachedIdentity; until: number }>();
/** When each account's entries were last forgotten: a read that started before is not kept. */
const accountForgottenAt = new Map<number, number>();

function put<K, V>(map: Map<K, V>, key: K, value: V) {
  map.delete(key);
  // Oldest first out (a Map iterates in insertion order).
  if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value!);
  map.set(key, value);
}

/** The identity read for `userId` less than IDENTITY_TTL_MS ago, unless the token is newer than it. */
export function cachedIdentity(userId: number, tokenVersion: number, now = Date.now()) {
  const entry = entries.get(userId);
  if (!entry?.identity || now >= entry.until || tokenVersion > entry.identity.user.token_version) return undefined;
  return entry.identity;
}

/**
 * Keeps an identity read from the control database by a read that started at `readStartedAt`;
 * active users only (refusals are re-read), and not when a revocation may postdate the read.
 */
export function rememberIdentity(identity: CachedIdentity, readStartedAt: number, now = Date.now()) {
  if (identity.user.status !== 'active') return;
  const userId = identity.user.id;
  const entry = entries.get(userId);
  if (entry && !entry.identity && now < entry.until) return;
  if (readStartedAt <= (accountForgottenAt.get(identity.account.id) ?? -1)) return;
  put(entries, userId, { identity, until: now + IDENTITY_TTL_MS });
}

/**
 * Forgets users whose role, status or token version is about to change (called when the write is
 * built, before it commits) and keeps them out for IDENTITY_TTL_MS, past any read that races it.
 */
export function forgetUsers(userIds: number[], now = Date.now()) {
  for (const userId of userIds) put(entries, userId, { until: now + IDENTITY_TTL_MS });
}

/** Forgets every user of an account after a write of the account committed (status, plan, name). */
export function forgetAccount(accountId: number, now = Date.now()) {
  for (const [userId, entry] of [...entries]) if (entry.identity?.account.id === accountId) entries.delete(userId);
  put(accountForgottenAt, accountId, now);
}
