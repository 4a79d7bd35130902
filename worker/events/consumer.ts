import { sweepStaleHolds } from '../billing/sweep-holds';
import type { Env } from '../env';
import { isDomainEvent, type DomainEvent } from './types';

async function handle(event: DomainEvent, env: Env) {
  switch (event.type) {
    case 'credits.sweep':
      await sweepStaleHolds(env, event.scheduled_time);
      return;
    case 'automation.tick':
      // Automation rules run through the SiteCoordinator once the AI engine exists (issue 2/3);
      // until then a tick is acknowledged with nothing due.
      return;
    default: {
      const unknown: never = event;
      throw new Error(`Unhandled event ${JSON.stringify(unknown)}`);
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
