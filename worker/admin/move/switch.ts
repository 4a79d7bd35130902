import { and, eq, sql } from 'drizzle-orm';
import { accountMoves, siteDirectory } from '../../../core/schema/control';
import { runBatch } from '../../db/batch';
import { controlDb } from '../../db/shards';
import type { Env } from '../../env';
import { forgetAccount } from '../../middleware/identity-cache';
import { moveShardStatement } from '../../auth/accounts';
import { forgetMovedSites, moveSiteDirectoryStatements, type MovedSite } from '../../publisher/site-directory';
import { auditStatementIf } from '../audit';
import type { IdMaps } from './maps';
import type { MoveRow } from './state';

/**
 * The switch: ONE control batch points the account (shard_directory) and its sites (site_directory,
 * with their new ids and live deployments) at the new shard, moves the move on to `cleaning` and writes
 * the audit row. D1 has no transactions across statements but a batch is atomic: readers see the account
 * entirely on the old shard or entirely on the new one. Then this isolate forgets its cached identities.
 *
 * Only the driver holding the move's lease may switch: the batch's first statement takes the move from
 * `switching` to `cleaning` under that lease, and every later statement lands only if the move now says
 * `cleaning` with THIS attempt's switch time and token (statements of a batch see the ones before them).
 * A driver whose lease lapsed changes nothing, learns so from the first statement, and stops; replayed
 * after it landed, the batch changes nothing either.
 */
export async function switchAccount(env: Env, move: MoveRow, token: string, maps: IdMaps) {
  const control = controlDb(env);
  await maps.load(['sites', 'deployment_records']);
  const directory = await control
    .select({ site_id: siteDirectory.site_id, live_deployment_id: siteDirectory.live_deployment_id })
    .from(siteDirectory)
    .where(and(eq(siteDirectory.account_id, move.account_id), eq(siteDirectory.shard, move.from_shard)))
    .all();
  const sites: MovedSite[] = directory.map((d) => ({
    oldId: d.site_id,
    newId: maps.remap('sites', d.site_id) ?? d.site_id,
    liveDeploymentId:
      d.live_deployment_id === null ? null : (maps.remap('deployment_records', d.live_deployment_id) ?? null),
  }));
  const switchedAt = Date.now();
  const state = { ...move.state, switched_at: switchedAt, phase: 'rows' as const, table: 0, cursor: 0 };
  const requester = (move.state as { requested_by_account_id?: number }).requested_by_account_id ?? 0;
  const leaseHeld = sql`EXISTS (SELECT 1 FROM account_moves WHERE id = ${move.id} AND status = 'cleaning'
                                  AND json_extract(state, '$.switched_at') = ${switchedAt}
                                  AND json_extract(state, '$.lease.token') = ${token})`;
  const [taken] = await runBatch(control, [
    control
      .update(accountMoves)
      .set({ status: 'cleaning', state: { ...state, lease: { token, until: switchedAt + 60_000 } } })
      .where(
        and(
          eq(accountMoves.id, move.id),
          eq(accountMoves.status, 'switching'),
          sql`json_extract(${accountMoves.state}, '$.lease.token') = ${token}`,
        ),
      ),
    moveShardStatement(control, move.account_id, move.from_shard, move.to_shard, leaseHeld),
    ...moveSiteDirectoryStatements(
      env,
      move.account_id,
      { from: move.from_shard, to: move.to_shard },
      sites,
      leaseHeld,
    ),
    auditStatementIf(
      {
        actorUserId: move.requested_by_user_id,
        actorAccountId: requester,
        targetAccountId: move.account_id,
        action: 'account.move',
        detail: {
          move_id: move.id,
          from_shard: move.from_shard,
          to_shard: move.to_shard,
          rows_copied: move.state.rows_copied ?? 0,
          sites: sites.map((s) => [s.oldId, s.newId]),
        },
      },
      leaseHeld,
    ),
  ]);
  if (!(taken as D1Result | undefined)?.meta.changes) throw new LeaseLost(move.id);
  forgetAccount(move.account_id);
  forgetMovedSites(move.account_id, sites);
  move.status = 'cleaning';
  move.state = { ...state, lease: { token, until: switchedAt + 60_000 } };
}

/** Another driver holds the move now (this one's lease lapsed): nothing was switched by this one. */
export class LeaseLost extends Error {
  override name = 'LeaseLost';
  constructor(moveId: number) {
    super(`Move ${moveId}: the lease was lost before the switch; another driver carries on.`);
  }
}
