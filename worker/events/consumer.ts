import { markDeadLetter } from '../automation/runs-service';
import { dispatchDue, driveRunMessage, startEventRuns } from '../automation/dispatch';
import { sweepStaleHolds } from '../billing/sweep-holds';
import type { Env } from '../env';
import { runScheduledHealthChecks } from '../integration/health-schedule';
import { expireAiCallBodies } from '../system/ai-call-log';
import { runBillingPeriodic } from '../billing/periodic';
import { renewSubscriptions } from '../auth/plan-renewal';
import { buildAccountExport } from '../exports/job';
import { driveAccountMove } from '../admin/move/drive';
import { recordDeadLetter } from './dead-letters';
import { recordHeartbeat } from './heartbeats';
import { isDomainEvent, type DomainEvent } from './types';

async function handle(event: DomainEvent, env: Env) {
  switch (event.type) {
    case 'credits.sweep':
      await sweepStaleHolds(env, event.scheduled_time);
      return;
    case 'automation.tick':
      await dispatchDue(env, event.scheduled_time);
      return;
    case 'automation.run':
      await driveRunMessage(env, event);
      return;
    case 'automation.event':
      await startEventRuns(env, event);
      return;
    case 'integration.health':
      await runScheduledHealthChecks(env, event.scheduled_time);
      return;
    case 'billing.periodic':
      // The plan's credits per period first (worker/auth owns subscriptions), then budget alerts.
      await renewSubscriptions(env, event.scheduled_time);
      await runBillingPeriodic(env, event.scheduled_time);
      return;
    case 'ai_calls.expire':
      await expireAiCallBodies(env, event.scheduled_time);
      return;
    case 'account.export':
      await buildAccountExport(env, event);
      return;
    case 'account.move':
      await driveAccountMove(env, event);
      return;
    case 'system.ping':
      // The status page's round trip: recordHeartbeat (below) is the whole of it.
      return;
    default: {
      // The union's discriminant: a new event type fails to compile here until it is handled.
      const unhandled: never = event;
      throw new Error(`Unhandled event ${String((unhandled as { type: string }).type)}`);
    }
  }
}

/** A message that ran out of retries: an automation run shows it (with a retry button); the rest are logged. */
async function handleDeadLetter(message: Message<unknown>, env: Env, queueName: string) {
  console.error(JSON.stringify({ level: 'error', dead_letter: true, id: message.id, body: message.body }));
  await recordDeadLetter(env, message, queueName);
  const body = message.body;
  if (isDomainEvent(body) && body.type === 'automation.run')
    await markDeadLetter(env, body, `Delivery failed ${message.attempts} time(s) after every retry.`);
}

/**
 * Queue consumer. Messages are acked one by one so one bad message doesn't redeliver the batch;
 * a failing one is retried (max_retries in wrangler.toml) and then lands in the dead-letter queue.
 */
export async function handleEventBatch(batch: MessageBatch<unknown>, env: Env) {
  const dead = batch.queue.endsWith('-dlq');
  for (const message of batch.messages) {
    if (dead) {
      try {
        await handleDeadLetter(message, env, batch.queue);
        message.ack();
      } catch (err) {
        // The dead-letter queue has no queue behind it: retried a few times, then dropped (logged above).
        console.error(JSON.stringify({ level: 'error', id: message.id, error: String(err) }));
        message.retry();
      }
      continue;
    }
    if (!isDomainEvent(message.body)) {
      console.error(JSON.stringify({ level: 'error', message: 'Unknown event shape', id: message.id }));
      message.retry();
      continue;
    }
    try {
      await handle(message.body, env);
      await recordHeartbeat(env, message.body);
      message.ack();
    } catch (err) {
      console.error(JSON.stringify({ level: 'error', id: message.id, error: String(err) }));
      message.retry();
    }
  }
}
