CREATE TABLE `account_exports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`progress` text DEFAULT '{}' NOT NULL,
	`r2_key` text,
	`bytes` integer,
	`error` text,
	`requested_by_user_id` integer,
	`finished_at` integer,
	`expires_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `account_exports_account_idx` ON `account_exports` (`account_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `ai_call_logs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`site_id` integer,
	`job_id` text,
	`purpose` text NOT NULL,
	`provider` text DEFAULT 'openai' NOT NULL,
	`model` text DEFAULT '' NOT NULL,
	`status` text NOT NULL,
	`finish_reason` text DEFAULT '' NOT NULL,
	`repaired` integer DEFAULT false NOT NULL,
	`tokens_input` integer DEFAULT 0 NOT NULL,
	`tokens_output` integer DEFAULT 0 NOT NULL,
	`cost_usd` real DEFAULT 0 NOT NULL,
	`duration_ms` integer DEFAULT 0 NOT NULL,
	`error` text,
	`body_key` text,
	`body_expires_at` integer,
	`created_by_user_id` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ai_call_logs_account_idx` ON `ai_call_logs` (`account_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `ai_call_logs_purpose_idx` ON `ai_call_logs` (`account_id`,`purpose`,`created_at`);--> statement-breakpoint
CREATE INDEX `ai_call_logs_job_idx` ON `ai_call_logs` (`account_id`,`job_id`);--> statement-breakpoint
CREATE TABLE `ai_prompt_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`prompt_type` text NOT NULL,
	`version` integer NOT NULL,
	`prompt_value` text NOT NULL,
	`source` text DEFAULT 'edit' NOT NULL,
	`restored_from` integer,
	`created_by_user_id` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ai_prompt_versions_idx` ON `ai_prompt_versions` (`account_id`,`prompt_type`,`version`);--> statement-breakpoint
CREATE TABLE `budget_alerts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`period` text NOT NULL,
	`limit_credits` integer NOT NULL,
	`thresholds` text DEFAULT '[80,100]' NOT NULL,
	`fired_period` text,
	`fired_threshold` integer,
	`fired_at` integer,
	`is_active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `budget_alerts_period_idx` ON `budget_alerts` (`account_id`,`period`);--> statement-breakpoint
ALTER TABLE `content_ideas` ADD `author_profile_id` integer;--> statement-breakpoint
ALTER TABLE `sites` ADD `default_author_profile_id` integer;