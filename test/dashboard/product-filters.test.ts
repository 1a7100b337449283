import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { gridProducts } from "../../src/db/queries/product-grid";
import { newShop } from "./helpers";

// The search index and the grid_unstocked / grid_unsynced tables are kept by SQLite triggers
// (migrations/NNNN_grid_search_and_triggers.sql): whatever writes products, stock or listings, the filters follow.

const run = (sql: string, ...args: unknown[]) => env.DB.prepare(sql).bind(...args).run();

describe("what the 商品管理 filters start from follows every write", () => {
  it("未反映 follows pushes, stock changes, 管理 and deletes; 在庫少 counts a product without stock as 0; search follows renames", async () => {
    const shop = await newShop();
    const a = shop.accountId;
    const db = createDb(env.DB);
    const group = (await env.DB.prepare("SELECT id FROM groups WHERE account_id = ? AND is_default = 1").bind(a).first<number>("id"))!;
    const shopId = (await env.DB.prepare("INSERT INTO shops (account_id, kind, name) VALUES (?, 'base', 'BASE') RETURNING id").bind(a).first<number>("id"))!;
    const id = (await env.DB.prepare("INSERT INTO products (account_id, master_code, name, group_id) VALUES (?, 'FAN-1', 'うちわ 藍染', ?) RETURNING id").bind(a, group).first<number>("id"))!;
    const found = async (q: Omit<Parameters<typeof gridProducts>[2], "sort" | "limit">) => (await gridProducts(db, a, { sort: "code", limit: 51, ...q })).map((p) => p.masterCode);

    await run("INSERT INTO settings (account_id, low_stock_default) VALUES (?, 0) ON CONFLICT(account_id) DO UPDATE SET low_stock_default = 0", a);
    expect(await found({ status: "low" })).toEqual(["FAN-1"]); // no stock row yet: 0 on hand
    await run("INSERT INTO stock (product_id, account_id, on_hand, version, updated_at) VALUES (?, ?, 3, 1, 1000)", id, a);
    expect(await found({ status: "low" })).toEqual([]);

    await run("INSERT INTO listings (account_id, product_id, shop_id, managed, last_sent_at, last_result) VALUES (?, ?, ?, 1, NULL, NULL)", a, id, shopId);
    expect(await found({ status: "unsynced" })).toEqual(["FAN-1"]); // never sent
    await run("UPDATE listings SET last_sent_at = 2000, last_result = 'ok' WHERE product_id = ?", id);
    expect(await found({ status: "unsynced" })).toEqual([]);
    // A sale after the push, projected as the StockGroup drain does it (an upsert: its conflict
    // handling reaches the triggers' statements too).
    await run(
      `INSERT INTO stock (product_id, account_id, on_hand, version, updated_at) VALUES (?, ?, 2, 2, 3000)
       ON CONFLICT(product_id) DO UPDATE SET on_hand = excluded.on_hand, version = excluded.version, updated_at = excluded.updated_at WHERE excluded.version > stock.version`,
      id, a,
    );
    expect(await found({ status: "unsynced" })).toEqual(["FAN-1"]);
    await run("UPDATE listings SET managed = 0 WHERE product_id = ?", id); // 対象外: nothing to send
    expect(await found({ status: "unsynced" })).toEqual([]);
    // 管理 対象 again, as PUT /products/{code}/shops/{id} writes it (an upsert), twice.
    for (let i = 0; i < 2; i++) {
      await run("INSERT INTO listings (account_id, product_id, shop_id, managed, updated_at) VALUES (?, ?, ?, 1, 1) ON CONFLICT (product_id, shop_id) DO UPDATE SET managed = 1", a, id, shopId);
    }
    expect(await found({ status: "unsynced" })).toEqual(["FAN-1"]);
    await run("DELETE FROM listings WHERE product_id = ?", id);
    expect(await found({ status: "unsynced" })).toEqual([]);

    expect(await found({ query: "藍染" })).toEqual(["FAN-1"]); // 2 characters: below the trigram index, still found by walking
    expect(await found({ query: "うちわ 藍" })).toEqual(["FAN-1"]);
    await run("UPDATE products SET name = '扇子 白竹' WHERE id = ?", id);
    expect(await found({ query: "うちわ 藍" })).toEqual([]);
    expect(await found({ query: "扇子 白" })).toEqual(["FAN-1"]);
    expect(await found({ query: "fan-" })).toEqual(["FAN-1"]); // code prefix, any case, as LIKE does

    await run("INSERT INTO listings (account_id, product_id, shop_id, managed) VALUES (?, ?, ?, 1)", a, id, shopId);
    await run("DELETE FROM products WHERE id = ?", id);
    const left = await env.DB.prepare("SELECT (SELECT count(*) FROM grid_unsynced WHERE product_id = ?1) + (SELECT count(*) FROM grid_unstocked WHERE product_id = ?1) AS n").bind(id).first<number>("n");
    expect(left).toBe(0);
    expect(await found({ query: "扇子 白" })).toEqual([]);
  });
});
