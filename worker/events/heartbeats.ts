import { systemHeartbeats } from '../../core/schema/control';
import { HEARTBEAT_KEYS } from '../../core/validation/admin';
import { controlDb } from '../db/shards';
import type { Env } from '../env';
import type { DomainEvent } from './types';

/** The heartbeat the cron writes on every tick: the status page's "last cron tick". */
export const CRON_HEARTBEAT = HEARTBEAT_KEYS.cron;
/** The key a handled event leaves: `event.<type>` (e.g. `event.system.ping` for the status page's queue probe). */
export const eventHeartbeatKey = (type: string) => `event.${type}`;

/** Upserts one heartbeat row: when `key` last happened, with a little detail. */
export async function beat(env: Env, key: string, at: Date, detail: Record<string, unknown> = {}) {
  await controlDb(env)
    .insert(systemHeartbeats)
    .values({ key, at, detail })
    .onConflictDoUpdate({ target: systemHeartbeats.key, set: { at, detail } });
}

/**
 * Records when a scheduled duty (or the status page's ping) last ran (system_heartbeats). Only events
 * without an account are recorded: one row per duty, not one write per automation run or export.
 */
export async function recordHeartbeat(env: Env, event: DomainEvent): Promise<void> {
  if (!('scheduled_time' in event) && event.type !== 'system.ping') return;
  await beat(env, eventHeartbeatKey(event.type), new Date(), 'probe' in event ? { probe: event.probe } : {});
}
