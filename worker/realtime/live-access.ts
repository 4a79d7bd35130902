/**
 * Live sockets lose access with the member (issue 8, scope 5). The Worker checks access once, at
 * the upgrade; after that a socket can stay open for hours. Both rooms (SiteCoordinator and
 * DraftRoom) therefore keep, per socket, the grant it was opened under, and while sockets are open
 * re-check every grant every REVALIDATE_EVERY_MS with one control-DB query (the users) and one
 * shard query (their site grants) per 90 people, closing the sockets whose grant no longer holds.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { can, siteAccessOf } from '../../core/access';
import type { Role } from '../../core/domain/enums';
import { CLOSE_ACCESS_CHANGED, CLOSE_ACCESS_REVOKED, CLOSE_SESSION_EXPIRED } from '../../core/realtime/close-codes';
import { accounts, users } from '../../core/schema/control';
import { siteUserAccess } from '../../core/schema/shard';
import { controlDb, shardDb, type ShardName } from '../db/shards';
import type { Env } from '../env';

/**
 * What a socket was opened under; set by the Worker (a header the client can't send), kept in the
 * socket's attachment.
 */
export interface SocketGrant {
  user_id: number;
  name: string;
  account_id: number;
  role: Role;
  /** users.token_version when the ticket was issued. */
  tv: number;
  /** When the access token behind the ticket expires (ms since the epoch). */
  exp: number;
  site_id: number;
  shard: ShardName;
}

export const GRANT_HEADER = 'x-igny8-socket-grant';
const MAX_IDS_PER_QUERY = 90;

export function readGrant(headers: Headers): SocketGrant | null {
  const grant = JSON.parse(headers.get(GRANT_HEADER) ?? 'null') as SocketGrant | null;
  return grant && Number.isSafeInteger(grant.user_id) && Number.isFinite(grant.exp) ? grant : null;
}

export interface Verdict {
  code: number;
  reason: string;
}

const expired = (): Verdict => ({ code: CLOSE_SESSION_EXPIRED, reason: 'session expired' });
const revoked = (): Verdict => ({ code: CLOSE_ACCESS_REVOKED, reason: 'access revoked' });

/**
 * For each grant, null if it still holds, else how to close its socket. Every grant of one room
 * names the same account, site and shard.
 */
export async function checkGrants(
  env: Env,
  grants: (SocketGrant | null)[],
  now = Date.now(),
): Promise<(Verdict | null)[]> {
  // A socket opened before grants existed has none (or an older attachment): it reconnects with a ticket.
  const isLive = (g: SocketGrant | null): g is SocketGrant => Number(g?.exp) > now && !!g?.shard;
  const live = grants.filter(isLive);
  if (live.length === 0) return grants.map(() => expired());
  const ids = [...new Set(live.map((g) => g.user_id))];
  const { account_id, site_id, shard } = live[0]!;
  // One query per database (per MAX_IDS_PER_QUERY people: D1 binds at most 100 parameters).
  const batches = Array.from({ length: Math.ceil(ids.length / MAX_IDS_PER_QUERY) }, (_, i) =>
    ids.slice(i * MAX_IDS_PER_QUERY, (i + 1) * MAX_IDS_PER_QUERY),
  );
  const [rows, granted] = await Promise.all([
    Promise.all(
      batches.map((batch) =>
        controlDb(env)
          .select({
            id: users.id,
            role: users.role,
            status: users.status,
            token_version: users.token_version,
            account_id: users.account_id,
            account_status: accounts.status,
          })
          .from(users)
          .innerJoin(accounts, eq(accounts.id, users.account_id))
          .where(inArray(users.id, batch))
          .all(),
      ),
    ).then((r) => r.flat()),
    Promise.all(
      batches.map((batch) =>
        shardDb(env, shard)
          .select({ user_id: siteUserAccess.user_id })
          .from(siteUserAccess)
          .where(
            and(
              eq(siteUserAccess.account_id, account_id),
              eq(siteUserAccess.site_id, site_id),
              inArray(siteUserAccess.user_id, batch),
            ),
          )
          .all(),
      ),
    ).then((r) => r.flat()),
  ]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const grantedIds = new Set(granted.map((r) => r.user_id));
  return grants.map((g) => {
    if (!isLive(g)) return expired();
    const row = byId.get(g.user_id);
    if (!row || row.status !== 'active' || row.account_status === 'suspended' || row.account_status === 'cancelled')
      return revoked();
    if (row.account_id !== g.account_id && !can(row.role, 'accounts:any')) return revoked();
    if (siteAccessOf(row.role) !== 'all' && !grantedIds.has(g.user_id)) return revoked();
    // Checked before the token version (which a role change also bumps) for the clearer reason.
    if (row.role !== g.role) return { code: CLOSE_ACCESS_CHANGED, reason: 'role changed' };
    if (row.token_version !== g.tv) return expired();
    return null;
  });
}
