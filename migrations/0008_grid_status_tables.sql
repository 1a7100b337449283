CREATE TABLE `grid_unstocked` (
	`product_id` integer PRIMARY KEY NOT NULL,
	`account_id` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `grid_unstocked_account_idx` ON `grid_unstocked` (`account_id`,`product_id`);--> statement-breakpoint
CREATE TABLE `grid_unsynced` (
	`product_id` integer PRIMARY KEY NOT NULL,
	`account_id` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `grid_unsynced_account_idx` ON `grid_unsynced` (`account_id`,`product_id`);--> statement-breakpoint
CREATE INDEX `products_low_threshold_idx` ON `products` (`account_id`,`low_stock_threshold`) WHERE low_stock_threshold IS NOT NULL;