CREATE TABLE `drift` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`shop_id` integer NOT NULL,
	`product_id` integer NOT NULL,
	`master_code` text NOT NULL,
	`mall_code` text NOT NULL,
	`mall_figure` integer NOT NULL,
	`kura_figure` integer NOT NULL,
	`first_seen_at` integer NOT NULL,
	`seen_at` integer NOT NULL,
	`action` text NOT NULL,
	`resolved_at` integer,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `drift_account_idx` ON `drift` (`account_id`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `drift_open_uq` ON `drift` (`shop_id`,`product_id`) WHERE resolved_at IS NULL;--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`cause` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`subject` text NOT NULL,
	`message_ja` text NOT NULL,
	`message_en` text NOT NULL,
	`created_at` integer NOT NULL,
	`read_at` integer,
	`emailed_at` integer,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_key_uq` ON `notifications` (`account_id`,`dedupe_key`);--> statement-breakpoint
CREATE INDEX `notifications_account_idx` ON `notifications` (`account_id`,`id`);--> statement-breakpoint
CREATE TABLE `webhook_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`shop_id` integer NOT NULL,
	`webhook_id` text NOT NULL,
	`topic` text NOT NULL,
	`body` text NOT NULL,
	`received_at` integer NOT NULL,
	`processed_at` integer,
	`outcome` text,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_events_shop_webhook_uq` ON `webhook_events` (`shop_id`,`webhook_id`);--> statement-breakpoint
CREATE INDEX `webhook_events_account_idx` ON `webhook_events` (`account_id`,`id`);--> statement-breakpoint
ALTER TABLE `listings` ADD `drift_checked_at` integer;--> statement-breakpoint
ALTER TABLE `settings` ADD `public_url` text;--> statement-breakpoint
ALTER TABLE `shops` ADD `drift_policy` text DEFAULT 'report' NOT NULL;