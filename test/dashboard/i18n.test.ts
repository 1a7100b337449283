import { describe, expect, it } from "vitest";
import { dictionaries, LANGS, translator } from "../../src/lib/i18n";
import { login, newShop, request } from "./helpers";

describe("the dictionary", () => {
  it("has every key in every language, none of them empty", () => {
    const keys = (lang: (typeof LANGS)[number]) => Object.keys(dictionaries[lang]).sort();
    for (const lang of LANGS) {
      expect(keys(lang), `keys of ${lang}`).toEqual(keys("ja"));
      for (const [key, text] of Object.entries(dictionaries[lang])) expect(text.trim(), `${lang} ${key}`).not.toBe("");
    }
  });

  it("keeps the same placeholders in both languages", () => {
    const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(dictionaries.ja) as (keyof typeof dictionaries.ja)[]) {
      expect(holes(dictionaries.en[key]), key).toEqual(holes(dictionaries.ja[key]));
    }
  });

  it("speaks the merchants' vocabulary", () => {
    const ja = translator("ja");
    expect(ja("nav.products")).toBe("商品管理");
    expect(ja("nav.shops")).toBe("モール設定");
    expect(ja("products.reserved")).toBe("確保在庫");
    expect(ja("products.count", { n: 3, max: "1,000" })).toBe("登録商品数 3 / 1,000");
  });
});

describe("language", () => {
  it("is Japanese first; ?lang=en switches to English and a cookie keeps it", async () => {
    expect((await request("/login")).html).toContain('<html lang="ja">');
    const en = await request("/login?lang=en");
    expect(en.html).toContain('<html lang="en">');
    expect(en.html).toContain("Log in");
    const langCookie = en.setCookie.find((c) => c.startsWith("kura_lang="))!.split(";")[0];
    const shop = await newShop();
    const b = await login(shop.users.owner.email);
    const home = await request("/", { cookie: `${b.cookie}; ${langCookie}` });
    expect(home.html).toContain('<html lang="en">');
    expect(home.html).toContain(">Products<");
    expect(home.html).toContain('href="/?lang=ja"');
    expect((await b.get("/")).html).toContain(">商品管理<");
  });

  it("shows the スタッフ and APIトークン menus only to those who may open them", async () => {
    const shop = await newShop();
    expect((await (await login(shop.users.owner.email)).get("/")).html).toContain('href="/staff"');
    const admin = (await (await login(shop.users.admin.email)).get("/")).html;
    expect(admin).not.toContain('href="/staff"');
    expect(admin).toContain('href="/tokens"');
    expect((await (await login(shop.users.staff.email)).get("/")).html).not.toContain('href="/tokens"');
  });
});
