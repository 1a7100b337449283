CREATE TABLE `inbound_mail` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`received_at` integer NOT NULL,
	`envelope_from` text NOT NULL,
	`envelope_to` text NOT NULL,
	`message_id` text,
	`subject` text,
	`cart` text,
	`shop_id` integer,
	`order_id` text,
	`outcome` text NOT NULL,
	`reason` text,
	`lines` text DEFAULT '[]' NOT NULL,
	`raw_size` integer NOT NULL,
	`raw` text,
	`raw_truncated` integer DEFAULT false NOT NULL,
	`retried_at` integer,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `inbound_mail_account_idx` ON `inbound_mail` (`account_id`,`id`);--> statement-breakpoint
ALTER TABLE `accounts` ADD `inbound_token` text;--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_inbound_token_uq` ON `accounts` (`inbound_token`);--> statement-breakpoint
-- Accounts created before the inbound address existed get their token here (80 random bits, hex:
-- a mail's local part may come back in any case, and hex survives that); new ones at creation.
UPDATE `accounts` SET `inbound_token` = lower(hex(randomblob(10))) WHERE `inbound_token` IS NULL;
