import type { Env } from '../env';
import type { DomainEvent } from './types';

/**
 * Records when a scheduled duty last ran (system_heartbeats), for the status page's "last cron tick".
 * Placeholder until the status page lands (issue 14, item 4).
 */
export async function recordHeartbeat(_env: Env, _event: DomainEvent): Promise<void> {}
