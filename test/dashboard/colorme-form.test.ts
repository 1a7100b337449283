import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { useMallSim } from "../helpers/mall-sim";
import { login, newShop } from "./helpers";

// モール設定 for a カラーミーショップ shop: the form asks for the one thing the merchant has (the
// access token), in Japanese first, and a shop added through it passes 接続テスト.

const sim = useMallSim();
const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

describe("the カラーミーショップ credential form", () => {
  it("asks for the access token only, as a secret field with its help text, and a shop added with it tests OK", async () => {
    const b = await login((await newShop()).users.admin.email);
    const ja = (await b.get("/shops/new?kind=colorme")).html;
    expect(ja).toContain('<label for="cred-accessToken">アクセストークン</label>');
    expect(ja).toMatch(/name="cred\.accessToken"[^>]*type="password"|type="password"[^>]*name="cred\.accessToken"/);
    expect(text(ja)).toContain("期限はありません");
    expect(text((await b.get("/shops/new?kind=colorme&lang=en")).html)).toContain("It does not expire");

    await sim.control("colorme", "POST", "/reset");
    const token = (sim.credentials("colorme") as { accessToken: string }).accessToken;
    const res = await b.post("/shops", { kind: "colorme", name: "カラーミー 本店", "cred.accessToken": token, baseUrl: sim.baseUrl("colorme"), importEnabled: "on", cancelPolicy: "restore" });
    expect(res.status, res.html.slice(0, 500)).toBe(303);
    const id = Number(/^\/shops\/(\d+)/.exec(res.location ?? "")![1]);
    const row = await env.DB.prepare("SELECT kind, credentials_enc FROM shops WHERE id = ?").bind(id).first<{ kind: string; credentials_enc: string }>();
    expect(row!.kind).toBe("colorme");
    expect(row!.credentials_enc).not.toContain(token);
    const page = (await b.get(`/shops/${id}`)).html;
    expect(page).not.toContain(token);
    expect(text(page)).toContain("カラーミーショップ");
  });
});
