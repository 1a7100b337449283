import { z } from "zod";
import { child, childrenNamed, childText, descendants, leaves, type XmlElement } from "../xml";

// Zod schemas of the Wow!manager API answers. XML is first read into plain records by the shared
// reader (src/malls/xml.ts), then validated here. Element names follow the public clients
// (MALLS-MORE.md §1); where the nesting is not certain, items are found at any depth.

const text = z.string().optional();
const int = z.string().trim().regex(/^-?\d+$/).transform(Number);

/** `<response><result><status>0|1</status>[<error><code/><message/></error>…]</result>…`. */
export const envelopeSchema = z.object({
  status: z.string().trim(),
  errors: z.array(z.object({ code: text, message: text })),
});
export type Envelope = z.infer<typeof envelopeSchema>;

export function readEnvelope(root: XmlElement): Envelope | null {
  const result = child(root, "result");
  const r = envelopeSchema.safeParse({
    status: childText(result, "status") ?? childText(root, "status"),
    errors: childrenNamed(result ?? root, "error").map(leaves),
  });
  return r.success ? r.data : null;
}

/** updateStock with status 1: one `<updateResult>` per refused item. */
export const updateResultsSchema = z.array(
  z.object({
    itemCode: z.string().trim().optional(),
    lotNumber: z.string().trim().optional(),
    errors: z.array(z.object({ code: text, message: text })),
  }),
);

export function readUpdateResults(root: XmlElement): unknown {
  return descendants(root, "updateResult").map((u) => ({
    ...leaves(u),
    errors: descendants(u, "error").map(leaves),
  }));
}

export const choiceStockSchema = z.object({
  choicesStockHorizontalCode: text,
  choicesStockVerticalCode: text,
  choicesStockCount: int,
});

/** searchStocks: `searchResult{ maxCount, resultStocks[{ itemCode, stockSegment, stockCount, choicesStocks[] }] }`. */
export const searchStocksSchema = z.object({
  maxCount: int.optional(),
  stocks: z.array(
    z.object({
      itemCode: z.string().trim().min(1),
      stockSegment: z.string().trim().optional(),
      stockCount: int.optional(),
      choices: z.array(choiceStockSchema),
    }),
  ),
});

export function readSearchStocks(root: XmlElement): unknown {
  const max = descendants(root, "maxCount")[0];
  return {
    maxCount: max?.text.trim(),
    stocks: descendants(root, "resultStocks").map((s) => ({
      ...leaves(s),
      stockCount: childText(s, "stockCount") || undefined,
      choices: childrenNamed(s, "choicesStocks").map(leaves),
    })),
  };
}

/** searchTradeInfoListProc: `orderInfo{ orderId, orderDate, orderStatus, cancelStatus, …, detail[] }`. */
export const orderInfoSchema = z.object({
  orderId: z.string().trim().min(1),
  orderDate: z.string().trim().min(1),
  orderStatus: z.string().trim().optional(),
  cancelStatus: z.string().trim().optional(),
  cancelDate: z.string().trim().optional(),
  details: z.array(
    z.object({
      orderDetailId: z.string().trim().min(1),
      itemCode: z.string().trim().min(1),
      itemManagementId: z.string().trim().optional(),
      itemCancelStatus: z.string().trim().optional(),
      unit: int,
    }),
  ),
});
export type OrderInfo = z.infer<typeof orderInfoSchema>;
export const ordersSchema = z.array(orderInfoSchema);

export function readOrders(root: XmlElement): unknown {
  return descendants(root, "orderInfo").map((o) => ({ ...leaves(o), details: childrenNamed(o, "detail").map(leaves) }));
}
