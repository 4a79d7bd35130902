import type { AccountMoveMessage } from '../admin/move/messages';
import type { AutomationEventMessage, AutomationRunMessage } from '../automation/messages';
import type { AccountExportMessage } from '../exports/messages';

/**
 * Domain events carried by the EVENTS queue. A discriminated union, versioned: a consumer that
 * meets a version it doesn't know leaves the message for the dead-letter queue instead of guessing.
 */
export type DomainEvent =
  /** Settle credit holds of jobs that can no longer run (worker/billing/sweep-holds.ts). */
  | { v: 1; type: 'credits.sweep'; scheduled_time: number }
  /** Start the scheduled rules due at the cron tick (worker/automation/dispatch.ts). */
  | { v: 1; type: 'automation.tick'; scheduled_time: number }
  /** Drive one run in its site's coordinator (worker/automation/messages.ts). */
  | AutomationRunMessage
  /** Start the event rules of a site (keywords imported, content approved). */
  | AutomationEventMessage
  /** Check the integrations whose last health check is old (worker/integration/health-schedule.ts). */
  | { v: 1; type: 'integration.health'; scheduled_time: number }
  /** Grant each account its plan's included credits once per period, and announce budget alerts (worker/billing). */
  | { v: 1; type: 'billing.periodic'; scheduled_time: number }
  /** Clear AI call bodies older than 30 days from R2 (worker/system/ai-call-log.ts). */
  | { v: 1; type: 'ai_calls.expire'; scheduled_time: number }
  /** Build one account export (worker/exports). */
  | AccountExportMessage
  /** Drive one account move to its next step (worker/admin/move). */
  | AccountMoveMessage
  /** The status page's queue probe: does nothing but leave a heartbeat (worker/events/heartbeats.ts). */
  | { v: 1; type: 'system.ping'; probe: string };

export function isDomainEvent(value: unknown): value is DomainEvent {
  const e = value as Partial<DomainEvent> | null;
  return !!e && e.v === 1 && typeof e.type === 'string';
}
