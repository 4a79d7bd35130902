/**
 * Automation in words: a rule's trigger, run and stage statuses as badges, the cron presets of the
 * rule editor and the time zones it offers.
 */
import type { AutomationEvent, AutomationRunStatus, AutomationStageStatus } from '$core/domain/enums';
import type { BadgeTone } from '$lib/components/Badge.svelte';

export const EVENT_WORDS: Record<AutomationEvent, string> = {
  'keywords.imported': 'When keywords are imported',
  'content.approved': 'When an article is approved',
};

interface TriggerFields {
  trigger: 'schedule' | 'event' | 'manual';
  schedule: string | null;
  schedule_words?: string | null;
  timezone: string;
  event_type: AutomationEvent | null;
}

/** "At 07:00 AM, Monday through Friday (Europe/Berlin)", "When keywords are imported", "Only when run by hand". */
export function triggerWords(rule: TriggerFields): string {
  if (rule.trigger === 'event') return rule.event_type ? EVENT_WORDS[rule.event_type] : 'On an event';
  if (rule.trigger === 'manual') return 'Only when run by hand';
  return `${rule.schedule_words || rule.schedule || 'No schedule'} (${rule.timezone})`;
}

export const RUN_TONES: Record<AutomationRunStatus, BadgeTone> = {
  queued: 'neutral',
  running: 'info',
  paused: 'warning',
  awaiting_review: 'brand',
  completed: 'success',
  failed: 'danger',
  cancelled: 'neutral',
};

export const STAGE_TONES: Record<AutomationStageStatus, BadgeTone> = {
  pending: 'neutral',
  running: 'info',
  completed: 'success',
  skipped: 'neutral',
  failed: 'danger',
  cancelled: 'warning',
};

export const RUN_STATUS_WORDS: Record<AutomationRunStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  paused: 'Paused',
  awaiting_review: 'Awaiting review',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** The editor's shortcuts: a click fills the cron field. */
export const CRON_PRESETS: { label: string; cron: string }[] = [
  { label: 'Every weekday at 07:00', cron: '0 7 * * 1-5' },
  { label: 'Every day at 06:00', cron: '0 6 * * *' },
  { label: 'Mondays at 09:00', cron: '0 9 * * 1' },
  { label: 'Every 6 hours', cron: '0 */6 * * *' },
  { label: 'First of the month at 08:00', cron: '0 8 1 * *' },
];

/** The browser's own zone: the default of a new rule. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

/** Every IANA zone the browser knows, with UTC and `current` among them whatever the browser says. */
export function timeZones(current: string): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  return [...new Set(['UTC', current, ...zones])].sort((a, b) => (a === 'UTC' ? -1 : b === 'UTC' ? 1 : a < b ? -1 : 1));
}

/** Days of the week as the publish window stores them (0 = Sunday). */
export const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
