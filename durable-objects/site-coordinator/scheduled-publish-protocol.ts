import type { PublishDestination } from '../../core/domain/enums';

/**
 * What the Worker may ask a site's coordinator about scheduled publishing (RPC), beside the job
 * engine's methods (engine/protocol.ts). The SiteCoordinator class implements both; the Worker
 * reaches them through scheduled-publish-client.ts.
 */
export interface ScheduledPublishRpc {
  /** Keeps (or replaces: one schedule per content) a publish for its time; the alarm fires it once. */
  schedulePublish(spec: ScheduledPublishSpec): Promise<ScheduledPublishView>;
  /** Cancels a schedule that has not fired; null when there was none to cancel. */
  unschedulePublish(contentId: number): Promise<ScheduledPublishView | null>;
  scheduledPublish(contentId: number): ScheduledPublishView | null;
  /** An IGNY8 publish's deploy job: its PublishingRecord is settled when the job ends. */
  trackPublishJob(job: TrackedPublishJob): Promise<void>;
}

/** A publish the coordinator fires once at `publish_at` (ms since the epoch). */
export interface ScheduledPublishSpec {
  content_id: number;
  destination: PublishDestination;
  publish_at: number;
  /** The 'pending' PublishingRecord the firing claims (pending → publishing) before it publishes. */
  record_id: number;
  account_id: number;
  shard: string;
  site_id: number;
  /** Who scheduled it: the publish runs as this user (their access is checked again then). */
  user_id: number;
  user_name: string;
  /** WordPress: the post status to reach. IGNY8: the site's base URL for the deploy. */
  options: { wp_status?: 'draft' | 'publish'; base_url?: string };
}

/**
 * pending: waiting for its time; firing: claimed by an alarm that has not finished it (a restart
 * resumes it); fired: done, never again; cancelled: unscheduled or replaced.
 */
export type ScheduledPublishState = 'pending' | 'firing' | 'fired' | 'cancelled';

export interface ScheduledPublishView extends ScheduledPublishSpec {
  state: ScheduledPublishState;
  attempts: number;
  /** When the alarm next tries it (its time, or a retry after a transient failure). */
  next_try_at: number;
  fired_at: number | null;
  last_error: string | null;
}

export interface TrackedPublishJob {
  job_id: string;
  record_id: number;
  account_id: number;
  shard: string;
  site_id: number;
  content_id: number;
}
