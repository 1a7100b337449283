import { type Context, Hono } from "hono";
import { connectableKinds, finishConnect, startConnect } from "../../connect/connect";
import { ConnectError, isConnectKind } from "../../connect/types";
import type { UiEnv } from "../../lib/session";
import { credentialFields } from "./credential-form";
import { MessagePage } from "../../views/auth-pages";
import { ShopNewPage } from "../../views/shops-page";
import { frame } from "./middleware";

// 連携する on モール設定: POST starts a mall's OAuth flow (the session's CSRF token and the shops
// right are checked by the dashboard's one authorize step), the mall sends the merchant back to
// GET …/callback, which must find this session's user behind the state. Any refusal is a page
// saying why, HTTP 400, with nothing written.

export const connectPages = new Hono<UiEnv>();

const str = (v: unknown) => (typeof v === "string" ? v.trim() : "");

function refused(c: Context<UiEnv>, err: ConnectError) {
  const t = c.get("t");
  return c.html(<MessagePage frame={frame(c)} title={t("connect.failedTitle")} message={t(err.key, err.params)} />, 400);
}

connectPages.post("/shops/connect/:kind", async (c) => {
  const s = c.get("session")!;
  const t = c.get("t");
  const kind = c.req.param("kind");
  if (!isConnectKind(kind)) return refused(c, new ConnectError("connect.err.kind"));
  const body = await c.req.parseBody();
  const extra = str(body.shopDomain) || str(body.sellerId);
  try {
    const url = await startConnect(c.env, c.get("db"), s, kind, { name: str(body.name), shopId: str(body.shopId) || undefined, extra }, new URL(c.req.url).origin);
    return c.redirect(url, 302);
  } catch (err) {
    if (!(err instanceof ConnectError)) throw err;
    // A malformed shop domain / store account goes back to the form, next to its field.
    if (!body.shopId && (err.key === "connect.err.shopDomain" || err.key === "connect.err.sellerId")) {
      const connect = { available: true, value: extra, name: str(body.name), error: t(err.key) };
      return c.html(<ShopNewPage frame={frame(c)} kind={kind} fields={credentialFields(kind)} connect={connect} />, 400);
    }
    return refused(c, err);
  }
});

connectPages.get("/shops/connect/:kind/callback", async (c) => {
  // Amazon asks for it; no mall should learn the code or the state from a later page's Referer.
  c.header("Referrer-Policy", "no-referrer");
  const kind = c.req.param("kind");
  if (!isConnectKind(kind)) return refused(c, new ConnectError("connect.err.kind"));
  try {
    const done = await finishConnect(c.env, c.get("db"), c.get("session")!, kind, c.req.query(), new URL(c.req.url).origin);
    return c.redirect(`/shops/${done.shopId}?done=${done.test?.ok ? "connected" : "connectedTestNg"}#test`, 303);
  } catch (err) {
    if (err instanceof ConnectError) return refused(c, err);
    throw err;
  }
});

export { connectableKinds };
