import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { DEMO_EMAIL, DEMO_PASSWORD, DEMO_PRODUCTS, DEMO_SET, DEMO_STAFF } from "../../scripts/seed.mjs";
import { BASE, launch, logIn, shot } from "./browser";

let browser: Browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

describe("the dashboard in a real browser", () => {
  it("the owner logs in, sees the 商品管理 grid with the demo products, switches to English and logs out", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "ja-JP" });
    const page = await context.newPage();
    await page.goto(`${BASE}/`);
    assert.match(page.url(), /\/login/);
    await shot(page, "01-login");
    await logIn(page, DEMO_EMAIL, DEMO_PASSWORD);

    await page.getByRole("heading", { name: "商品管理" }).waitFor();
    const table = page.getByRole("table");
    for (const p of [...DEMO_PRODUCTS, DEMO_SET]) await table.getByText(p.masterCode, { exact: true }).waitFor();
    assert.match(await page.locator("#product-count").innerText(), /登録商品数 11 \/ 1,000/);
    for (const shop of ["楽天市場 本店", "Yahoo!ショッピング店", "Amazon.co.jp", "Shopify 自社EC", "BASE ショップ"]) {
      await table.getByRole("columnheader", { name: shop }).waitFor();
    }
    await shot(page, "02-products-ja");

    // Stage an edit (the script shows the movement it will make), then 反映 that one row. Demo
    // orders keep arriving, so a sale may move the figure first: then Kura refuses and we retry.
    for (let attempt = 1; ; attempt++) {
      const input = page.getByLabel("TOWEL-TENUGUI-01 の総在庫数");
      const was = Number(await input.inputValue());
      await input.fill(String(was + 5));
      await page.getByText(`上書き ${was} → ${was + 5} = +5`).waitFor();
      assert.match(await page.locator("#apply-all").innerText(), /一括反映 \(1\)/);
      if (attempt === 1) await shot(page, "02b-products-staged");
      await page.getByRole("button", { name: "TOWEL-TENUGUI-01 を反映" }).click();
      await page.waitForURL(/saved=/);
      if (page.url().includes("stale=") && attempt < 3) continue;
      await page.getByText("1 件の在庫数を反映しました").waitFor();
      assert.equal(await page.getByLabel("TOWEL-TENUGUI-01 の総在庫数").inputValue(), String(was + 5));
      break;
    }

    await page.getByRole("combobox", { name: "グループ" }).selectOption({ label: "季節商品" });
    await page.getByRole("button", { name: "絞り込む" }).click();
    await page.waitForURL(/group=/);
    assert.deepEqual(await page.locator("tbody th code").allInnerTexts(), ["SWEET-MONAKA-8", "SWEET-YOKAN-5"]);

    await page.getByRole("link", { name: "ホーム" }).click();
    await page.getByRole("heading", { name: "ホーム" }).waitFor();
    await shot(page, "03-home");

    await page.getByRole("link", { name: "スタッフ" }).click();
    for (const s of DEMO_STAFF) await page.getByRole("cell", { name: s.email }).waitFor();
    await shot(page, "04-staff");

    await page.getByRole("link", { name: "APIトークン" }).click();
    await page.getByLabel("名前").fill(`e2e ${new Date().toISOString()}`);
    await page.getByRole("button", { name: "トークンを作成" }).click();
    assert.match(await page.locator("#new-token").innerText(), /^kura_/);
    await shot(page, "04b-tokens");

    await page.getByRole("link", { name: "商品管理" }).click();
    await page.getByRole("link", { name: "English" }).click();
    await page.getByRole("heading", { name: "Products" }).waitFor();
    assert.equal(await page.getAttribute("html", "lang"), "en");
    await shot(page, "05-products-en");

    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(/\/login/);
    await page.goto(`${BASE}/products`);
    assert.match(page.url(), /\/login/, "after logout the grid needs a login again");
    await context.close();
  });

  it("a viewer sees the grid without any edit control, and a form post is refused with 403", async () => {
    const viewer = DEMO_STAFF.find((s) => s.role === "viewer")!;
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: "ja-JP", isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await logIn(page, viewer.email, viewer.password);
    await page.getByRole("table").getByText("GIFT-TEA-SET", { exact: true }).waitFor();
    // The only form that changes anything is the logout button; no stock input, no 反映.
    assert.deepEqual(await page.locator('form[method="post"]').evaluateAll((fs) => fs.map((f) => f.getAttribute("action"))), ["/logout"]);
    assert.equal(await page.locator("input.stock").count(), 0);
    assert.equal(await page.getByRole("button", { name: /反映/ }).count(), 0);
    assert.equal(await page.getByRole("link", { name: "スタッフ" }).count(), 0);
    await shot(page, "06-products-viewer-phone");

    const forbidden = await page.goto(`${BASE}/staff`);
    assert.equal(forbidden?.status(), 403);
    await shot(page, "07-staff-forbidden-viewer");

    // A hidden button is not a permission: post the owner's form by hand, with a valid token.
    await page.goto(`${BASE}/account/password`);
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    const res = await page.request.post(`${BASE}/staff`, {
      form: { _csrf: csrf, email: "intruder@example.jp", name: "x", role: "admin", password: "long enough password" },
      headers: { origin: BASE },
    });
    assert.equal(res.status(), 403);
    await context.close();
  });
});
