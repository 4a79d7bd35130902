import type { AutomationEvent } from '../../core/domain/enums';

/**
 * The automation messages of the EVENTS queue (members of worker/events/types.ts's DomainEvent),
 * declared here so worker/automation never imports worker/events (whose consumer imports this folder).
 * Senders outside the folder (the keyword import, the review gate) write the same shape.
 */

/** Drive one run in its site's coordinator (idempotent: a redelivery is a no-op). */
export interface AutomationRunMessage {
  v: 1;
  type: 'automation.run';
  account_id: number;
  shard: string;
  site_id: number;
  run_id: string;
}

/** Something happened that event rules start on (keywords imported, content approved). */
export interface AutomationEventMessage {
  v: 1;
  type: 'automation.event';
  account_id: number;
  shard: string;
  site_id: number;
  event: AutomationEvent;
  /** Made once per occurrence: a rule starts once per event id, however often it is delivered. */
  event_id: string;
  payload: { keyword_ids?: number[]; content_ids?: number[] };
}
