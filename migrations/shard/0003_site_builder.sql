CREATE TABLE `site_assets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	`kind` text DEFAULT 'image' NOT NULL,
	`filename` text NOT NULL,
	`r2_key` text NOT NULL,
	`content_type` text NOT NULL,
	`bytes` integer NOT NULL,
	`width` integer,
	`height` integer,
	`alt` text DEFAULT '' NOT NULL,
	`sha256` text NOT NULL,
	`created_by_user_id` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `site_assets_site_idx` ON `site_assets` (`account_id`,`site_id`,`kind`);--> statement-breakpoint
ALTER TABLE `content` ADD `publish_at` integer;--> statement-breakpoint
ALTER TABLE `content` ADD `publish_destination` text;--> statement-breakpoint
ALTER TABLE `content` ADD `site_published_at` integer;--> statement-breakpoint
CREATE INDEX `content_site_live_idx` ON `content` (`account_id`,`site_id`,`site_published_at`);--> statement-breakpoint
ALTER TABLE `deployment_records` ADD `kind` text DEFAULT 'full' NOT NULL;--> statement-breakpoint
ALTER TABLE `deployment_records` ADD `job_id` text;--> statement-breakpoint
ALTER TABLE `deployment_records` ADD `files` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `deployment_records` ADD `bytes` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `deployment_records` ADD `files_changed` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `deployment_records` ADD `duration_ms` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `deployment_records` ADD `created_by_user_id` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `deployment_records_version_idx` ON `deployment_records` (`account_id`,`site_id`,`version`);--> statement-breakpoint
ALTER TABLE `page_blueprints` ADD `parent_id` integer;--> statement-breakpoint
ALTER TABLE `page_blueprints` ADD `cluster_id` integer;--> statement-breakpoint
ALTER TABLE `page_blueprints` ADD `in_nav` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `page_blueprints` ADD `meta_description` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `page_blueprints` ADD `version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `site_blueprints` ADD `type` text DEFAULT 'blog' NOT NULL;--> statement-breakpoint
ALTER TABLE `site_blueprints` ADD `theme` text DEFAULT 'editorial' NOT NULL;