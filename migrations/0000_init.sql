CREATE TABLE `accounts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`max_products` integer DEFAULT 1000 NOT NULL,
	`max_shops` integer DEFAULT 5 NOT NULL,
	`allow_sets` integer DEFAULT true NOT NULL,
	`allow_code_mapping` integer DEFAULT true NOT NULL,
	`created_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `api_tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`scopes` text NOT NULL,
	`created_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_hash_uq` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `api_tokens_account_idx` ON `api_tokens` (`account_id`);--> statement-breakpoint
CREATE TABLE `groups` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`name` text NOT NULL,
	`is_default` integer DEFAULT false NOT NULL,
	`reserved` integer,
	`ratio` integer,
	`sales_limit` integer,
	`created_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	`updated_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `groups_account_name_uq` ON `groups` (`account_id`,`name`);--> statement-breakpoint
CREATE TABLE `listings` (
	`account_id` integer NOT NULL,
	`product_id` integer NOT NULL,
	`shop_id` integer NOT NULL,
	`managed` integer DEFAULT true NOT NULL,
	`mall_code` text,
	`manual_figure` integer,
	`mall_ref` text,
	`last_sent_figure` integer,
	`last_sent_at` integer,
	`last_result` text,
	`updated_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	PRIMARY KEY(`product_id`, `shop_id`),
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`shop_id`) REFERENCES `shops`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `listings_account_shop_code_idx` ON `listings` (`account_id`,`shop_id`,`mall_code`);--> statement-breakpoint
CREATE INDEX `listings_shop_idx` ON `listings` (`shop_id`);--> statement-breakpoint
CREATE TABLE `mall_update_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`at` integer NOT NULL,
	`shop_id` integer NOT NULL,
	`product_id` integer,
	`master_code` text,
	`mall_code` text,
	`figure` integer,
	`result` text NOT NULL,
	`error_class` text,
	`attempt` integer DEFAULT 1 NOT NULL,
	`confirmed_at` integer
);
--> statement-breakpoint
CREATE INDEX `mall_update_log_account_at_idx` ON `mall_update_log` (`account_id`,`at`);--> statement-breakpoint
CREATE TABLE `operation_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`at` integer NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`target` text,
	`before` text,
	`after` text
);
--> statement-breakpoint
CREATE INDEX `operation_log_account_at_idx` ON `operation_log` (`account_id`,`at`);--> statement-breakpoint
CREATE INDEX `operation_log_account_target_at_idx` ON `operation_log` (`account_id`,`target`,`at`);--> statement-breakpoint
CREATE TABLE `products` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`master_code` text NOT NULL,
	`name` text NOT NULL,
	`group_id` integer NOT NULL,
	`reserved` integer,
	`low_stock_threshold` integer,
	`sync_mode` text DEFAULT 'auto' NOT NULL,
	`is_set` integer DEFAULT false NOT NULL,
	`created_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	`updated_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`group_id`) REFERENCES `groups`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `products_account_code_uq` ON `products` (`account_id`,`master_code`);--> statement-breakpoint
CREATE INDEX `products_account_group_idx` ON `products` (`account_id`,`group_id`,`master_code`);--> statement-breakpoint
CREATE INDEX `products_account_name_idx` ON `products` (`account_id`,`name`);--> statement-breakpoint
CREATE TABLE `sales_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`at` integer NOT NULL,
	`source` text NOT NULL,
	`shop_id` integer,
	`order_id` text NOT NULL,
	`line_id` text NOT NULL,
	`kind` text NOT NULL,
	`mall_code` text,
	`master_code` text,
	`product_id` integer,
	`quantity` integer NOT NULL,
	`on_hand_before` integer,
	`on_hand_after` integer,
	`result` text NOT NULL,
	`line_key` text NOT NULL,
	`resolved_at` integer
);
--> statement-breakpoint
CREATE INDEX `sales_log_account_at_idx` ON `sales_log` (`account_id`,`at`);--> statement-breakpoint
CREATE INDEX `sales_log_account_code_at_idx` ON `sales_log` (`account_id`,`master_code`,`at`);--> statement-breakpoint
CREATE UNIQUE INDEX `sales_log_unknown_uq` ON `sales_log` (`account_id`,`line_key`) WHERE result IN ('unknown_code', 'ignored');--> statement-breakpoint
CREATE TABLE `sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`account_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`csrf_token` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `set_components` (
	`account_id` integer NOT NULL,
	`set_id` integer NOT NULL,
	`component_id` integer NOT NULL,
	`quantity` integer NOT NULL,
	PRIMARY KEY(`set_id`, `component_id`),
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`set_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`component_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `set_components_component_idx` ON `set_components` (`account_id`,`component_id`);--> statement-breakpoint
CREATE TABLE `settings` (
	`account_id` integer PRIMARY KEY NOT NULL,
	`sync_enabled` integer DEFAULT true NOT NULL,
	`reflect_interval_min` integer DEFAULT 5 NOT NULL,
	`updated_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `shops` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`import_enabled` integer DEFAULT true NOT NULL,
	`update_enabled` integer DEFAULT true NOT NULL,
	`cancel_policy` text DEFAULT 'restore' NOT NULL,
	`ratio` integer,
	`sales_limit` integer,
	`base_url` text,
	`credentials_enc` text,
	`credentials_expire_at` integer,
	`status` text DEFAULT 'ok' NOT NULL,
	`last_test_at` integer,
	`last_test_ok` integer,
	`last_test_reason` text,
	`last_import_at` integer,
	`last_push_at` integer,
	`last_error` text,
	`pull_cursor` text,
	`created_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	`updated_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `shops_account_idx` ON `shops` (`account_id`);--> statement-breakpoint
CREATE TABLE `stock` (
	`product_id` integer PRIMARY KEY NOT NULL,
	`account_id` integer NOT NULL,
	`on_hand` integer NOT NULL,
	`version` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`product_id`) REFERENCES `products`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `stock_account_on_hand_idx` ON `stock` (`account_id`,`on_hand`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`email` text NOT NULL,
	`password_hash` text NOT NULL,
	`role` text NOT NULL,
	`created_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_uq` ON `users` (`email`);--> statement-breakpoint
CREATE INDEX `users_account_idx` ON `users` (`account_id`);