import type { Context, MiddlewareHandler } from 'hono';
import { eq, sql, type SQL } from 'drizzle-orm';
import { can, type Permission } from '../../core/access';
import type { Role } from '../../core/domain/enums';
import { type Tenant, type TenantAccount, tenantFor } from '../db/tenant';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { accounts, shardDirectory, users } from '../../core/schema/control';
import { controlDb, isShardName, shardDb, type ControlDb } from '../db/shards';
import type { AppEnv } from '../env';
import { ApiError, BadRequest, Forbidden, NotFound, Unauthorized } from '../http/errors';
import { cachedIdentity, forgetAccount, rememberIdentity } from './identity-cache';

export type { Tenant, TenantAccount, TenantUser } from '../db/tenant';

/**
 * 1 while the account's move to another shard is copying, verifying or switching (worker/admin/move): its
 * writes are refused then. A subquery of the control read every write already makes, so the check costs no
 * round trip (account_moves_account_idx finds the account's few moves).
 */
const moving = (accountId: SQL | SQLiteColumn) =>
  sql<number>`exists (select 1 from account_moves m where m.account_id = ${accountId}
    and m.status in ('copying', 'verifying', 'switching'))`;

async function loadIdentity(control: ControlDb, userId: number) {
  return control
    .select({
      user: {
        id: users.id,
        email: users.email,
        name: users.name,
        role: users.role,
        status: users.status,
        account_id: users.account_id,
        token_version: users.token_version,
      },
      account: {
        id: accounts.id,
        name: accounts.name,
        slug: accounts.slug,
        status: accounts.status,
        plan_id: accounts.plan_id,
      },
      shard: shardDirectory.shard,
      moving: moving(users.account_id),
    })
    .from(users)
    .innerJoin(accounts, eq(accounts.id, users.account_id))
    .innerJoin(shardDirectory, eq(shardDirectory.account_id, users.account_id))
    .where(eq(users.id, userId))
    .get();
}

/** Methods that change nothing: the only ones served from the identity cache. */
const READS = new Set(['GET', 'HEAD']);

/** Which account a developer or system bot acts on: `X-Account-ID`, else their own. */
async function actingAccount(
  control: ControlDb,
  requested: string | undefined,
  role: Role,
  own: TenantAccount & { shard: string; moving?: number },
) {
  if (!requested || Number(requested) === own.id) return own;
  if (!can(role, 'accounts:any')) throw new Forbidden('Only developers and the system bot may act on another account.');
  const id = Number(requested);
  if (!Number.isSafeInteger(id) || id <= 0) throw new BadRequest('X-Account-ID must be an account id.');
  const row = await control
    .select({
      id: accounts.id,
      name: accounts.name,
      slug: accounts.slug,
      status: accounts.status,
      plan_id: accounts.plan_id,
      shard: shardDirectory.shard,
      moving: moving(accounts.id),
    })
    .from(accounts)
    .innerJoin(shardDirectory, eq(shardDirectory.account_id, accounts.id))
    .where(eq(accounts.id, id))
    .get();
  if (!row) throw new NotFound('Account');
  return row;
}

/**
 * Loads the tenant context for an authenticated request (after `authenticate`).
 *
 * The user row (status, role, token_version), the account's status and plan and the shard come
 * from the control database in one query. A GET may take them from this isolate's cache
 * (./identity-cache.ts: at most IDENTITY_TTL_MS old, forgotten at once by a revocation made here);
 * any other method reads them afresh, so no write is ever allowed on a revoked access, and
 * forgets the account's cached entries once it is done (a password, name or plan it changed).
 * Site grants (editors, viewers) are read at most once per request, lazily, and only by routes
 * that scope by site; a revoked grant hides the site at once.
 * Also cached: verified access tokens (worker/middleware/authenticate.ts), which can't change.
 */
export const tenantContext: MiddlewareHandler<AppEnv> = async (c, next) => {
  const session = c.get('session');
  const control = controlDb(c.env);
  const reading = READS.has(c.req.method);
  const freshIdentity = async () => {
    const readStartedAt = Date.now();
    const row = await loadIdentity(control, session.userId);
    if (row && reading) rememberIdentity(row, readStartedAt);
    return row;
  };
  const identity = (reading && cachedIdentity(session.userId, session.tokenVersion)) || (await freshIdentity());
  if (identity?.user.status !== 'active')
    throw new Unauthorized('This user no longer exists or is disabled.', 'user_inactive');
  // The password or the role changed (or the user was disabled) after this token was issued.
  if (session.tokenVersion < identity.user.token_version) {
    throw new Unauthorized(
      'Your access changed since this token was issued (new password or role): refresh it or sign in again.',
      'token_revoked',
    );
  }
  const { user } = identity;
  const account = await actingAccount(control, c.req.header('x-account-id'), user.role, {
    ...identity.account,
    shard: identity.shard,
    // a cached identity (reads only) has no `moving`: reads are never refused
    moving: (identity as { moving?: number }).moving ?? 0,
  });
  if (!reading && account.moving) {
    throw new ApiError(
      503,
      'This account is being moved to another server: try again shortly.',
      'account_moving',
      undefined,
      {
        'Retry-After': '30',
      },
    );
  }
  const proceed = async () => {
    if (account.status === 'suspended' || account.status === 'cancelled') {
      throw new Forbidden(`This account is ${account.status}.`, 'account_inactive');
    }
    if (!isShardName(account.shard)) throw new Error(`Account ${account.id} has unknown shard ${account.shard}`);
    const db = shardDb(c.env, account.shard);
    c.set('tenant', tenantFor(user, account, account.shard, db, control));
    if (reading) return next();
    try {
      await next();
    } finally {
      forgetAccount(account.id);
      if (user.account_id !== account.id) forgetAccount(user.account_id);
    }
  };
  // A developer acting on another account is audited (issue 14, item 7); the system bot's cross-account
  // calls are the platform's own scheduled work, not a person reading a customer's data, so they are not.
  if (account.id === user.account_id || user.role !== 'developer' || !crossAccountRecorder) return proceed();
  let status: number | null = null;
  try {
    await proceed();
    status = c.res.status;
  } catch (err) {
    status = err instanceof ApiError ? err.status : 500;
    throw err;
  } finally {
    const entry: CrossAccountRequest = {
      actorUserId: user.id,
      actorAccountId: user.account_id,
      targetAccountId: account.id,
      method: c.req.method,
      // As the client sent it (c.req.path may have lost a trailing slash to the app's routing).
      path: new URL(c.req.url).pathname,
      status,
      requestId: c.get('requestId') ?? null,
    };
    afterResponse(c, crossAccountRecorder(c.env, entry));
  }
};

/** A developer's request for another account, as the audit log records it (worker/admin/cross-account.ts). */
export interface CrossAccountRequest {
  actorUserId: number;
  actorAccountId: number;
  targetAccountId: number;
  method: string;
  path: string;
  status: number | null;
  requestId: string | null;
}

let crossAccountRecorder: ((env: AppEnv['Bindings'], request: CrossAccountRequest) => Promise<void>) | undefined;

/**
 * Who records cross-account requests: the developer console (worker/admin), wired by the API
 * (worker/app.ts) because this platform layer may not import a feature (scripts/layers.cjs).
 */
export function onCrossAccountRequest(recorder: typeof crossAccountRecorder) {
  crossAccountRecorder = recorder;
}

/** Runs `work` after the response (waitUntil), so the audit write costs the request nothing; logged if it fails. */
function afterResponse(c: Context<AppEnv>, work: Promise<void>) {
  const logged = work.catch((err) =>
    console.error(JSON.stringify({ level: 'error', message: 'cross-account audit failed', error: String(err) })),
  );
  try {
    c.executionCtx.waitUntil(logged);
  } catch {
    // No execution context (a unit test calling the app directly): the promise still runs.
  }
}

/** 403 unless the access matrix gives the user's role `permission`. */
export function assertCan(tenant: Tenant, permission: Permission) {
  if (!tenant.can(permission)) {
    throw new Forbidden(`Your role (${tenant.user.role}) cannot do this (needs ${permission}).`);
  }
}

/**
 * Route guard from the access matrix. Routes on an id check existence first (404) and call
 * assertCan after, so a foreign id is "not found" whatever the role.
 */
export function requirePermission(permission: Permission): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    assertCan(c.get('tenant'), permission);
    await next();
  };
}
