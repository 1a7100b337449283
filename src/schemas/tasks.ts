import { z } from "zod";

// Queue message bodies. Small task descriptions, never payloads: consumers read current state.

export const stockChangedTask = z.object({
  kind: z.literal("stock-changed"),
  accountId: z.number().int(),
  groupId: z.number().int(),
  productIds: z.array(z.number().int()),
  soldOut: z.array(z.number().int()),
  /**
   * The drain has already marked these products dirty on the shops itself (its fast path, which
   * skips the queue's batch wait): the consumer only raises the stock alerts. Absent or false,
   * the consumer marks them (the durable path).
   */
  marked: z.boolean().optional(),
});

export const shopTask = z.object({
  kind: z.enum(["pull", "push"]),
  accountId: z.number().int(),
  shopId: z.number().int(),
  urgent: z.boolean().optional(),
});

/** A verified webhook kept in webhook_events, to be applied off the request (src/sync/webhook-intake.ts). */
export const webhookTask = z.object({
  kind: z.literal("webhook"),
  accountId: z.number().int(),
  shopId: z.number().int(),
  eventId: z.number().int(),
});

/** One step of a shop's drift walk (src/sync/drift.ts), sent by the minute's push task half a minute on. */
export const driftTask = z.object({
  kind: z.literal("drift"),
  accountId: z.number().int(),
  shopId: z.number().int(),
});

/**
 * Housekeeping (src/sync/housekeeping.ts), on kura-push. Without an accountId a job is a sweep:
 * it lists what to do (from id `after` on) and enqueues one task per shop, group or account.
 */
export const housekeepingTask = z.object({
  kind: z.literal("housekeeping"),
  job: z.enum(["connection-test", "invariant-check", "prune-logs", "prune-sessions"]),
  accountId: z.number().int().optional(),
  shopId: z.number().int().optional(),
  groupId: z.number().int().optional(),
  after: z.number().int().optional(),
});
export type HousekeepingTask = z.infer<typeof housekeepingTask>;

/** One step of a CSV import's job (src/csv/import-job.ts), on kura-push. */
export const importTask = z.object({
  kind: z.literal("import"),
  accountId: z.number().int(),
  importId: z.number().int(),
});

export const task = z.discriminatedUnion("kind", [stockChangedTask, shopTask, webhookTask, driftTask, housekeepingTask, importTask]);
export type Task = z.infer<typeof task>;
