import type { Env } from '../env';
import { beat, CRON_HEARTBEAT } from './heartbeats';
import type { DomainEvent } from './types';

/**
 * Cron enqueues, it doesn't work (STACK.md): every tick asks the consumer to sweep stale credit
 * holds, to start the automation rules that are due, to check integrations' health, to grant plan credits
 * and announce budget alerts, and to expire old AI call bodies. Each is
 * its own message so one failing (and retried) does not hold up the others.
 */
export async function enqueueScheduledWork(env: Env, scheduledTime: number) {
  const events: DomainEvent[] = [
    { v: 1, type: 'credits.sweep', scheduled_time: scheduledTime },
    { v: 1, type: 'automation.tick', scheduled_time: scheduledTime },
    { v: 1, type: 'integration.health', scheduled_time: scheduledTime },
    { v: 1, type: 'billing.periodic', scheduled_time: scheduledTime },
    { v: 1, type: 'ai_calls.expire', scheduled_time: scheduledTime },
  ];
  await env.EVENTS.sendBatch(events.map((body) => ({ body })));
  // After the send: a tick whose work never reached the queue is not a tick the status page should count.
  await beat(env, CRON_HEARTBEAT, new Date(), { scheduled_time: scheduledTime, events: events.length });
}
