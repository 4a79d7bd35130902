CREATE TABLE `automation_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	`rule_id` integer NOT NULL,
	`scheduled_task_id` integer,
	`source` text NOT NULL,
	`dry_run` integer DEFAULT false NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`current_stage` integer DEFAULT 0 NOT NULL,
	`stages` text DEFAULT '[]' NOT NULL,
	`config` text DEFAULT '{}' NOT NULL,
	`trigger_payload` text,
	`credits_estimate` integer DEFAULT 0 NOT NULL,
	`credits_used` integer DEFAULT 0 NOT NULL,
	`error` text,
	`dead_letter` text,
	`requested_by_user_id` integer,
	`version` integer DEFAULT 1 NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `automation_runs_site_idx` ON `automation_runs` (`account_id`,`site_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `automation_runs_rule_idx` ON `automation_runs` (`account_id`,`rule_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `integration_drift` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	`integration_id` integer NOT NULL,
	`content_id` integer NOT NULL,
	`wp_post_id` integer NOT NULL,
	`remote_modified_at` integer NOT NULL,
	`published_at` integer,
	`status` text DEFAULT 'open' NOT NULL,
	`detected_at` integer NOT NULL,
	`resolved_at` integer,
	`resolved_by_user_id` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `integration_drift_content_idx` ON `integration_drift` (`account_id`,`integration_id`,`content_id`);--> statement-breakpoint
CREATE INDEX `integration_drift_status_idx` ON `integration_drift` (`account_id`,`site_id`,`status`);--> statement-breakpoint
CREATE TABLE `integration_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	`integration_id` integer NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`summary` text DEFAULT '' NOT NULL,
	`detail` text,
	`duration_ms` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `integration_events_integration_idx` ON `integration_events` (`account_id`,`integration_id`,`created_at`);--> statement-breakpoint
DROP INDEX `scheduled_tasks_rule_time_idx`;--> statement-breakpoint
ALTER TABLE `scheduled_tasks` ADD `source` text DEFAULT 'schedule' NOT NULL;--> statement-breakpoint
ALTER TABLE `scheduled_tasks` ADD `dedupe_key` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `scheduled_tasks` ADD `run_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `scheduled_tasks_dedupe_idx` ON `scheduled_tasks` (`account_id`,`automation_rule_id`,`dedupe_key`);--> statement-breakpoint
CREATE INDEX `scheduled_tasks_site_idx` ON `scheduled_tasks` (`account_id`,`site_id`,`scheduled_at`);--> statement-breakpoint
ALTER TABLE `automation_rules` ADD `timezone` text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE `automation_rules` ADD `event_type` text;--> statement-breakpoint
ALTER TABLE `automation_rules` ADD `config` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `automation_rules` ADD `created_by_user_id` integer;--> statement-breakpoint
ALTER TABLE `automation_rules` ADD `version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE INDEX `automation_rules_event_idx` ON `automation_rules` (`account_id`,`site_id`,`event_type`);--> statement-breakpoint
ALTER TABLE `site_integrations` ADD `webhook_secret_enc` text;--> statement-breakpoint
ALTER TABLE `site_integrations` ADD `sync_cursor` text;--> statement-breakpoint
ALTER TABLE `site_integrations` ADD `health_status` text DEFAULT 'unknown' NOT NULL;--> statement-breakpoint
ALTER TABLE `site_integrations` ADD `health` text;--> statement-breakpoint
ALTER TABLE `site_integrations` ADD `last_health_at` integer;--> statement-breakpoint
ALTER TABLE `site_integrations` ADD `version` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE INDEX `site_integrations_health_idx` ON `site_integrations` (`is_active`,`last_health_at`);--> statement-breakpoint
ALTER TABLE `site_pages` ADD `remote_modified_at` integer;--> statement-breakpoint
-- The WordPress connection moves from the site row into a SiteIntegration (issue 13). The sealed
-- password is copied as it is: its AES-GCM purpose names the account and site, not the table.
INSERT INTO `site_integrations` (`account_id`, `site_id`, `platform`, `platform_type`, `config`, `credentials_enc`,
  `is_active`, `sync_enabled`, `sync_status`, `health_status`, `version`, `created_at`, `updated_at`)
SELECT `account_id`, `id`, 'wordpress', 'cms', json_object('url', `wp_url`, 'username', coalesce(`wp_username`, '')),
  `wp_app_password_enc`, 1, 0, 'pending', 'unknown', 1, `created_at`, `updated_at`
FROM `sites` WHERE `wp_url` IS NOT NULL
ON CONFLICT DO NOTHING;
