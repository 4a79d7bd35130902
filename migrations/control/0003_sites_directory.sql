CREATE TABLE `site_directory` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`hostname` text,
	`account_id` integer NOT NULL,
	`site_id` integer NOT NULL,
	`shard` text NOT NULL,
	`live_version` integer,
	`live_deployment_id` integer,
	`updated_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `site_directory_slug_unique` ON `site_directory` (`slug`);--> statement-breakpoint
CREATE UNIQUE INDEX `site_directory_hostname_unique` ON `site_directory` (`hostname`);--> statement-breakpoint
CREATE UNIQUE INDEX `site_directory_site_idx` ON `site_directory` (`account_id`,`site_id`);