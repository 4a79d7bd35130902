/** Writer rows as the API sends them (dates as ISO strings). */
export type ContentStatus = 'draft' | 'review' | 'published';

/** A content list row: everything but the article body, which lists leave out. */
export interface ContentSummary {
  id: number;
  site_id: number;
  sector_id: number;
  task_id: number | null;
  title: string;
  word_count: number;
  meta_title: string;
  meta_description: string;
  primary_keyword: string;
  tags: string[];
  categories: string[];
  excerpt: string;
  status: ContentStatus;
  status_changed_by_user_id: number | null;
  status_changed_at: string | null;
  source: string;
  wp_post_id: number | null;
  wp_post_url: string | null;
  published_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface Content extends ContentSummary {
  html_content: string;
  /** Who last moved the status (any role may read it; the users list is owners' only). */
  status_changed_by_name: string | null;
}

/** A named version of a draft (stored in R2 by the DraftRoom). */
export type { VersionInfo as DraftVersion } from '$core/draft/version-info';

// ------------------------------------------------------------------ tasks, images, WordPress

/** A writer task (worker/writer/tasks-routes.ts); `content_id` is set once its article was generated. */
export type Task = import('./types').Json<typeof import('$core/schema/shard').tasks.$inferSelect>;

/** POST /writer/tasks/auto_generate_content/: one job per 50 tasks (`task_id` is the first). */
export interface ContentJobsStarted {
  task_id: string;
  job: import('$core/ai/jobs').JobView;
  task_ids: string[];
  jobs: import('$core/ai/jobs').JobView[];
}

/** An image row plus `url`, where the browser loads it (/media/<r2_key>, null until generated). */
export type WriterImage = import('./types').Json<typeof import('$core/schema/shard').images.$inferSelect> & { url: string | null };

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
export type PublishingRecord = import('./types').Json<typeof import('$core/schema/shard').publishingRecords.$inferSelect>;
