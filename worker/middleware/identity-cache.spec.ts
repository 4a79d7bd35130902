import { describe, expect, it } from 'vitest';
import {
  type CachedIdentity,
  cachedIdentity,
  forgetAccount,
  forgetUsers,
  IDENTITY_TTL_MS,
  rememberIdentity,
} from './identity-cache';

let nextId = 1;
/** An active user of a fresh account (ids never repeat, so tests share the module's cache safely). */
function identity(overrides: Partial<CachedIdentity['user']> = {}): CachedIdentity {
  const id = nextId++;
  return {
    user: {
      id,
      email: `u${id}@example.test`,
      name: 'U',
      role: 'editor',
      status: 'active',
      account_id: 1000 + id,
      token_version: 3,
      ...overrides,
    },
    account: { id: 1000 + id, name: 'A', slug: `a${id}`, status: 'active', plan_id: 1 },
    shard: 'DB_SHARD_0',
  };
}

describe('identity cache', () => {
  it('serves a remembered identity until its TTL runs out', () => {
    const who = identity();
    rememberIdentity(who, 100, 100);
    expect(cachedIdentity(who.user.id, 3, 100 + IDENTITY_TTL_MS - 1)).toBe(who);
    expect(cachedIdentity(who.user.id, 3, 100 + IDENTITY_TTL_MS)).toBeUndefined();
  });

  it('misses for a token newer than the cached row (its password changed in another isolate)', () => {
    const who = identity();
    rememberIdentity(who, 100, 100);
    expect(cachedIdentity(who.user.id, 4, 101)).toBeUndefined();
    // An older token is still served the row, whose newer version then refuses it.
    expect(cachedIdentity(who.user.id, 2, 101)?.user.token_version).toBe(3);
  });

  it('keeps no refusal: a disabled or invited user is re-read every time', () => {
    const who = identity({ status: 'disabled' });
    rememberIdentity(who, 100, 100);
    expect(cachedIdentity(who.user.id, 3, 101)).toBeUndefined();
  });

  it('a revocation forgets the user at once and keeps a racing read out for a TTL', () => {
    const who = identity();
    rememberIdentity(who, 100, 100);
    forgetUsers([who.user.id], 200);
    expect(cachedIdentity(who.user.id, 3, 200)).toBeUndefined();
    // A read that started after the revocation was built may still have seen the old row.
    rememberIdentity(who, 250, 260);
    expect(cachedIdentity(who.user.id, 3, 261)).toBeUndefined();
    rememberIdentity(who, 200 + IDENTITY_TTL_MS, 200 + IDENTITY_TTL_MS);
    expect(cachedIdentity(who.user.id, 3, 201 + IDENTITY_TTL_MS)).toBe(who);
  });

  it('a committed write of an account forgets its users and keeps out reads that started before it', () => {
    const who = identity();
    const other = identity();
    rememberIdentity(who, 100, 100);
    rememberIdentity(other, 100, 100);
    forgetAccount(who.account.id, 300);
    expect(cachedIdentity(who.user.id, 3, 301)).toBeUndefined();
    expect(cachedIdentity(other.user.id, 3, 301)).toBe(other);
    rememberIdentity(who, 300, 310);
    expect(cachedIdentity(who.user.id, 3, 311)).toBeUndefined();
    rememberIdentity(who, 301, 310);
    expect(cachedIdentity(who.user.id, 3, 311)).toBe(who);
  });
});
