ALTER TABLE `listings` ADD `mall_figure` integer;--> statement-breakpoint
ALTER TABLE `operation_log` ADD `entry_key` text;--> statement-breakpoint
CREATE UNIQUE INDEX `operation_log_entry_uq` ON `operation_log` (`account_id`,`entry_key`) WHERE entry_key IS NOT NULL;--> statement-breakpoint
ALTER TABLE `sales_log` ADD `entry_key` text;--> statement-breakpoint
CREATE UNIQUE INDEX `sales_log_entry_uq` ON `sales_log` (`account_id`,`entry_key`) WHERE entry_key IS NOT NULL;--> statement-breakpoint
-- Until now Kura assumed the mall showed what it was last sent.
UPDATE `listings` SET `mall_figure` = `last_sent_figure` WHERE `last_result` = 'ok';
