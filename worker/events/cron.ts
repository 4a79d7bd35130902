import type { Env } from '../env';
import type { DomainEvent } from './types';

/**
 * Cron enqueues, it doesn't work (STACK.md): every tick asks the consumer to sweep stale credit
 * holds, to start the automation rules that are due, and to check integrations' health. Each is
 * its own message so one failing (and retried) does not hold up the others.
 */
export async function enqueueScheduledWork(env: Env, scheduledTime: number) {
  const events: DomainEvent[] = [
    { v: 1, type: 'credits.sweep', scheduled_time: scheduledTime },
    { v: 1, type: 'automation.tick', scheduled_time: scheduledTime },
    { v: 1, type: 'integration.health', scheduled_time: scheduledTime },
  ];
  await env.EVENTS.sendBatch(events.map((body) => ({ body })));
}
