CREATE INDEX `clusters_scope_volume_idx` ON `clusters` (`account_id`,`site_id`,`volume`);--> statement-breakpoint
CREATE INDEX `content_scope_updated_idx` ON `content` (`account_id`,`site_id`,`updated_at`);--> statement-breakpoint
CREATE INDEX `ideas_scope_created_idx` ON `content_ideas` (`account_id`,`site_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `tasks_scope_created_idx` ON `tasks` (`account_id`,`site_id`,`created_at`);