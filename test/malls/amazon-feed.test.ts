import { describe, expect, it } from "vitest";
import { amazonAdapter } from "../../src/malls/amazon";
import { expectRequestsMatchSpecs, setup } from "./amazon-helpers";

const codes = (n: number, prefix = "F") => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe("amazon JSON_LISTINGS_FEED pushes", () => {
  it("a push of 45 items is one feed: document, upload, createFeed, getFeed, report", async () => {
    const { ctx, state, apiCalls } = setup();
    state.setListings(codes(44).map((code) => ({ code, quantity: 1, productType: "HOME" })));
    const items = [...codes(44), "UNKNOWN-SKU"].map((mallCode, i) => ({ mallCode, quantity: i }));
    const res = await amazonAdapter.pushStock(ctx, items);

    const calls = apiCalls().map((c) => c.replace(/\/[^/]*$/, "/…"));
    expect(calls).toEqual([
      "POST /feeds/2021-06-30/…",
      "PUT /__storage/feed-documents/…",
      "POST /feeds/2021-06-30/…",
      "GET /feeds/2021-06-30/feeds/…",
      "GET /feeds/2021-06-30/documents/…",
      "GET /__storage/feed-documents/…",
    ]);
    const doc = state.requests.find((r) => r.op === "feedDocument")!.body as any;
    expect(doc.header).toMatchObject({ sellerId: ctx.credentials.sellerId, version: "2.0" });
    expect(doc.messages).toHaveLength(45);
    expect(doc.messages[3]).toEqual({
      messageId: 4,
      sku: "F3",
      operationType: "PATCH",
      productType: "PRODUCT",
      patches: [{ op: "replace", path: "/attributes/fulfillment_availability", value: [{ fulfillment_channel_code: "DEFAULT", quantity: 3 }] }],
    });
    expect(res.slice(0, 44).every((r) => r.ok && r.submissionId)).toBe(true);
    expect(res[44]).toMatchObject({ mallCode: "UNKNOWN-SKU", ok: false, error: { errorClass: "item" } });
    expect(await amazonAdapter.readStock(ctx, ["F0", "F43"])).toEqual([
      { mallCode: "F0", quantity: 0 },
      { mallCode: "F43", quantity: 43 },
    ]);
    expect(expectRequestsMatchSpecs(state)).toBe(3);
  });

  it("a cached productType is sent in the feed message and kept in ref", async () => {
    const { ctx, state } = setup();
    state.setListings(codes(25).map((code) => ({ code, quantity: 1, productType: "HOME" })));
    const res = await amazonAdapter.pushStock(ctx, codes(25).map((mallCode) => ({ mallCode, quantity: 2, ref: { productType: "HOME" } })));
    expect(res.every((r) => r.ok && r.ref?.productType === "HOME")).toBe(true);
    const doc = state.requests.find((r) => r.op === "feedDocument")!.body as any;
    expect(doc.messages.every((m: any) => m.productType === "HOME")).toBe(true);
  });

  it("a feed still IN_QUEUE after the short wait reports its feedId as the submission", async () => {
    const { ctx, state } = setup();
    state.feedProcessingMs = 600_000;
    state.setListings(codes(30).map((code) => ({ code, quantity: 1 })));
    const res = await amazonAdapter.pushStock(ctx, codes(30).map((mallCode) => ({ mallCode, quantity: 5 })));
    const feedId = [...state.feeds.keys()][0];
    expect(res.every((r) => r.ok && r.submissionId === feedId)).toBe(true);
    expect(state.calls.filter((c) => c.path.startsWith("/feeds/2021-06-30/feeds/"))).toHaveLength(3);
  });

  it("a push of 25,001 items is split into two feeds of ≤ 25,000 messages", async () => {
    const { ctx, state } = setup();
    const all = codes(25_001);
    state.setListings(all.map((code) => ({ code, quantity: 0 })));
    const res = await amazonAdapter.pushStock(ctx, all.map((mallCode) => ({ mallCode, quantity: 3 })));
    expect(res).toHaveLength(25_001);
    expect(res.every((r) => r.ok)).toBe(true);
    const docs = state.requests.filter((r) => r.op === "feedDocument").map((r) => (r.body as any).messages.length);
    expect(docs).toEqual([25_000, 1]);
    expect(state.feeds.size).toBe(2);
    expect(state.listings.get("F25000")!.quantity).toBe(3);
  });
});
