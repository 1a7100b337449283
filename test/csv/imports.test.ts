import { describe, expect, it } from "vitest";
import { newAccount, product, sale } from "../helpers/api";
import { applied, csv, drainAll, report, settled, sjis, upload, uploadForm, utf8, validated } from "./helpers";

const HEAD = "マスターコード,商品名,グループ,総在庫数,確保在庫,在庫少設定数,連動,セット構成";

describe("CSV import: POST /api/v1/imports, GET /imports/{id}, /apply, /cancel", () => {
  it("a Shift_JIS file with ①, ㈱, 髙 and 﨑 is detected and imports with the names intact", async () => {
    const c = await newAccount();
    const file = sjis(csv(HEAD, "TEA-1,①煎茶 ㈱髙﨑園,,12,2,3,自動,", "TEA-2,﨑の番茶,,5,,,,"));
    const r = await validated(c, file, "kind=products");
    expect(r).toMatchObject({ encoding: "shift_jis", rows: { total: 2, valid: 2, invalid: 0 }, newProducts: 2, errors: [] });
    await applied(c, r.id);
    const p1 = (await c.get("/products/TEA-1")).json;
    expect(p1).toMatchObject({ name: "①煎茶 ㈱髙﨑園", onHand: 12, reserved: 2, lowStockThreshold: 3, syncMode: "auto" });
    expect((await c.get("/products/TEA-2")).json).toMatchObject({ name: "﨑の番茶", onHand: 5 });
  });

  it("UTF-8 with a BOM and English headers, sent as multipart, reads the same; encoding can be forced", async () => {
    const c = await newAccount();
    const text = csv("master_code,name,on_hand", "EN-1,Green tea 緑茶,4");
    const up = await uploadForm(c, utf8(text, true), { kind: "products" }, "en.csv");
    expect(up.status, JSON.stringify(up.json)).toBe(202);
    expect(up.json).toMatchObject({ encoding: "utf-8", fileName: "en.csv" });
    await settled(c, up.json.id, "validated");
    await applied(c, up.json.id);
    expect((await c.get("/products/EN-1")).json).toMatchObject({ name: "Green tea 緑茶", onHand: 4 });
    // Forced: Shift_JIS bytes read as Shift_JIS; the same bytes forced as UTF-8 are refused, not mangled.
    expect((await upload(c, sjis(csv("マスターコード,商品名", "EN-2,髙")), "kind=products&encoding=shift_jis")).json.encoding).toBe("shift_jis");
    const wrong = await upload(c, sjis(csv("マスターコード,商品名", "EN-3,髙")), "kind=products&encoding=utf-8");
    expect(wrong.status).toBe(400);
    expect(wrong.json.detail).toContain("UTF-8");
  });

  it("a file with two bad rows reports exactly those lines, columns and reasons, and applies the rest", async () => {
    const c = await newAccount();
    const file = utf8(csv(HEAD, "OK-1,良い,,10,,,,", "BAD-1,悪い数,,十,,,,", "OK-2,良い2,,3,,,,", ",コードなし,,1,,,,", "OK-3,良い3,,7,,,,"));
    const r = await validated(c, file, "kind=products");
    expect(r.rows).toEqual({ total: 5, validated: 5, valid: 3, invalid: 2 });
    expect(r.errors).toEqual([
      { line: 3, column: "総在庫数", message: "0 以上の整数ではありません: 「十」", messageEn: 'not a whole number of 0 or more: "十"' },
      { line: 5, column: "マスターコード", message: "マスターコードがありません", messageEn: "the master code is missing" },
    ]);
    const done = await applied(c, r.id);
    expect(done.applied).toMatchObject({ rows: 3, created: 3, skippedInvalid: 2 });
    const codes = (await c.get("/products")).json.items.map((p: any) => p.masterCode);
    expect(codes).toEqual(["OK-1", "OK-2", "OK-3"]);
  });

  it("cancelling a validated import applies nothing", async () => {
    const c = await newAccount();
    const r = await validated(c, utf8(csv(HEAD, "C-1,一,,10,,,,", "C-2,二,,x,,,,")), "kind=products");
    const cancelled = await c.post(`/imports/${r.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.json.status).toBe("cancelled");
    expect((await c.get("/products")).json.items).toEqual([]);
    expect((await c.post(`/imports/${r.id}/apply`, {})).status).toBe(409);
    expect((await c.get("/products")).json.items).toEqual([]);
  });

  it("every kind of bad row is named: unknown group, duplicate code, a set naming an unknown component or itself, a bad 連動", async () => {
    const c = await newAccount();
    await product(c, "REG-1", { onHand: 1 });
    const file = utf8(csv(HEAD, "A-1,一,無いグループ,1,,,,", "A-2,二,,1,,,,", "A-2,二の二,,1,,,,", "SET-1,セット,,,,,,NOPE*2", "SET-2,自分,,,,,,SET-2*1", "A-3,三,,1,,,たぶん,", "SET-3,良いセット,,,,,,REG-1*2;A-2"));
    const r = await validated(c, file, "kind=products");
    const byLine = Object.fromEntries(r.errors.map((e: any) => [e.line, e]));
    expect(Object.keys(byLine).map(Number)).toEqual([2, 4, 5, 6, 7]);
    expect(byLine[2]).toMatchObject({ column: "グループ", messageEn: 'there is no product group "無いグループ"' });
    expect(byLine[4]).toMatchObject({ column: "マスターコード", messageEn: "master code A-2 appears twice in the file (also on line 3)" });
    expect(byLine[5]).toMatchObject({ column: "セット構成", messageEn: "component NOPE is neither registered nor in the file" });
    expect(byLine[6]).toMatchObject({ column: "セット構成", messageEn: "a set cannot contain itself" });
    expect(byLine[7]).toMatchObject({ column: "連動" });
    await applied(c, r.id);
    const set = (await c.get("/products/SET-3")).json;
    expect(set).toMatchObject({ isSet: true, components: [{ masterCode: "A-2", quantity: 1 }, { masterCode: "REG-1", quantity: 2 }] });
  });

  it("an unknown column or a shop column for a shop the account does not have is a 400 naming them", async () => {
    const c = await newAccount();
    const r = await upload(c, utf8(csv("マスターコード,色,無い店:管理", "X-1,赤,対象")), "kind=products");
    expect(r.status).toBe(400);
    expect(r.json.errors).toEqual([
      { line: 1, column: "色", message: "不明な列です: 「色」", messageEn: 'unknown column: "色"' },
      { line: 1, column: "無い店:管理", message: "店舗「無い店」はありません", messageEn: 'there is no shop named "無い店"' },
    ]);
  });

  it("quoted commas, quotes and newlines in a name survive, and lines are counted as the file's lines", async () => {
    const c = await newAccount();
    const file = utf8(csv("マスターコード,商品名,総在庫数", 'Q-1,"抹茶, 濃茶 ""特選""",1', 'Q-2,"一行目\r\n二行目",2', "Q-3,三,マイナス"));
    const r = await validated(c, file, "kind=products");
    // Q-2 spans lines 3–4, so Q-3 is on line 5.
    expect(r.errors).toMatchObject([{ line: 5, column: "総在庫数" }]);
    await applied(c, r.id);
    expect((await c.get("/products/Q-1")).json.name).toBe('抹茶, 濃茶 "特選"');
    expect((await c.get("/products/Q-2")).json.name).toBe("一行目\r\n二行目");
  });

  it("上書き sets and 加算・減算 adjusts, each row a movement the ledger ties to the import and its line", async () => {
    const c = await newAccount();
    await product(c, "S-1", { onHand: 10 });
    await product(c, "S-2", { onHand: 10 });
    const set = await validated(c, utf8(csv("マスターコード,総在庫数", "S-1,4", "S-2,10")), "kind=stock&stockMode=set");
    await applied(c, set.id);
    expect((await c.get("/products/S-1")).json.onHand).toBe(4);
    expect((await c.get("/products/S-2")).json.onHand).toBe(10);
    const adj = await validated(c, utf8(csv("マスターコード,総在庫数", "S-1,+3", "S-2,-12")), "kind=stock&stockMode=adjust");
    expect(adj.stockMode).toBe("adjust");
    await applied(c, adj.id);
    expect((await c.get("/products/S-1")).json.onHand).toBe(7);
    expect((await c.get("/products/S-2")).json.onHand).toBe(-2);
    const m1 = (await c.get("/products/S-1/movements")).json.items;
    expect(m1.slice(0, 2)).toMatchObject([
      { reason: "adjust", delta: 3, onHandAfter: 7, ref: expect.stringContaining(`import:${adj.id}:2`) },
      { reason: "set", delta: -6, onHandAfter: 4, ref: expect.stringContaining(`import:${set.id}:2`) },
    ]);
    // 上書き to the figure it already has is no movement at all.
    expect((await c.get("/products/S-2/movements")).json.items.filter((m: any) => m.reason === "set")).toHaveLength(1);
    // In 上書き a sign is a mistake; in 加算・減算 a stock file needs its figure.
    const bad = await validated(c, utf8(csv("マスターコード,総在庫数", "S-1,-1", "NOPE,1")), "kind=stock&stockMode=set");
    expect(bad.errors.map((e: any) => [e.line, e.column])).toEqual([[2, "総在庫数"], [3, "マスターコード"]]);
  });

  it("applying an import again, or running its chunks again, changes nothing", async () => {
    const c = await newAccount();
    await product(c, "R-1", { onHand: 10 });
    const r = await validated(c, utf8(csv("マスターコード,商品名,総在庫数", "R-1,,5", "R-NEW,新,8")), "kind=products&stockMode=adjust");
    await applied(c, r.id);
    const again = await c.post(`/imports/${r.id}/apply`, {});
    expect(again.status).toBe(202);
    expect(again.json.status).toBe("applied");
    // A worker that died after its work and before recording it runs the chunks again.
    const { env } = await import("cloudflare:workers");
    await env.DB.prepare("UPDATE import_chunks SET applied_plain = 0, applied_sets = 0 WHERE import_id = ?").bind(r.id).run();
    await env.DB.prepare("UPDATE imports SET phase = 'applying' WHERE id = ?").bind(r.id).run();
    const { runImportStep } = await import("../../src/csv/import-job");
    await runImportStep(env, c.accountId, r.id);
    await settled(c, r.id, "applied");
    expect((await c.get("/products/R-1")).json.onHand).toBe(15);
    expect((await c.get("/products/R-NEW")).json.onHand).toBe(8);
    expect((await c.get("/products/R-1/movements")).json.items.filter((m: any) => m.ref.includes(`import:${r.id}`))).toHaveLength(1);
    expect((await c.get("/products")).json.items).toHaveLength(2);
    await drainAll(c);
    const ops = (await c.get("/logs/operations")).json.items.filter((o: any) => o.action === "import.apply");
    expect(ops).toHaveLength(1);
  });

  it("beyond the plan: nothing by default (409), or exactly the first new products that fit", async () => {
    const c = await newAccount({ maxProducts: 3, maxShops: 5 });
    await product(c, "P-0", { onHand: 1 });
    const r = await validated(c, utf8(csv("マスターコード,商品名,総在庫数", "P-0,既存,9", "P-1,一,1", "P-2,二,2", "P-3,三,3")), "kind=products");
    expect(r).toMatchObject({ newProducts: 3, planRemaining: 2, planFits: false });
    const refused = await c.post(`/imports/${r.id}/apply`, { onPlanLimit: "nothing" });
    expect(refused.status).toBe(409);
    expect(refused.json).toMatchObject({ newProducts: 3, planRemaining: 2 });
    expect((await c.get("/products")).json.items.map((p: any) => p.masterCode)).toEqual(["P-0"]);
    expect((await c.get("/products/P-0")).json.onHand).toBe(1);
    const done = await applied(c, r.id, { onPlanLimit: "fit" });
    expect(done.applied).toMatchObject({ created: 2, skippedByPlan: 1 });
    expect((await c.get("/products")).json.items.map((p: any) => p.masterCode)).toEqual(["P-0", "P-1", "P-2"]);
    expect((await c.get("/products/P-0")).json.onHand).toBe(9);
  });

  it("a mappings file sets 別品番: a sale under the mall code lowers the product", async () => {
    const c = await newAccount();
    const shop = await c.post("/shops", { kind: "shopify", name: "本店", importEnabled: false, updateEnabled: false, credentials: { shopDomain: "x.myshopify.com", accessToken: "t" } });
    expect(shop.status, JSON.stringify(shop.json)).toBe(201);
    await product(c, "M-1", { onHand: 10 });
    const r = await validated(c, utf8(csv("マスターコード,店舗,モールコード", "M-1,本店,shop-m1", "M-1,無い店,x")), "kind=mappings");
    expect(r.errors).toMatchObject([{ line: 3, column: "店舗", messageEn: 'there is no shop named "無い店"' }]);
    await applied(c, r.id);
    const s = await sale(c, String(shop.json.id), "O-1", [{ lineId: "1", code: "shop-m1", quantity: 2 }]);
    expect(s.json.lines[0], JSON.stringify(s.json)).toMatchObject({ result: "applied" });
    expect((await c.get("/products/M-1")).json.onHand).toBe(8);
  });

  it("per-shop 管理 and モールコード columns of a products file, and an empty cell leaves a field as it is", async () => {
    const c = await newAccount();
    const shop = await c.post("/shops", { kind: "shopify", name: "支店", importEnabled: false, updateEnabled: false, credentials: { shopDomain: "y.myshopify.com", accessToken: "t" } });
    await product(c, "K-1", { onHand: 3, reserved: 1 });
    const r = await validated(c, utf8(csv("マスターコード,商品名,確保在庫,支店:管理,支店:モールコード", "K-1,,,対象外,k-one")), "kind=products");
    await applied(c, r.id);
    expect((await c.get("/products/K-1")).json).toMatchObject({ name: "商品 K-1", reserved: 1, onHand: 3 });
    const figures = (await c.get("/products/K-1/figures")).json.shops.find((s: any) => s.shopId === shop.json.id);
    // 対象外: Kura sends this shop no figure for it.
    expect(figures.figure).toBeNull();
    expect((await sale(c, String(shop.json.id), "O-2", [{ lineId: "1", code: "k-one", quantity: 1 }])).json.lines[0].result).toBe("applied");
  });

  it("importing the same file again (as an exported file comes back) writes nothing and moves no stock", async () => {
    const c = await newAccount();
    const shop = await c.post("/shops", { kind: "shopify", name: "三号店", importEnabled: false, updateEnabled: false, credentials: { shopDomain: "z.myshopify.com", accessToken: "t" } });
    expect(shop.status).toBe(201);
    const text = csv(HEAD + ",三号店:管理,三号店:モールコード", "SAME-1,同じ,,6,1,2,自動,,対象,", "SAME-2,同じ二,,3,,,手動,,対象外,s-2");
    await applied(c, (await validated(c, sjis(text), "kind=products")).id);
    const before = await Promise.all(["SAME-1", "SAME-2"].map(async (code) => ({ p: (await c.get(`/products/${code}`)).json, m: (await c.get(`/products/${code}/movements`)).json.items })));
    await new Promise((r) => setTimeout(r, 20));
    const again = await applied(c, (await validated(c, sjis(text), "kind=products")).id);
    expect(again.applied).toMatchObject({ created: 0, updated: 2 });
    for (const [i, code] of ["SAME-1", "SAME-2"].entries()) {
      expect((await c.get(`/products/${code}`)).json).toEqual(before[i].p); // updatedAt too
      expect((await c.get(`/products/${code}/movements`)).json.items).toEqual(before[i].m);
    }
  });

  it("the import is one 操作ログ entry with the user and the counts, and GET /jobs/{id} shows its phase and rows", async () => {
    const c = await newAccount();
    const r = await validated(c, utf8(csv("マスターコード,商品名,総在庫数", "L-1,一,1", "L-2,二,x")), "kind=products");
    const job = (await c.get(`/jobs/${r.jobId}`)).json;
    expect(job).toMatchObject({ kind: "import", importId: r.id, phase: "validated", rowsDone: 2, rowsTotal: 2, errors: 1 });
    await applied(c, r.id);
    expect((await c.get(`/jobs/${r.jobId}`)).json).toMatchObject({ kind: "import", status: "done", phase: "applied", rowsDone: 2 });
    const ops = (await c.get("/logs/operations")).json.items.filter((o: any) => o.action === "import.apply");
    expect(ops).toHaveLength(1);
    expect(ops[0].actor).toMatch(/^token:\d+$/);
    expect(ops[0].after).toMatchObject({ kind: "products", rowsTotal: 2, rowsValid: 1, rowsInvalid: 1, created: 1 });
  });

  it("another account can neither read, apply nor cancel the import", async () => {
    const a = await newAccount();
    const b = await newAccount();
    const r = await validated(a, utf8(csv("マスターコード,商品名", "F-1,一")), "kind=products");
    expect((await b.get(`/imports/${r.id}`)).status).toBe(404);
    expect((await b.get(`/jobs/${r.jobId}`)).status).toBe(404);
    expect((await b.post(`/imports/${r.id}/apply`, {})).status).toBe(404);
    expect((await b.post(`/imports/${r.id}/cancel`)).status).toBe(404);
    expect((await b.get("/imports")).json.items).toEqual([]);
    expect((await report(a, r.id)).status).toBe("validated");
  });
});

describe("CSV import: sets, large files, and the plain functions a dashboard page calls", () => {
  it("a set listed before its new components (as an export sorts codes) is registered after them, its figure derived", async () => {
    const c = await newAccount();
    const file = utf8(csv(HEAD, "A-SET,詰め合わせ,,,,,,Z-TEA*2;Z-CUP", "Z-CUP,湯呑,,4,,,,", "Z-TEA,煎茶,,10,,,,"));
    const r = await validated(c, file, "kind=products");
    expect(r.errors).toEqual([]);
    expect(r.newProducts).toBe(3);
    await applied(c, r.id);
    const set = (await c.get("/products/A-SET")).json;
    expect(set).toMatchObject({ isSet: true, components: [{ masterCode: "Z-CUP", quantity: 1 }, { masterCode: "Z-TEA", quantity: 2 }] });
    expect(set.onHand).toBe(4); // min(10 / 2, 4 / 1)
    // A set sold lowers its components, as any set does.
    await sale(c, "pos", "S-1", [{ lineId: "1", code: "A-SET", quantity: 1 }]);
    expect((await c.get("/products/Z-TEA")).json.onHand).toBe(8);
  });

  it("an existing product moves group with its set family, and an existing set gets new components", async () => {
    const c = await newAccount();
    const season = (await c.post("/groups", { name: "季節商品" })).json;
    await product(c, "G-TEA", { onHand: 10 });
    await product(c, "G-CUP", { onHand: 5 });
    await product(c, "G-SET", { components: [{ masterCode: "G-TEA", quantity: 1 }] });
    const r = await validated(c, utf8(csv(HEAD, "G-TEA,,季節商品,,,,,", "G-CUP,,季節商品,,,,,", "G-SET,,,,,,,G-TEA*2;G-CUP*1")), "kind=products");
    expect(r.errors).toEqual([]);
    await applied(c, r.id);
    for (const code of ["G-TEA", "G-CUP", "G-SET"]) expect((await c.get(`/products/${code}`)).json.group.id, code).toBe(season.id);
    const set = (await c.get("/products/G-SET")).json;
    expect(set.components).toEqual([{ masterCode: "G-CUP", quantity: 1 }, { masterCode: "G-TEA", quantity: 2 }]);
    expect(set.onHand).toBe(5); // min(10 / 2, 5)
    expect((await c.get("/products/G-TEA")).json.onHand).toBe(10);
  });

  it("a 1,200-row file goes through in chunks; with the plan full after 1,000 it registers exactly the first 1,000 new rows", async () => {
    const c = await newAccount({ maxProducts: 1000, maxShops: 5 });
    const rows = Array.from({ length: 1200 }, (_, i) => `BIG-${String(i).padStart(4, "0")},大量 ${i},,${i % 7},,,,`);
    rows[700] = "BIG-0700,悪い,,-1,,,,"; // one bad row in the second chunk
    const up = await upload(c, sjis(csv(HEAD, ...rows)), "kind=products");
    expect(up.status).toBe(202);
    const r = await settled(c, up.json.id, "validated");
    expect(r).toMatchObject({ rows: { total: 1200, valid: 1199, invalid: 1 }, newProducts: 1199, planRemaining: 1000, planFits: false });
    expect(r.errors).toMatchObject([{ line: 702, column: "総在庫数" }]);
    const done = await applied(c, r.id, { onPlanLimit: "fit" });
    expect(done.applied).toMatchObject({ created: 1000, skippedByPlan: 199, skippedInvalid: 1 });
    // The first 1,000 valid rows in file order: BIG-0000 … BIG-1000 without the bad BIG-0700.
    expect((await c.get("/products/BIG-1000")).status).toBe(200);
    expect((await c.get("/products/BIG-1001")).status).toBe(404);
    expect((await c.get("/products/BIG-0700")).status).toBe(404);
    expect((await c.get("/products/BIG-0999")).json.onHand).toBe(999 % 7);
    const extra = await c.post("/products", { masterCode: "ONE-MORE", name: "もう一つ" });
    expect(extra.status).toBe(403);
  });

  it("startImport, getImportReport, applyImport and cancelImport work for a dashboard user; 操作ログ names that user", async () => {
    const { env } = await import("cloudflare:workers");
    const { createDb } = await import("../../src/db/client");
    const { applyImport, cancelImport, getImportReport, startImport } = await import("../../src/csv/imports");
    const c = await newAccount();
    const user = await env.DB.prepare("SELECT id FROM users WHERE account_id = ?").bind(c.accountId).first<{ id: number }>();
    const who = { accountId: c.accountId, actor: `user:${user!.id}`, scopes: ["read", "write"] };
    const db = createDb(env.DB);
    const started = await startImport(env, db, who, { bytes: sjis(csv("マスターコード,商品名,総在庫数", "U-1,髙島屋の茶,3")), kind: "products", fileName: "商品.csv" });
    expect(started).toMatchObject({ status: "validating", encoding: "shift_jis", fileName: "商品.csv", rows: { total: 1 } });
    await settled(c, started.id, "validated");
    expect((await getImportReport(db, c.accountId, started.id)).rows.valid).toBe(1);
    await applyImport(env, db, who, started.id, { onPlanLimit: "fit" });
    await settled(c, started.id, "applied");
    await drainAll(c);
    const ops = (await c.get("/logs/operations")).json.items.filter((o: any) => o.target === `import:${started.id}`);
    expect(ops).toMatchObject([{ action: "import.apply", actor: `user:${user!.id}`, after: { created: 1, fileName: "商品.csv" } }]);
    // A second import cancelled by the user is one entry too, and cannot be applied afterwards.
    const second = await startImport(env, db, who, { bytes: utf8(csv("マスターコード,総在庫数", "U-1,9")), kind: "stock" });
    await settled(c, second.id, "validated");
    expect((await cancelImport(env, db, who, second.id)).status).toBe("cancelled");
    await expect(applyImport(env, db, who, second.id)).rejects.toMatchObject({ status: 409 });
    expect((await c.get("/products/U-1")).json.onHand).toBe(3);
  });
});

describe("CSV import: a job that survives a lost worker, and a cancel while it runs", () => {
  it("an import whose worker died mid-validation is picked up again by the cron and ends with the same report", async () => {
    const { env } = await import("cloudflare:workers");
    const { createScheduledController } = await import("cloudflare:test");
    const { schedule } = await import("../../src/sync/scheduler");
    const c = await newAccount();
    const r = await validated(c, utf8(csv("マスターコード,商品名,総在庫数", "D-1,一,1", "D-2,二,x", "D-3,三,3")), "kind=products");
    // As if the Worker restarted after validating part of the file: its lease ran out, no message is left.
    const old = Date.now() - 120_000;
    await env.DB.prepare("UPDATE import_chunks SET validated = 0 WHERE import_id = ?").bind(r.id).run();
    await env.DB.prepare("UPDATE imports SET phase = 'validating', rows_valid = NULL, rows_invalid = NULL, new_products = NULL, updated_at = ?, lease_until = ? WHERE id = ?").bind(old, old, r.id).run();
    expect((await report(c, r.id)).status).toBe("validating");
    await schedule(createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }), env);
    const again = await settled(c, r.id, "validated");
    expect(again).toMatchObject({ rows: r.rows, newProducts: 2, errorsTotal: 1, errors: r.errors });
  });

  it("cancelling right after the upload stops the job: nothing is applied and the job says cancelled", async () => {
    const c = await newAccount();
    const up = await upload(c, utf8(csv("マスターコード,商品名,総在庫数", ...Array.from({ length: 600 }, (_, i) => `X-${i},品 ${i},1`))), "kind=products");
    const cancelled = await c.post(`/imports/${up.json.id}/cancel`);
    expect(cancelled.json.status).toBe("cancelled");
    await new Promise((r) => setTimeout(r, 500));
    expect((await report(c, up.json.id)).status).toBe("cancelled");
    expect((await c.get(`/jobs/${up.json.jobId}`)).json).toMatchObject({ kind: "import", status: "cancelled", phase: "cancelled" });
    expect((await c.post(`/imports/${up.json.id}/apply`, {})).status).toBe(409);
    expect((await c.get("/products")).json.items).toEqual([]);
  });
});

describe("CSV import: a chunk that can never be read", () => {
  it("fails the import after a few attempts instead of retrying forever, and says why", async () => {
    const { env } = await import("cloudflare:workers");
    const { runImportStep } = await import("../../src/csv/import-job");
    const c = await newAccount();
    const r = await validated(c, utf8(csv("マスターコード,商品名", "E-1,一")), "kind=products");
    await env.DB.prepare("UPDATE import_chunks SET validated = 0, rows = 'not json' WHERE import_id = ?").bind(r.id).run();
    await env.DB.prepare("UPDATE imports SET phase = 'validating', lease_until = NULL WHERE id = ?").bind(r.id).run();
    for (let i = 0; i < 10 && (await report(c, r.id)).status === "validating"; i++) {
      await runImportStep(env, c.accountId, r.id).catch(() => {});
    }
    const failed = await report(c, r.id);
    expect(failed.status).toBe("failed");
    expect(failed.failure).toMatch(/JSON/);
    expect((await c.get(`/jobs/${r.jobId}`)).json).toMatchObject({ status: "cancelled", phase: "failed" });
    expect((await c.post(`/imports/${r.id}/apply`, {})).status).toBe(409);
  });
});
