CREATE TABLE `content_score_history` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	`content_id` integer NOT NULL,
	`score` integer NOT NULL,
	`scorer_version` integer NOT NULL,
	`words` integer NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `content_score_history_idx` ON `content_score_history` (`account_id`,`content_id`,`at`);--> statement-breakpoint
CREATE TABLE `content_scores` (
	`account_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	`content_id` integer NOT NULL,
	`score` integer NOT NULL,
	`band` text NOT NULL,
	`scorer_version` integer NOT NULL,
	`words` integer NOT NULL,
	`categories` text NOT NULL,
	`issues` text DEFAULT '[]' NOT NULL,
	`scored_at` integer NOT NULL,
	PRIMARY KEY(`account_id`, `content_id`)
);
--> statement-breakpoint
CREATE INDEX `content_scores_site_idx` ON `content_scores` (`account_id`,`site_id`,`score`);--> statement-breakpoint
CREATE TABLE `link_suggestions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	`content_id` integer NOT NULL,
	`target_page_id` integer NOT NULL,
	`target_url` text NOT NULL,
	`target_title` text DEFAULT '' NOT NULL,
	`anchor_text` text NOT NULL,
	`anchor_start` text NOT NULL,
	`anchor_end` text NOT NULL,
	`score` real DEFAULT 0 NOT NULL,
	`reason` text DEFAULT '' NOT NULL,
	`origin` text DEFAULT 'rules' NOT NULL,
	`direction` text DEFAULT 'outbound' NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`job_id` text,
	`decided_by_user_id` integer,
	`decided_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `link_suggestions_content_idx` ON `link_suggestions` (`account_id`,`content_id`,`status`);--> statement-breakpoint
CREATE INDEX `link_suggestions_site_idx` ON `link_suggestions` (`account_id`,`site_id`,`status`);--> statement-breakpoint
CREATE TABLE `linker_settings` (
	`account_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	`max_links` integer DEFAULT 10 NOT NULL,
	`ai_pass` integer DEFAULT false NOT NULL,
	`inbound_on_publish` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`account_id`, `site_id`)
);
--> statement-breakpoint
CREATE TABLE `site_links` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	`source_page_id` integer NOT NULL,
	`href` text NOT NULL,
	`target_page_id` integer,
	`broken` text
);
--> statement-breakpoint
CREATE INDEX `site_links_source_idx` ON `site_links` (`account_id`,`source_page_id`);--> statement-breakpoint
CREATE INDEX `site_links_target_idx` ON `site_links` (`account_id`,`site_id`,`target_page_id`);--> statement-breakpoint
CREATE TABLE `site_pages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	`kind` text NOT NULL,
	`ref_id` integer NOT NULL,
	`url` text NOT NULL,
	`title` text DEFAULT '' NOT NULL,
	`primary_keyword` text DEFAULT '' NOT NULL,
	`cluster_id` integer,
	`is_hub` integer DEFAULT false NOT NULL,
	`status` text NOT NULL,
	`published_at` integer,
	`scheduled_at` integer,
	`word_count` integer DEFAULT 0 NOT NULL,
	`terms` text DEFAULT '[]' NOT NULL,
	`inbound_count` integer DEFAULT 0 NOT NULL,
	`outbound_count` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `site_pages_ref_idx` ON `site_pages` (`account_id`,`site_id`,`kind`,`ref_id`);--> statement-breakpoint
CREATE INDEX `site_pages_status_idx` ON `site_pages` (`account_id`,`site_id`,`status`);--> statement-breakpoint
ALTER TABLE `content` ADD `cluster_id` integer;--> statement-breakpoint
ALTER TABLE `content` ADD `slug` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `content_site_slug_idx` ON `content` (`account_id`,`site_id`,`slug`) WHERE slug <> '';--> statement-breakpoint
-- Articles written before content knew its cluster take it from their task.
UPDATE `content` SET `cluster_id` = (SELECT `tasks`.`cluster_id` FROM `tasks` WHERE `tasks`.`account_id` = `content`.`account_id` AND `tasks`.`id` = `content`.`task_id`) WHERE `task_id` IS NOT NULL;
