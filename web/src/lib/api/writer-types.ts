/**
 * Writer rows as the API sends them, read from the API's own type (the typed client over the
 * worker's AppType).
 */
import type { CONTENT_STATUSES } from '$core/domain/enums';
import type { api, DataOf, RowOf } from './client';

type Writer = typeof api.api.v1.writer;
type Publisher = typeof api.api.v1.publisher;

export type ContentStatus = (typeof CONTENT_STATUSES)[number];

/** A content list row: everything but the article body, which lists leave out. */
export type ContentSummary = RowOf<Writer['content']['$get']>;

/** One article with its body and who last moved its status. */
export type Content = DataOf<Writer['content'][':id']['$get']>;

/** A named version of a draft (stored in R2 by the DraftRoom). */
export type DraftVersion = RowOf<Writer['content'][':id']['versions']['$get']>;

/** A writer task; `content_id` is set once its article was generated. */
export type Task = RowOf<Writer['tasks']['$get']>;

/** POST /writer/tasks/auto_generate_content/: one job per 50 tasks (`task_id` is the first). */
export type ContentJobsStarted = DataOf<Writer['tasks']['auto_generate_content']['$post']>;

/** An image row plus `url`, where the browser loads it (/media/<r2_key>, null until generated). */
export type WriterImage = RowOf<Writer['images']['$get']>;

/** GET/PUT /publisher/sites/:siteId/wordpress/: the application password itself never comes back. */
export type WordPressSettings = DataOf<Publisher['sites'][':siteId']['wordpress']['$get']>;

/** POST …/wordpress/test/ when WordPress answered (failures are the error envelope). */
export type WordPressTestResult = DataOf<Publisher['sites'][':siteId']['wordpress']['test']['$post']>;

/** One publishing attempt: what reached WordPress, or where it stopped. */
export type PublishingRecord = RowOf<Publisher['records']['$get']>;
