CREATE TABLE `import_chunks` (
	`import_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`account_id` integer NOT NULL,
	`row_count` integer NOT NULL,
	`has_sets` integer NOT NULL,
	`valid_rows` integer,
	`new_count` integer,
	`validated` integer DEFAULT false NOT NULL,
	`applied_plain` integer DEFAULT false NOT NULL,
	`applied_sets` integer DEFAULT false NOT NULL,
	`applied_rows` integer DEFAULT 0 NOT NULL,
	`rows` text NOT NULL,
	`verdicts` text,
	PRIMARY KEY(`import_id`, `seq`),
	FOREIGN KEY (`import_id`) REFERENCES `imports`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `import_errors` (
	`import_id` integer NOT NULL,
	`line` integer NOT NULL,
	`column` text NOT NULL,
	`message` text NOT NULL,
	`message_en` text NOT NULL,
	PRIMARY KEY(`import_id`, `line`, `column`),
	FOREIGN KEY (`import_id`) REFERENCES `imports`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `imports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` integer NOT NULL,
	`job_id` integer NOT NULL,
	`kind` text NOT NULL,
	`encoding` text NOT NULL,
	`stock_mode` text NOT NULL,
	`phase` text NOT NULL,
	`created_by` text NOT NULL,
	`applied_by` text,
	`file_name` text,
	`columns` text NOT NULL,
	`rows_total` integer NOT NULL,
	`chunks_total` integer NOT NULL,
	`rows_valid` integer,
	`rows_invalid` integer,
	`new_products` integer,
	`plan_remaining` integer,
	`on_plan_limit` text,
	`new_allowed` integer,
	`applied` text,
	`failure` text,
	`failures` integer DEFAULT 0 NOT NULL,
	`lease_until` integer,
	`phase_started_at` integer NOT NULL,
	`created_at` integer DEFAULT (CAST(unixepoch('subsec') * 1000 AS INTEGER)) NOT NULL,
	`updated_at` integer NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `imports_account_idx` ON `imports` (`account_id`,`id`);