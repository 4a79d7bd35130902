/** Writer rows as the API sends them: derived from the shared schema (dates as ISO strings). */
import type { CONTENT_STATUSES } from '$core/domain/enums';
import type { content } from '$core/schema/shard';
import type { Json } from './types';

export type ContentStatus = (typeof CONTENT_STATUSES)[number];

/** A content list row: everything but the article body, which lists leave out. */
export type ContentSummary = Omit<Json<typeof content.$inferSelect>, 'html_content'>;

export type Content = Json<typeof content.$inferSelect> & {
  /** Who last moved the status (any role may read it; the users list is owners' only). */
  status_changed_by_name: string | null;
};

/** A named version of a draft (stored in R2 by the DraftRoom). */
export type { VersionInfo as DraftVersion } from '$core/draft/version-info';

// ------------------------------------------------------------------ tasks, images, WordPress

/** A writer task (worker/writer/tasks-routes.ts); `content_id` is set once its article was generated. */
export type Task = Json<typeof import('$core/schema/shard').tasks.$inferSelect>;

/** POST /writer/tasks/auto_generate_content/: one job per 50 tasks (`task_id` is the first). */
export interface ContentJobsStarted {
  task_id: string;
  job: import('$core/ai/jobs').JobView;
  task_ids: string[];
  jobs: import('$core/ai/jobs').JobView[];
}

/** An image row plus `url`, where the browser loads it (/media/<r2_key>, null until generated). */
export type WriterImage = Json<typeof import('$core/schema/shard').images.$inferSelect> & { url: string | null };

/** GET/PUT /publisher/sites/:siteId/wordpress/: the application password itself never comes back. */
export interface WordPressSettings {
  site_id: number;
  wp_url: string | null;
  wp_username: string | null;
  password_set: boolean;
  /** URL, user and password are all saved. */
  configured: boolean;
}

/** POST …/wordpress/test/ when WordPress answered (failures are the error envelope). */
export interface WordPressTestResult {
  ok: true;
  wp_url: string;
  user: { id: number; name: string; slug: string; roles: string[] };
  can_publish: boolean;
  can_upload: boolean;
  can_manage_terms: boolean;
  seo_meta: { companion_plugin: boolean; keys: string[] };
  warnings: string[];
  latency_ms: number;
}

/** One publishing attempt (GET /api/v1/publisher/records/): what reached WordPress, or where it stopped. */
export type PublishingRecord = Json<typeof import('$core/schema/shard').publishingRecords.$inferSelect>;
