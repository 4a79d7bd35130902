import type { Env } from '../env';
import type { DomainEvent } from './types';

/**
 * Cron enqueues, it doesn't work (STACK.md): every tick asks the consumer to sweep stale credit
 * holds. (Automation rules join this tick when they exist: issue 6/7.)
 */
export async function enqueueScheduledWork(env: Env, scheduledTime: number) {
  const events: DomainEvent[] = [{ v: 1, type: 'credits.sweep', scheduled_time: scheduledTime }];
  await env.EVENTS.sendBatch(events.map((body) => ({ body })));
}
