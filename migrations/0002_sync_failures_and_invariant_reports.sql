CREATE TABLE `invariant_reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`group_id` integer NOT NULL,
	`checked_at` integer NOT NULL,
	`ok` integer NOT NULL,
	`projection_checked` integer NOT NULL,
	`problems` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `invariant_reports_group_idx` ON `invariant_reports` (`account_id`,`group_id`,`id`);--> statement-breakpoint
CREATE INDEX `invariant_reports_account_checked_idx` ON `invariant_reports` (`account_id`,`checked_at`);--> statement-breakpoint
CREATE TABLE `sync_failures` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer,
	`shop_id` integer,
	`queue` text NOT NULL,
	`message_id` text NOT NULL,
	`kind` text NOT NULL,
	`body` text NOT NULL,
	`attempts` integer NOT NULL,
	`enqueued_at` integer NOT NULL,
	`created_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	`resolved_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sync_failures_message_uq` ON `sync_failures` (`queue`,`message_id`);--> statement-breakpoint
CREATE INDEX `sync_failures_account_idx` ON `sync_failures` (`account_id`,`id`);