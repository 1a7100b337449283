import { describe, expect, it } from "vitest";
import { API_KEY_LIFE_MS } from "../../src/malls/aupay/credentials";
import { formatMallCode, parseMallCode } from "../../src/malls/aupay/codes";
import { ORDER_PAGE, TRAILING_DAYS } from "../../src/malls/aupay/orders";
import { parseXml, childText, childrenNamed, child } from "../../src/malls/xml";
import { DAY, order, pullAll, setupAupay, T0 } from "./aupay-setup";

// The au PAY マーケット adapter against its simulator: XML in and out, failures on HTTP 200 with
// <status>1</status>, per-item updateResult, searchStocks' partial itemCode match, orders found
// by order date and re-polled for cancellations.

const xmlOf = (body: string) => parseXml(body);

describe("au PAY: mall codes", () => {
  it("a plain item is its 商品コード; a choice is 商品コード:横軸:縦軸 with '-' for an absent axis, one spelling each", () => {
    expect(parseMallCode("TEA-1")).toEqual({ itemCode: "TEA-1", horizontal: null, vertical: null });
    expect(parseMallCode("TSHIRT:RED:M")).toEqual({ itemCode: "TSHIRT", horizontal: "RED", vertical: "M" });
    expect(parseMallCode("SOAP:-:ROSE")).toEqual({ itemCode: "SOAP", horizontal: null, vertical: "ROSE" });
    for (const bad of ["", "A:B", "A:-:-", "A:B:C:D", "A::M", "has space", "x".repeat(257)]) expect(parseMallCode(bad), bad).toBeNull();
    expect(formatMallCode("SOAP", null, "ROSE")).toBe("SOAP:-:ROSE");
    expect(formatMallCode("TEA-1", null, null)).toBe("TEA-1");
  });
});

describe("au PAY: 接続テスト", () => {
  it("OK carries the API key's expiry, 90 days after its issue, from one cheap searchStocks call", async () => {
    const t = setupAupay();
    const r = await t.adapter.testConnection(t.ctx());
    expect(r).toEqual({ ok: true, expiresAt: T0 + API_KEY_LIFE_MS });
    expect(t.sent).toHaveLength(1);
    const [call] = t.sent;
    expect(call.path).toBe("/aupay/searchStocks");
    expect(call.headers.get("Authorization")).toBe(`Bearer ${t.sim.state.key.apiKey}`);
    expect(Object.fromEntries(call.query)).toEqual({ shopId: t.sim.state.shopId, totalCount: "1", startCount: "1" });
  });

  for (const authStyle of ["envelope", "http"] as const) {
    it(`an expired key (${authStyle === "envelope" ? "HTTP 200 + status 1" : "HTTP 401"}) is an auth error saying so, with the past expiry`, async () => {
      const t = setupAupay({ authStyle });
      t.advance(91 * DAY);
      const r = await t.adapter.testConnection(t.ctx());
      expect(r).toMatchObject({ ok: false, errorClass: "auth", expiresAt: T0 + API_KEY_LIFE_MS });
      expect(r.reason).toContain("APIキーの有効期限が切れています");
      expect(r.reason).not.toContain(t.sim.state.key.apiKey);
    });

    it(`a source IP not registered in Wow!manager (${authStyle}) is an auth error saying so`, async () => {
      const t = setupAupay({ authStyle });
      await t.control("POST", "/ip", { registered: false });
      const r = await t.adapter.testConnection(t.ctx());
      expect(r).toMatchObject({ ok: false, errorClass: "auth" });
      expect(r.reason).toContain("接続元IPアドレスが登録されていません");
    });
  }

  it("a wrong key or shop id is an auth error; a 5xx is transient", async () => {
    const t = setupAupay({ credentials: { apiKey: "someone-elses-key" } });
    const bad = await t.adapter.testConnection(t.ctx());
    expect(bad).toMatchObject({ ok: false, errorClass: "auth" });
    expect(bad.reason).toContain("APIキーまたは店舗IDが正しくありません");
    const u = setupAupay({ credentials: { shopId: "999" } });
    expect(await u.adapter.testConnection(u.ctx())).toMatchObject({ ok: false, errorClass: "auth" });
    const v = setupAupay();
    await v.control("POST", "/faults", { type: "5xx" });
    expect(await v.adapter.testConnection(v.ctx())).toMatchObject({ ok: false, errorClass: "transient" });
  });

  it("malformed credentials never reach the mall", async () => {
    const t = setupAupay({ credentials: { shopId: "shop-abc" } });
    expect(await t.adapter.testConnection(t.ctx())).toMatchObject({ ok: false, errorClass: "auth" });
    expect(t.sent).toHaveLength(0);
  });
});

describe("au PAY: stock", () => {
  it("a push of 450 items goes as 3 updateStock calls of ≤ 200 absolute figures, and reads back", async () => {
    const t = setupAupay();
    const items = Array.from({ length: 450 }, (_, i) => ({ mallCode: `ITEM-${String(i).padStart(3, "0")}`, quantity: i % 70 }));
    await t.control("POST", "/listings", { items: items.map((i) => ({ code: i.mallCode, quantity: 999 })) });
    const res = await t.adapter.pushStock(t.ctx(), items);
    expect(res.every((r) => r.ok)).toBe(true);
    const calls = t.sentTo("updateStock");
    expect(calls.map((c) => childrenNamed(xmlOf(c.body), "stockUpdateItem").length)).toEqual([200, 200, 50]);
    const first = childrenNamed(xmlOf(calls[0].body), "stockUpdateItem")[5];
    expect(childText(xmlOf(calls[0].body), "shopId")).toBe(t.sim.state.shopId);
    expect({ itemCode: childText(first, "itemCode"), stockSegment: childText(first, "stockSegment"), stockCount: childText(first, "stockCount") }).toEqual({
      itemCode: "ITEM-005",
      stockSegment: "1",
      stockCount: "5",
    });
    expect(calls[0].headers.get("Content-Type")).toContain("application/xml");
    expect((await t.control("GET", "/listings")).json.items).toEqual(items.map((i) => ({ code: i.mallCode, quantity: i.quantity })));
    const back = await t.adapter.readStock(t.ctx(), items.slice(0, 20).map((i) => i.mallCode));
    expect(back).toEqual(items.slice(0, 20).map((i) => ({ mallCode: i.mallCode, quantity: i.quantity })));
  });

  it("a partial failure (status 1, one <updateResult>) fails that item only; the others are updated", async () => {
    const t = setupAupay();
    await t.control("POST", "/listings", { items: [{ code: "A-1", quantity: 1 }, { code: "A-3", quantity: 1 }] });
    const res = await t.adapter.pushStock(t.ctx(), [
      { mallCode: "A-1", quantity: 8 },
      { mallCode: "A-2", quantity: 5 }, // not listed on the shop
      { mallCode: "A-3", quantity: 9 },
    ]);
    expect(res.map((r) => r.ok)).toEqual([true, false, true]);
    expect(res[1].error).toMatchObject({ errorClass: "item", code: "PME0110" });
    expect(res[1].error!.message).toContain("指定された商品が存在しません");
    expect(t.sentTo("updateStock")).toHaveLength(1);
    expect((await t.control("GET", "/listings")).json.items).toEqual([
      { code: "A-1", quantity: 8 },
      { code: "A-3", quantity: 9 },
    ]);
  });

  it("choices of one item go in one stockSegment 2 item with 横軸/縦軸 codes; a plain item beside it in stockSegment 1", async () => {
    const t = setupAupay();
    await t.control("POST", "/listings", {
      items: [
        { code: "TSHIRT:RED:M", quantity: 1 },
        { code: "TSHIRT:RED:L", quantity: 1 },
        { code: "TSHIRT:BLUE:M", quantity: 1 },
        { code: "SOAP:-:ROSE", quantity: 1 },
        { code: "MUG", quantity: 1 },
      ],
    });
    const res = await t.adapter.pushStock(t.ctx(), [
      { mallCode: "TSHIRT:RED:M", quantity: 4 },
      { mallCode: "MUG", quantity: 7 },
      { mallCode: "TSHIRT:RED:L", quantity: 0 },
      { mallCode: "SOAP:-:ROSE", quantity: 3 },
    ]);
    expect(res.every((r) => r.ok)).toBe(true);
    const doc = xmlOf(t.sentTo("updateStock")[0].body);
    const entries = childrenNamed(doc, "stockUpdateItem");
    expect(entries.map((e) => [childText(e, "itemCode"), childText(e, "stockSegment")])).toEqual([
      ["TSHIRT", "2"],
      ["MUG", "1"],
      ["SOAP", "2"],
    ]);
    const choices = childrenNamed(entries[0], "choicesStocks").map((c) => [childText(c, "choicesStockHorizontalCode"), childText(c, "choicesStockVerticalCode"), childText(c, "choicesStockCount")]);
    expect(choices).toEqual([
      ["RED", "M", "4"],
      ["RED", "L", "0"],
    ]);
    const soap = child(entries[2], "choicesStocks");
    expect([childText(soap, "choicesStockHorizontalCode"), childText(soap, "choicesStockVerticalCode")]).toEqual(["", "ROSE"]);
    expect(await t.adapter.readStock(t.ctx(), ["TSHIRT:RED:M", "TSHIRT:RED:L", "TSHIRT:BLUE:M", "SOAP:-:ROSE", "MUG", "TSHIRT"])).toEqual([
      { mallCode: "TSHIRT:RED:M", quantity: 4 },
      { mallCode: "TSHIRT:RED:L", quantity: 0 },
      { mallCode: "TSHIRT:BLUE:M", quantity: 1 },
      { mallCode: "SOAP:-:ROSE", quantity: 3 },
      { mallCode: "MUG", quantity: 7 },
      { mallCode: "TSHIRT", quantity: null }, // a choice item has no plain figure
    ]);
  });

  it("a choice the item does not have fails the whole item; malformed codes and figures fail locally", async () => {
    const t = setupAupay();
    await t.control("POST", "/listings", { items: [{ code: "CAP:BLACK:-", quantity: 2 }, { code: "BAG", quantity: 2 }] });
    const res = await t.adapter.pushStock(t.ctx(), [
      { mallCode: "CAP:BLACK:-", quantity: 5 },
      { mallCode: "CAP:WHITE:-", quantity: 5 },
      { mallCode: "BAG:-:-", quantity: 1 },
      { mallCode: "BAG", quantity: 100_000 },
      { mallCode: "has space", quantity: 1 },
    ]);
    expect(res.map((r) => [r.mallCode, r.ok, r.error?.code])).toEqual([
      ["CAP:BLACK:-", false, "PME0112"],
      ["CAP:WHITE:-", false, "PME0112"],
      ["BAG:-:-", false, "invalid_code"],
      ["BAG", false, "invalid_quantity"],
      ["has space", false, "invalid_code"],
    ]);
    expect((await t.control("GET", "/listings")).json.items).toEqual([
      { code: "CAP:BLACK:-", quantity: 2 },
      { code: "BAG", quantity: 2 },
    ]);
  });

  it("a negative figure is sent as 0; the last figure for a code wins", async () => {
    const t = setupAupay();
    await t.control("POST", "/listings", { items: [{ code: "N-1", quantity: 5 }, { code: "N-2", quantity: 5 }] });
    await t.adapter.pushStock(t.ctx(), [
      { mallCode: "N-1", quantity: -3 },
      { mallCode: "N-2", quantity: 1 },
      { mallCode: "N-2", quantity: 4 },
    ]);
    const counts = childrenNamed(xmlOf(t.sentTo("updateStock")[0].body), "stockUpdateItem").map((e) => [childText(e, "itemCode"), childText(e, "stockCount")]);
    expect(counts).toEqual([
      ["N-1", "0"],
      ["N-2", "4"],
    ]);
  });

  it("readStock keeps only EXACT 商品コード matches of searchStocks' partial match, paging past other hits", async () => {
    const t = setupAupay();
    // "AB" is contained in 600 other codes that sort before it: the exact one is on page 2.
    const noise = Array.from({ length: 600 }, (_, i) => ({ code: `0${String(i).padStart(3, "0")}AB`, quantity: 1 }));
    await t.control("POST", "/listings", { items: [...noise, { code: "AB", quantity: 12 }, { code: "AB-1", quantity: 3 }, { code: "XAB", quantity: 9 }] });
    const back = await t.adapter.readStock(t.ctx(), ["AB", "AB-1", "AB-2", "AB:-:X"]);
    expect(back).toEqual([
      { mallCode: "AB", quantity: 12 },
      { mallCode: "AB-1", quantity: 3 },
      { mallCode: "AB-2", quantity: null },
      { mallCode: "AB:-:X", quantity: null },
    ]);
    const searches = t.sentTo("searchStocks");
    expect(searches.filter((s) => s.query.get("itemCode") === "AB").map((s) => s.query.get("startCount"))).toEqual(["1", "501"]);
    for (const s of searches) expect(Number(s.query.get("totalCount"))).toBeLessThanOrEqual(500);
  });

  it("the simulator refuses more than 200 items in one updateStock (status 1 on HTTP 200)", async () => {
    const t = setupAupay();
    const items = Array.from({ length: 201 }, (_, i) => `<stockUpdateItem><itemCode>X${i}</itemCode><stockSegment>1</stockSegment><stockCount>1</stockCount></stockUpdateItem>`).join("");
    const res = await t.ctx().fetch("https://sim.test/aupay/updateStock", {
      method: "POST",
      headers: { Authorization: `Bearer ${t.sim.state.key.apiKey}`, "Content-Type": "application/xml; charset=utf-8" },
      body: `<?xml version="1.0" encoding="UTF-8"?><request><shopId>${t.sim.state.shopId}</shopId>${items}</request>`,
    });
    expect(res.status).toBe(200);
    const result = child(xmlOf(await res.text()), "result");
    expect(childText(result, "status")).toBe("1");
    expect(childText(child(result, "error"), "code")).toBe("PME0201");
  });
});

describe("au PAY: orders", () => {
  it("orders are paged by startCount += totalCount until a short page; each line is reported once", async () => {
    const t = setupAupay();
    await t.control("POST", "/listings", { items: [{ code: "P-1", quantity: 1000 }] });
    const ids = [];
    for (let i = 0; i < 250; i++) ids.push((await order(t, [{ code: "P-1", quantity: 1 }])).orderId);
    const { lines } = await pullAll(t, null);
    expect(lines.filter((l) => l.kind === "sale").map((l) => l.orderId).sort()).toEqual(ids.sort());
    const calls = t.sentTo("searchTradeInfoListProc");
    expect(calls.map((c) => c.query.get("startCount"))).toEqual(["1", String(1 + ORDER_PAGE), String(1 + 2 * ORDER_PAGE)]);
    expect(calls.map((c) => c.query.get("totalCount"))).toEqual([String(ORDER_PAGE), String(ORDER_PAGE), String(ORDER_PAGE)]);
    expect(calls[0].query.get("dateType")).toBe("0");
    expect((await t.control("GET", "/listings")).json.items).toEqual([{ code: "P-1", quantity: 750 }]); // the shop's own stock moved at once
  });

  it("a sale polled twice is reported once", async () => {
    const t = setupAupay();
    await t.control("POST", "/listings", { items: [{ code: "S-1", quantity: 10 }] });
    const o = await order(t, [{ code: "S-1", quantity: 2 }]);
    const first = await pullAll(t, null);
    expect(first.lines).toEqual([{ orderId: o.orderId, lineId: o.lineIds[0], mallCode: "S-1", quantity: 2, kind: "sale", at: T0 }]);
    t.advance(60_000);
    const second = await pullAll(t, first.cursor);
    expect(second.lines).toEqual([]);
    expect(t.sentTo("searchTradeInfoListProc")).toHaveLength(2); // polled again all the same
  });

  it(`a cancel days later is found by re-polling the trailing ${TRAILING_DAYS} order days, and reported once`, async () => {
    const t = setupAupay();
    await t.control("POST", "/listings", { items: [{ code: "C-1", quantity: 10 }] });
    const o = await order(t, [{ code: "C-1", quantity: 3 }]);
    let { cursor } = await pullAll(t, null);
    t.advance(3 * DAY);
    await t.control("POST", `/orders/${o.orderId}/cancel`);
    const found = await pullAll(t, cursor);
    expect(found.lines).toEqual([
      // Times are whole minutes on au PAY: dated at the end of the minute, never after now.
      { orderId: o.orderId, lineId: o.lineIds[0], mallCode: "C-1", quantity: 3, kind: "sale", at: T0 + 59_999 },
      { orderId: o.orderId, lineId: o.lineIds[0], mallCode: "C-1", quantity: 3, kind: "cancel", at: T0 + 3 * DAY },
    ]);
    cursor = found.cursor;
    t.advance(60_000);
    expect((await pullAll(t, cursor)).lines).toEqual([]);
    const last = t.sentTo("searchTradeInfoListProc").at(-1)!;
    expect([last.query.get("startDate"), last.query.get("endDate")]).toEqual(["20260731", "20260806"]); // 7 days, today included
  });

  it("キャンセル受付中 is not yet a cancel; cancelStatus alone and a cancelled line (itemCancelStatus) are", async () => {
    const t = setupAupay({ cancelStyle: "cancelStatus" });
    await t.control("POST", "/listings", { items: [{ code: "K-1", quantity: 10 }, { code: "K-2", quantity: 10 }] });
    const a = await order(t, [{ code: "K-1", quantity: 1 }]);
    const b = await order(t, [{ code: "K-1", quantity: 1 }, { code: "K-2", quantity: 2 }]);
    let { cursor } = await pullAll(t, null);
    await t.control("POST", `/orders/${a.orderId}/cancel-request`);
    let r = await pullAll(t, cursor);
    expect(r.lines).toEqual([]);
    await t.control("POST", `/orders/${a.orderId}/cancel`);
    await t.control("POST", `/orders/${b.orderId}/cancel`, { lineId: b.lineIds[1] });
    r = await pullAll(t, r.cursor);
    const cancels = r.lines.filter((l) => l.kind === "cancel").map((l) => [l.orderId, l.lineId, l.quantity]);
    expect(cancels.sort()).toEqual([[a.orderId, a.lineIds[0], 1], [b.orderId, b.lineIds[1], 2]].sort());
    expect((await t.control("GET", "/listings")).json.items).toEqual([{ code: "K-1", quantity: 9 }, { code: "K-2", quantity: 10 }]);
  });

  for (const dateFormat of ["compact", "dashed"] as const) {
    it(`order dates are sent in the format the mall accepts (${dateFormat === "compact" ? "YYYYMMDD" : "YYYY-MM-DD"}), learnt once`, async () => {
      const t = setupAupay({ dateFormat });
      await t.control("POST", "/listings", { items: [{ code: "D-1", quantity: 10 }] });
      await order(t, [{ code: "D-1", quantity: 1 }]);
      const first = await pullAll(t, null);
      expect(first.lines).toHaveLength(1);
      await order(t, [{ code: "D-1", quantity: 1 }]);
      const second = await pullAll(t, first.cursor);
      expect(second.lines).toHaveLength(1);
      const want = dateFormat === "compact" ? "20260803" : "2026-08-03";
      const calls = t.sentTo("searchTradeInfoListProc");
      // The first reading tried is YYYYMMDD; a mall that refuses it is asked again in YYYY-MM-DD.
      expect(calls.map((c) => c.query.get("endDate"))).toEqual(dateFormat === "compact" ? [want, want] : ["20260803", want, want]);
    });
  }

  it("orders placed before the shop's first poll are not taken in, nor their later cancels", async () => {
    const t = setupAupay();
    await t.control("POST", "/listings", { items: [{ code: "E-1", quantity: 10 }] });
    const old = await order(t, [{ code: "E-1", quantity: 1 }]);
    t.advance(60 * 60_000);
    const fresh = await order(t, [{ code: "E-1", quantity: 1 }]);
    const first = await pullAll(t, null);
    expect(first.lines.map((l) => l.orderId)).toEqual([fresh.orderId]);
    await t.control("POST", `/orders/${old.orderId}/cancel`);
    expect((await pullAll(t, first.cursor)).lines).toEqual([]);
  });

  it("a choice's order line (itemManagementId = 横軸 + 縦軸 code) is reported with Kura's code for that choice", async () => {
    const t = setupAupay();
    await t.control("POST", "/listings", { items: [{ code: "TEE:RED:M", quantity: 5 }, { code: "TEE:RED:L", quantity: 5 }, { code: "TEE:-:S", quantity: 5 }] });
    await order(t, [{ code: "TEE:RED:L", quantity: 1 }, { code: "TEE:-:S", quantity: 2 }]);
    const { lines } = await pullAll(t, null);
    expect(lines.map((l) => [l.mallCode, l.quantity])).toEqual([
      ["TEE:RED:L", 1],
      ["TEE:-:S", 2],
    ]);
    expect(lines.every((l) => parseMallCode(l.mallCode))).toBe(true);
  });

  it("an expired key during a pull stops it with an auth error", async () => {
    const t = setupAupay();
    await t.control("POST", "/key", { expired: true });
    await expect(t.adapter.fetchOrders(t.ctx(), null)).rejects.toMatchObject({ errorClass: "auth" });
    await expect(t.adapter.pushStock(t.ctx(), [{ mallCode: "Z", quantity: 1 }])).rejects.toMatchObject({ errorClass: "auth" });
  });
});
