import { z } from "zod";

// Request and response shapes of /sync (failed tasks and invariant reports).

export const syncFailuresQuery = z.object({
  status: z.enum(["open", "resolved"]).optional().describe("open: not yet retried; resolved: retried"),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const syncFailureOut = z.object({
  id: z.number(),
  queue: z.string().describe("The queue the task failed on; a retry sends it there again"),
  kind: z.string().describe("pull, push, stock-changed, housekeeping (unknown: a body Kura could not read)"),
  shopId: z.number().nullable(),
  task: z.unknown().describe("The task message as it was sent"),
  attempts: z.number().describe("Deliveries before it was given up"),
  enqueuedAt: z.string().nullable(),
  failedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
});

export const invariantsQuery = z.object({
  all: z.enum(["true", "false"]).optional().describe("true: every group's latest report, also those without problems"),
});

export const invariantReportOut = z.object({
  groupId: z.number(),
  group: z.string().nullable(),
  checkedAt: z.string(),
  ok: z.boolean(),
  projectionChecked: z.boolean().describe("false: the group had changes on their way to D1, only its ledger was checked"),
  problems: z.array(z.record(z.string(), z.unknown())),
});
