import { Hono, type Context } from "hono";
import { checkAuth } from "./auth";
import { orderInfo, orderList } from "./orders-api";
import type { YahooSimState } from "./state";
import { badRequest, bodyText, elements, isoJst, resultSet, sellerError, xml, XML_DECL } from "./xml";

// The store APIs under /ShoppingWebService/V1: setStock / getStock (form bodies, comma lists of
// ≤1000 codes), orderCount, orderList / orderInfo (XML bodies). Answers are XML like Yahoo's.

export const V1 = "/ShoppingWebService/V1";
const MAX_CODES = 1000;
const MAX_ABS = 999_999_999;
const CODE = /^[A-Za-z0-9-]{1,99}(:[A-Za-z0-9-]{1,99})?$/;

function splitCodes(raw: string | null): string[] | Response {
  if (!raw) return badRequest("st-02101", "item_code() is invalid format.");
  const codes = raw.split(",");
  if (codes.length > MAX_CODES) return badRequest("st-02102", "パラメータ「item_code」に指定した商品コードの数が上限値を超えています。");
  const bad = codes.find((code) => !CODE.test(code));
  if (bad !== undefined) return badRequest("st-02101", `item_code(${bad}) is invalid format.`);
  if (new Set(codes).size !== codes.length) return badRequest("st-02103", "パラメータ「item_code」に重複する商品コードが含まれています。");
  return codes;
}

function codeParts(code: string): { ItemCode: string; SubCode: string } {
  const [item, sub] = code.split(":");
  return { ItemCode: item, SubCode: sub ?? "" };
}

async function form(c: Context): Promise<URLSearchParams> {
  return new URLSearchParams(await bodyText(c.req.raw));
}

type Env = { Variables: { seller: string } };

export function storeApi(state: YahooSimState): Hono<Env> {
  const app = new Hono<Env>();
  const orderApis = new Set(["orderList", "orderInfo", "orderCount"]);

  app.use(`${V1}/:api`, async (c, next) => {
    const auth = checkAuth(c, state, orderApis.has(c.req.param("api")));
    if (!auth.ok) return auth.res;
    c.set("seller", auth.grant.sellerId);
    await next();
  });
  const sellerOf = (c: Context<Env>) => c.get("seller");

  app.post(`${V1}/setStock`, async (c) => {
    const f = await form(c);
    const err = sellerError(f.get("seller_id"), sellerOf(c));
    if (err) return err;
    const codes = splitCodes(f.get("item_code"));
    if (codes instanceof Response) return codes;
    const quantities = (f.get("quantity") ?? "").split(",");
    if (quantities.length !== codes.length) {
      return badRequest("st-02105", "パラメータ「quantity」に指定した在庫数の数が商品コードの数と一致しません。");
    }
    let rows = "";
    codes.forEach((code, i) => {
      const q = quantities[i].trim();
      const m = /^([+-]?)(\d{1,9})$/.exec(q);
      if (!m || Number(m[2]) > MAX_ABS) {
        // INI (unlimited) is no longer accepted; neither are decimals or words.
        rows += `<Result>${elements({ ...codeParts(code), ErrorCode: "st-02104", ErrorMessage: `quantity(${q}) is invalid value.` })}</Result>`;
        return;
      }
      const listing = state.listings.get(code);
      const current = listing?.quantity ?? 0;
      const n = Number(m[2]);
      const next = m[1] === "+" ? current + n : m[1] === "-" ? Math.max(0, current - n) : n;
      // Unknown item codes are accepted without an error and change nothing visible.
      if (listing) state.listings.set(code, { quantity: next, updated: state.now() });
      rows += `<Result>${elements({ ...codeParts(code), Quantity: next })}</Result>`;
    });
    return xml(resultSet(codes.length, rows));
  });

  app.post(`${V1}/getStock`, async (c) => {
    const f = await form(c);
    const err = sellerError(f.get("seller_id"), sellerOf(c));
    if (err) return err;
    const codes = splitCodes(f.get("item_code"));
    if (codes instanceof Response) return codes;
    const rows = codes
      .map((code) => {
        const l = state.listings.get(code);
        if (!l) return `<Result>${elements({ ...codeParts(code), Status: 0 })}</Result>`;
        return `<Result>${elements({
          ...codeParts(code),
          Status: 1,
          Quantity: l.quantity,
          AllowOverdraft: 0,
          IsPublished: 1,
          UpdateTime: isoJst(l.updated),
        })}</Result>`;
      })
      .join("");
    return xml(resultSet(codes.length, rows));
  });

  app.get(`${V1}/orderCount`, (c) => {
    const err = sellerError(c.req.query("sellerId"), sellerOf(c));
    if (err) return err;
    const open = [...state.orders.values()].filter((o) => o.status === 2 && o.isActive);
    const reserve = [...state.orders.values()].filter((o) => o.status === 1 && o.isActive);
    return xml(
      `${XML_DECL}\n<ResultSet totalResultsAvailable="1" totalResultsReturned="1" firstResultPosition="1">` +
        `<Result><Status>OK</Status><Count>${elements({ NewOrder: open.length, NewReserve: reserve.length })}</Count></Result></ResultSet>`,
    );
  });

  app.post(`${V1}/orderList`, async (c) => orderList(state, sellerOf(c), await bodyText(c.req.raw)));
  app.post(`${V1}/orderInfo`, async (c) => orderInfo(state, sellerOf(c), await bodyText(c.req.raw)));

  return app;
}
