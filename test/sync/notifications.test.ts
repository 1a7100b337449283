import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { drain, newAccount, product, sale, until, type Client } from "../helpers/api";
import { useMallSim } from "../helpers/mall-sim";

// 在庫少, マイナス在庫, 停止中 and expiring credentials make notifications: one per cause, subject
// and day, however many sales cross the line; mailed (logged, here) when the account has addresses.

const sim = useMallSim();

const notes = async (c: Client, q = "") => (await c.get(`/notifications${q}`)).json.items as any[];
const byCause = async (c: Client, cause: string) => (await notes(c)).filter((n) => n.cause === cause);

afterEach(() => vi.restoreAllMocks());

describe("notifications", () => {
  it("在庫少 and マイナス在庫: one each per product per day, not one per sale", async () => {
    const c = await newAccount();
    const p = await product(c, "N-1", { onHand: 6, lowStockThreshold: 3 });
    await product(c, "N-2", { onHand: 100, lowStockThreshold: 3 });
    await drain(c.accountId, p.group.id);
    for (let i = 1; i <= 5; i++) {
      expect((await sale(c, "pos", `LOW-${i}`, [{ lineId: "1", code: "N-1", quantity: 1 }, { lineId: "2", code: "N-2", quantity: 1 }])).status).toBe(200);
      await drain(c.accountId, p.group.id);
    }
    const low = await until("在庫少 notified", () => byCause(c, "low_stock"), (n) => n.length >= 1);
    expect(low).toEqual([expect.objectContaining({ subject: "N-1", readAt: null, emailedAt: null })]);
    expect(low[0].message.ja).toContain("在庫少");
    for (let i = 1; i <= 4; i++) {
      await sale(c, "pos", `NEG-${i}`, [{ lineId: "1", code: "N-1", quantity: 1 }]);
      await drain(c.accountId, p.group.id);
    }
    expect((await c.get("/products/N-1")).json.onHand).toBe(-3);
    await until("マイナス在庫 notified", () => byCause(c, "negative_stock"), (n) => n.length >= 1);
    // Let every stock-changed task finish: still one of each, and nothing about N-2 (95 left).
    await new Promise((r) => setTimeout(r, 1000));
    expect((await notes(c)).map((n) => `${n.cause}:${n.subject}`).sort()).toEqual(["low_stock:N-1", "negative_stock:N-1"]);
  });

  it("marked read once; the unread list leaves it out; another account's is 404", async () => {
    const c = await newAccount();
    const p = await product(c, "R-1", { onHand: 1, lowStockThreshold: 1 });
    await drain(c.accountId, p.group.id);
    await sale(c, "pos", "R-1", [{ lineId: "1", code: "R-1", quantity: 1 }]);
    await drain(c.accountId, p.group.id);
    const [n] = await until("notified", () => notes(c), (x) => x.length === 1);
    const read = await c.post(`/notifications/${n.id}/read`);
    expect(read.status).toBe(200);
    expect(read.json.readAt).not.toBeNull();
    expect((await c.post(`/notifications/${n.id}/read`)).json.readAt).toBe(read.json.readAt);
    expect(await notes(c, "?unread=true")).toEqual([]);
    const other = await newAccount();
    expect((await other.post(`/notifications/${n.id}/read`)).status).toBe(404);
    expect(await notes(other)).toEqual([]);
  });

  it("with notification addresses, a new notification is mailed (logged here: no sender configured), once", async () => {
    const c = await newAccount();
    await env.DB.prepare("UPDATE settings SET notify_emails = ? WHERE account_id = ?").bind(JSON.stringify(["tenchou@example.jp"]), c.accountId).run();
    const log = vi.spyOn(console, "log");
    const p = await product(c, "M-1", { onHand: 2, lowStockThreshold: 1 });
    await drain(c.accountId, p.group.id);
    for (let i = 1; i <= 2; i++) {
      await sale(c, "pos", `M-${i}`, [{ lineId: "1", code: "M-1", quantity: 1 }]);
      await drain(c.accountId, p.group.id);
    }
    await until("notified", () => notes(c), (x) => x.length === 1);
    await new Promise((r) => setTimeout(r, 500));
    const mails = log.mock.calls.map((a) => String(a[0])).filter((l) => l.includes("notification mail") && l.includes("tenchou@example.jp"));
    expect(mails).toHaveLength(1);
    expect(JSON.parse(mails[0])).toMatchObject({ to: ["tenchou@example.jp"], subject: expect.stringContaining("M-1") });
  });

  it("a shop stopped by a failed 接続テスト, and credentials about to expire, are notified once a day", async () => {
    const c = await newAccount();
    await sim.control("rakuten", "POST", "/reset");
    const shop = (await c.post("/shops", { kind: "rakuten", name: "楽天", credentials: sim.credentials("rakuten"), baseUrl: sim.baseUrl("rakuten") })).json;
    sim.sims.rakuten.state.credentials.expiresAt = Date.now() + 5 * 86_400_000;
    expect((await c.post(`/shops/${shop.id}/test`)).json.ok).toBe(true);
    expect((await c.post(`/shops/${shop.id}/test`)).json.ok).toBe(true);
    expect(await byCause(c, "credentials_expiring")).toEqual([expect.objectContaining({ subject: String(shop.id) })]);

    // Stopped, resumed by a passing test, stopped again the same day: one notification.
    for (let round = 0; round < 2; round++) {
      await sim.control("rakuten", "POST", "/faults", { type: "auth", times: 20 });
      expect((await c.post(`/shops/${shop.id}/test`)).json.ok).toBe(false);
      expect((await c.get(`/shops/${shop.id}`)).json.status).toBe("stopped");
      await sim.control("rakuten", "POST", "/reset");
      expect((await c.post(`/shops/${shop.id}/test`)).json.ok).toBe(true);
      expect((await c.get(`/shops/${shop.id}`)).json.status).toBe("ok");
    }
    const stopped = await byCause(c, "shop_stopped");
    expect(stopped).toHaveLength(1);
    expect(stopped[0].message.ja).toContain("停止中");
  });
});
