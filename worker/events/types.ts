/**
 * Domain events carried by the EVENTS queue. A discriminated union, versioned: a consumer that
 * meets a version it doesn't know leaves the message for the dead-letter queue instead of guessing.
 */
export type DomainEvent =
  /** Settle credit holds of jobs that can no longer run (worker/billing/sweep-holds.ts). */
  { v: 1; type: 'credits.sweep'; scheduled_time: number };

export function isDomainEvent(value: unknown): value is DomainEvent {
  const e = value as Partial<DomainEvent> | null;
  return !!e && e.v === 1 && typeof e.type === 'string';
}
