import { sweepStaleHolds } from '../billing/sweep-holds';
import type { Env } from '../env';
import { isDomainEvent, type DomainEvent } from './types';

async function handle(event: DomainEvent, env: Env) {
  switch (event.type) {
    case 'credits.sweep':
      await sweepStaleHolds(env, event.scheduled_time);
      return;
    default: {
      // The union's discriminant: a new event type fails to compile here until it is handled.
      const unhandled: never = event.type;
      throw new Error(`Unhandled event ${String(unhandled)}`);
    }
  }
}

/**
 * Queue consumer. Messages are acked one by one so one bad message doesn't redeliver the batch;
 * a failing one is retried (max_retries in wrangler.toml) and then lands in the dead-letter queue,
 * whose batches are only logged.
 */
export async function handleEventBatch(batch: MessageBatch<unknown>, env: Env) {
  for (const message of batch.messages) {
    if (batch.queue.endsWith('-dlq')) {
      console.error(JSON.stringify({ level: 'error', dead_letter: true, id: message.id, body: message.body }));
      message.ack();
      continue;
    }
    if (!isDomainEvent(message.body)) {
      console.error(JSON.stringify({ level: 'error', message: 'Unknown event shape', id: message.id }));
      message.retry();
      continue;
    }
    try {
      await handle(message.body, env);
      message.ack();
    } catch (err) {
      console.error(JSON.stringify({ level: 'error', id: message.id, error: String(err) }));
      message.retry();
    }
  }
}
