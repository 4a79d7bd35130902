CREATE TABLE `ai_prompts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`prompt_type` text NOT NULL,
	`prompt_value` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ai_prompts_type_idx` ON `ai_prompts` (`account_id`,`prompt_type`);--> statement-breakpoint
CREATE TABLE `ai_task_logs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	`job_id` text NOT NULL,
	`function_name` text NOT NULL,
	`status` text NOT NULL,
	`phase` text DEFAULT 'INIT' NOT NULL,
	`message` text DEFAULT '' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`tokens_input` integer DEFAULT 0 NOT NULL,
	`tokens_output` integer DEFAULT 0 NOT NULL,
	`cost_usd` real DEFAULT 0 NOT NULL,
	`duration_ms` integer DEFAULT 0 NOT NULL,
	`error` text,
	`payload` text DEFAULT '{}' NOT NULL,
	`result` text,
	`created_by_user_id` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ai_task_logs_job_idx` ON `ai_task_logs` (`account_id`,`job_id`);--> statement-breakpoint
CREATE INDEX `ai_task_logs_site_idx` ON `ai_task_logs` (`account_id`,`site_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `author_profiles` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`tone` text DEFAULT 'professional' NOT NULL,
	`language` text DEFAULT 'en' NOT NULL,
	`structure_template` text DEFAULT '{}' NOT NULL,
	`is_active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `author_profiles_account_idx` ON `author_profiles` (`account_id`,`is_active`);--> statement-breakpoint
CREATE TABLE `automation_rules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	`sector_id` integer,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`trigger` text NOT NULL,
	`schedule` text,
	`conditions` text DEFAULT '[]' NOT NULL,
	`actions` text DEFAULT '[]' NOT NULL,
	`is_active` integer DEFAULT true NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`last_executed_at` integer,
	`next_run_at` integer,
	`execution_count` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `automation_rules_site_idx` ON `automation_rules` (`account_id`,`site_id`,`is_active`);--> statement-breakpoint
CREATE INDEX `automation_rules_due_idx` ON `automation_rules` (`is_active`,`next_run_at`);--> statement-breakpoint
CREATE TABLE `clusters` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	`sector_id` integer NOT NULL,
	`name` text NOT NULL,
	`normalized_name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`keywords_count` integer DEFAULT 0 NOT NULL,
	`volume` integer DEFAULT 0 NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`source_job_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `clusters_scope_idx` ON `clusters` (`account_id`,`site_id`,`sector_id`,`status`);--> statement-breakpoint
CREATE UNIQUE INDEX `clusters_sector_name_idx` ON `clusters` (`account_id`,`sector_id`,`normalized_name`);--> statement-breakpoint
CREATE TABLE `content` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	`sector_id` integer NOT NULL,
	`task_id` integer,
	`title` text NOT NULL,
	`html_content` text DEFAULT '' NOT NULL,
	`word_count` integer DEFAULT 0 NOT NULL,
	`meta_title` text DEFAULT '' NOT NULL,
	`meta_description` text DEFAULT '' NOT NULL,
	`primary_keyword` text DEFAULT '' NOT NULL,
	`secondary_keywords` text DEFAULT '[]' NOT NULL,
	`tags` text DEFAULT '[]' NOT NULL,
	`categories` text DEFAULT '[]' NOT NULL,
	`excerpt` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`status_changed_by_user_id` integer,
	`status_changed_at` integer,
	`source` text DEFAULT 'ai' NOT NULL,
	`wp_post_id` integer,
	`wp_post_url` text,
	`published_at` integer,
	`draft_revision` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `content_scope_idx` ON `content` (`account_id`,`site_id`,`sector_id`,`status`);--> statement-breakpoint
CREATE UNIQUE INDEX `content_task_idx` ON `content` (`account_id`,`task_id`);--> statement-breakpoint
CREATE TABLE `content_ideas` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	`sector_id` integer NOT NULL,
	`cluster_id` integer,
	`idea_title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`content_type` text DEFAULT 'post' NOT NULL,
	`content_structure` text DEFAULT 'article' NOT NULL,
	`target_keywords` text DEFAULT '[]' NOT NULL,
	`estimated_word_count` integer DEFAULT 1500 NOT NULL,
	`outline` text DEFAULT '[]' NOT NULL,
	`status` text DEFAULT 'new' NOT NULL,
	`source_job_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ideas_scope_idx` ON `content_ideas` (`account_id`,`site_id`,`sector_id`,`status`);--> statement-breakpoint
CREATE INDEX `ideas_cluster_idx` ON `content_ideas` (`account_id`,`cluster_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `ideas_job_title_idx` ON `content_ideas` (`account_id`,`source_job_id`,`cluster_id`,`idea_title`);--> statement-breakpoint
CREATE TABLE `credit_balances` (
	`account_id` integer PRIMARY KEY NOT NULL,
	`balance` integer DEFAULT 0 NOT NULL,
	`reserved` integer DEFAULT 0 NOT NULL,
	`last_tx_key` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `credit_transactions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`transaction_type` text NOT NULL,
	`amount` integer NOT NULL,
	`balance_after` integer NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`idempotency_key` text NOT NULL,
	`job_id` text,
	`metadata` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `credit_tx_idempotency_idx` ON `credit_transactions` (`account_id`,`idempotency_key`);--> statement-breakpoint
CREATE INDEX `credit_tx_account_created_idx` ON `credit_transactions` (`account_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `credit_usage_logs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`site_id` integer,
	`operation_type` text NOT NULL,
	`credits_used` integer NOT NULL,
	`cost_usd` real DEFAULT 0 NOT NULL,
	`model_used` text DEFAULT '' NOT NULL,
	`tokens_input` integer DEFAULT 0 NOT NULL,
	`tokens_output` integer DEFAULT 0 NOT NULL,
	`related_object_type` text,
	`related_object_id` integer,
	`job_id` text,
	`metadata` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `credit_usage_account_created_idx` ON `credit_usage_logs` (`account_id`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `credit_usage_job_idx` ON `credit_usage_logs` (`account_id`,`job_id`);--> statement-breakpoint
CREATE TABLE `deployment_records` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	`site_blueprint_id` integer NOT NULL,
	`version` integer NOT NULL,
	`deployed_version` integer,
	`status` text DEFAULT 'pending' NOT NULL,
	`deployment_url` text,
	`error_message` text,
	`metadata` text DEFAULT '{}' NOT NULL,
	`deployed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `deployment_records_blueprint_idx` ON `deployment_records` (`account_id`,`site_id`,`site_blueprint_id`);--> statement-breakpoint
CREATE TABLE `images` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	`sector_id` integer NOT NULL,
	`task_id` integer,
	`content_id` integer,
	`image_type` text NOT NULL,
	`prompt` text DEFAULT '' NOT NULL,
	`alt` text DEFAULT '' NOT NULL,
	`after_section` integer,
	`r2_key` text,
	`mime_type` text,
	`width` integer,
	`height` integer,
	`provider` text,
	`model` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`wp_media_id` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `images_content_idx` ON `images` (`account_id`,`site_id`,`content_id`);--> statement-breakpoint
CREATE TABLE `integration_settings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`integration_type` text NOT NULL,
	`config` text DEFAULT '{}' NOT NULL,
	`api_key_enc` text,
	`is_active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `integration_settings_type_idx` ON `integration_settings` (`account_id`,`integration_type`);--> statement-breakpoint
CREATE TABLE `keyword_clusters` (
	`account_id` integer NOT NULL,
	`keyword_id` integer NOT NULL,
	`cluster_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`account_id`, `keyword_id`, `cluster_id`)
);
--> statement-breakpoint
CREATE INDEX `keyword_clusters_cluster_idx` ON `keyword_clusters` (`account_id`,`cluster_id`);--> statement-breakpoint
CREATE TABLE `keywords` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	`sector_id` integer NOT NULL,
	`keyword` text NOT NULL,
	`normalized` text NOT NULL,
	`volume` integer DEFAULT 0 NOT NULL,
	`difficulty` integer DEFAULT 0 NOT NULL,
	`intent` text DEFAULT 'informational' NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`cluster_id` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `keywords_sector_normalized_idx` ON `keywords` (`account_id`,`sector_id`,`normalized`);--> statement-breakpoint
CREATE INDEX `keywords_scope_status_idx` ON `keywords` (`account_id`,`site_id`,`sector_id`,`status`);--> statement-breakpoint
CREATE INDEX `keywords_scope_volume_idx` ON `keywords` (`account_id`,`site_id`,`volume`);--> statement-breakpoint
CREATE INDEX `keywords_cluster_idx` ON `keywords` (`account_id`,`cluster_id`);--> statement-breakpoint
CREATE TABLE `page_blueprints` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	`site_blueprint_id` integer NOT NULL,
	`slug` text NOT NULL,
	`title` text NOT NULL,
	`type` text DEFAULT 'custom' NOT NULL,
	`blocks` text DEFAULT '[]' NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`order` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `page_blueprints_slug_idx` ON `page_blueprints` (`account_id`,`site_blueprint_id`,`slug`);--> statement-breakpoint
CREATE TABLE `publishing_records` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	`content_id` integer NOT NULL,
	`destination` text NOT NULL,
	`destination_id` text,
	`destination_url` text,
	`status` text DEFAULT 'pending' NOT NULL,
	`error_message` text,
	`metadata` text DEFAULT '{}' NOT NULL,
	`created_by_user_id` integer,
	`published_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `publishing_records_content_idx` ON `publishing_records` (`account_id`,`site_id`,`content_id`);--> statement-breakpoint
CREATE TABLE `scheduled_tasks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	`automation_rule_id` integer NOT NULL,
	`scheduled_at` integer NOT NULL,
	`executed_at` integer,
	`status` text DEFAULT 'pending' NOT NULL,
	`result` text,
	`error_message` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `scheduled_tasks_rule_time_idx` ON `scheduled_tasks` (`account_id`,`automation_rule_id`,`scheduled_at`);--> statement-breakpoint
CREATE TABLE `sectors` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	`name` text NOT NULL,
	`slug` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`industry_sector_id` integer,
	`status` text DEFAULT 'active' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sectors_site_slug_idx` ON `sectors` (`account_id`,`site_id`,`slug`);--> statement-breakpoint
CREATE INDEX `sectors_account_site_status_idx` ON `sectors` (`account_id`,`site_id`,`status`);--> statement-breakpoint
CREATE TABLE `site_blueprint_clusters` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	`site_blueprint_id` integer NOT NULL,
	`cluster_id` integer NOT NULL,
	`role` text DEFAULT 'hub' NOT NULL,
	`coverage_status` text DEFAULT 'pending' NOT NULL,
	`metadata` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `blueprint_clusters_idx` ON `site_blueprint_clusters` (`account_id`,`site_blueprint_id`,`cluster_id`,`role`);--> statement-breakpoint
CREATE TABLE `site_blueprint_taxonomies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	`site_blueprint_id` integer NOT NULL,
	`name` text NOT NULL,
	`slug` text NOT NULL,
	`taxonomy_type` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`metadata` text DEFAULT '{}' NOT NULL,
	`external_reference` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `blueprint_taxonomies_idx` ON `site_blueprint_taxonomies` (`account_id`,`site_blueprint_id`,`taxonomy_type`,`slug`);--> statement-breakpoint
CREATE TABLE `site_blueprints` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`config` text DEFAULT '{}' NOT NULL,
	`structure` text DEFAULT '{}' NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`hosting_type` text DEFAULT 'igny8_sites' NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`deployed_version` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `site_blueprints_site_idx` ON `site_blueprints` (`account_id`,`site_id`,`status`);--> statement-breakpoint
CREATE TABLE `site_integrations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	`platform` text NOT NULL,
	`platform_type` text DEFAULT 'cms' NOT NULL,
	`config` text DEFAULT '{}' NOT NULL,
	`credentials_enc` text,
	`is_active` integer DEFAULT true NOT NULL,
	`sync_enabled` integer DEFAULT false NOT NULL,
	`last_sync_at` integer,
	`sync_status` text DEFAULT 'pending' NOT NULL,
	`sync_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `site_integrations_platform_idx` ON `site_integrations` (`account_id`,`site_id`,`platform`);--> statement-breakpoint
CREATE TABLE `site_user_access` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`granted_by_user_id` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `site_access_user_site_idx` ON `site_user_access` (`account_id`,`user_id`,`site_id`);--> statement-breakpoint
CREATE INDEX `site_access_site_idx` ON `site_user_access` (`account_id`,`site_id`);--> statement-breakpoint
CREATE TABLE `sites` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`name` text NOT NULL,
	`slug` text NOT NULL,
	`domain` text,
	`description` text DEFAULT '' NOT NULL,
	`industry_id` integer,
	`status` text DEFAULT 'active' NOT NULL,
	`hosting_type` text DEFAULT 'wordpress' NOT NULL,
	`wp_url` text,
	`wp_username` text,
	`wp_app_password_enc` text,
	`seo_metadata` text DEFAULT '{}' NOT NULL,
	`deleted_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sites_account_slug_idx` ON `sites` (`account_id`,`slug`);--> statement-breakpoint
CREATE INDEX `sites_account_status_idx` ON `sites` (`account_id`,`status`);--> statement-breakpoint
CREATE TABLE `strategies` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`sector_id` integer,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`prompt_types` text DEFAULT '[]' NOT NULL,
	`section_logic` text DEFAULT '{}' NOT NULL,
	`is_active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `strategies_account_idx` ON `strategies` (`account_id`,`sector_id`);--> statement-breakpoint
CREATE TABLE `tasks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	`sector_id` integer NOT NULL,
	`cluster_id` integer,
	`idea_id` integer,
	`title` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`target_keywords` text DEFAULT '[]' NOT NULL,
	`content_type` text DEFAULT 'post' NOT NULL,
	`content_structure` text DEFAULT 'article' NOT NULL,
	`word_count_target` integer DEFAULT 1500 NOT NULL,
	`author_profile_id` integer,
	`prompt_override` text,
	`status` text DEFAULT 'queued' NOT NULL,
	`content_id` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `tasks_scope_idx` ON `tasks` (`account_id`,`site_id`,`sector_id`,`status`);--> statement-breakpoint
CREATE UNIQUE INDEX `tasks_idea_idx` ON `tasks` (`account_id`,`idea_id`);