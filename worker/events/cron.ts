import type { Env } from '../env';
import type { DomainEvent } from './types';

/** Cron enqueues, it doesn't work (STACK.md): one tick event; the consumer finds due rules. */
export async function enqueueDueAutomation(env: Env, scheduledTime: number) {
  const event: DomainEvent = { v: 1, type: 'automation.tick', scheduled_time: scheduledTime };
  await env.EVENTS.send(event);
}
