ALTER TABLE `budget_alerts` ADD `mailed_period` text;--> statement-breakpoint
ALTER TABLE `budget_alerts` ADD `mailed_threshold` integer;