ALTER TABLE `sites` DROP COLUMN `wp_url`;--> statement-breakpoint
ALTER TABLE `sites` DROP COLUMN `wp_username`;--> statement-breakpoint
ALTER TABLE `sites` DROP COLUMN `wp_app_password_enc`;