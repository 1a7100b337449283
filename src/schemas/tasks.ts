import { z } from "zod";

// Queue message bodies. Small task descriptions, never payloads: consumers read current state.

export const stockChangedTask = z.object({
  kind: z.literal("stock-changed"),
  accountId: z.number().int(),
  groupId: z.number().int(),
  productIds: z.array(z.number().int()),
  soldOut: z.array(z.number().int()),
});

export const shopTask = z.object({
  kind: z.enum(["pull", "push"]),
  accountId: z.number().int(),
  shopId: z.number().int(),
  urgent: z.boolean().optional(),
});

export const task = z.discriminatedUnion("kind", [stockChangedTask, shopTask]);
export type Task = z.infer<typeof task>;
