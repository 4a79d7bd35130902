import type { Env } from '../env';
import type { DomainEvent } from './types';

/**
 * Cron enqueues, it doesn't work (STACK.md): a tick for the automation rules and a sweep of stale
 * credit holds; the consumer does both.
 */
export async function enqueueDueAutomation(env: Env, scheduledTime: number) {
  const events: DomainEvent[] = [
    { v: 1, type: 'automation.tick', scheduled_time: scheduledTime },
    { v: 1, type: 'credits.sweep', scheduled_time: scheduledTime },
  ];
  await env.EVENTS.sendBatch(events.map((body) => ({ body })));
}
