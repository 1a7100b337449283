import { connectThroughFlow } from "./connect-demo.mjs";

// Seeds the demo account through Kura's own API (idempotently): an owner login, a catalogue of
// products with a set and two groups, and — once shops exist — five shops on the simulated malls.
// Re-running it finds the account by its owner e-mail and fills in only what is missing.

export const DEMO_EMAIL = "demo@kura.example";
// The owner has a name like the staff below, so the header and 操作ログ show who did what.
export const DEMO_OWNER_NAME = "店主 蔵田";
export const DEMO_PASSWORD = "kura-demo-2026";

export const DEMO_PRODUCTS = [
  { masterCode: "TEA-SENCHA-100", name: "静岡 煎茶 100g", onHand: 120, lowStockThreshold: 20 },
  { masterCode: "TEA-HOJI-80", name: "ほうじ茶 80g", onHand: 80, lowStockThreshold: 15 },
  { masterCode: "TEA-MATCHA-30", name: "抹茶 30g 缶", onHand: 40, lowStockThreshold: 10, reserved: 3 },
  { masterCode: "TEA-GENMAI-200", name: "玄米茶 200g", onHand: 60, lowStockThreshold: 10 },
  { masterCode: "CUP-YUNOMI-BLU", name: "有田焼 湯呑み 藍", onHand: 25, lowStockThreshold: 5 },
  { masterCode: "CUP-YUNOMI-RED", name: "有田焼 湯呑み 朱", onHand: 18, lowStockThreshold: 5 },
  { masterCode: "POT-KYUSU-300", name: "常滑焼 急須 300ml", onHand: 12, lowStockThreshold: 3 },
  { masterCode: "TOWEL-TENUGUI-01", name: "手ぬぐい 麻の葉", onHand: 200, lowStockThreshold: 30 },
  { masterCode: "SWEET-YOKAN-5", name: "羊羹 5本入", onHand: 35, lowStockThreshold: 8, group: "季節商品" },
  { masterCode: "SWEET-MONAKA-8", name: "最中 8個入", onHand: 6, lowStockThreshold: 8, group: "季節商品" },
];
export const DEMO_SET = {
  masterCode: "GIFT-TEA-SET",
  name: "ギフト 煎茶と湯呑みのセット",
  components: [
    { masterCode: "TEA-SENCHA-100", quantity: 2 },
    { masterCode: "CUP-YUNOMI-BLU", quantity: 1 },
  ],
};

async function api(base, token, method, path, body) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = res.status === 204 ? null : await res.json().catch(() => null);
  return { status: res.status, json };
}

export async function seedDemo(base, operatorToken) {
  let account;
  let token;
  const found = await api(base, operatorToken, "GET", `/operator/accounts?email=${encodeURIComponent(DEMO_EMAIL)}`);
  if (found.status !== 200) throw new Error(`operator API answered ${found.status}`);
  if (found.json.items.length) {
    account = found.json.items[0];
    token = (await api(base, operatorToken, "POST", `/operator/accounts/${account.id}/tokens`, { name: "npm start" })).json.apiToken;
  } else {
    const created = await api(base, operatorToken, "POST", "/operator/accounts", {
      name: "デモ商店 (Kura demo)",
      plan: { maxProducts: 1000, maxShops: 10 },
      owner: { email: DEMO_EMAIL, password: DEMO_PASSWORD, name: DEMO_OWNER_NAME },
    });
    if (created.status !== 201) throw new Error(`could not create the demo account: ${JSON.stringify(created.json)}`);
    account = created.json.account;
    token = created.json.apiToken;
  }

  const groups = (await api(base, token, "GET", "/groups")).json.items;
  if (!groups.some((g) => g.name === "季節商品")) {
    await api(base, token, "POST", "/groups", { name: "季節商品", reserved: 2, ratio: 90 });
  }
  for (const p of [...DEMO_PRODUCTS, DEMO_SET]) {
    const exists = await api(base, token, "GET", `/products/${p.masterCode}`);
    if (exists.status === 404) {
      const r = await api(base, token, "POST", "/products", p);
      if (r.status !== 201) throw new Error(`could not seed ${p.masterCode}: ${JSON.stringify(r.json)}`);
    }
  }
  return { account, token };
}

// The demo shops, one per API mall, all on the local simulator. BASE and カラーミーショップ know
// items only by their own numeric ids, so their listings carry a 別品番紐づけ (code mapping) — the
// demo shows how. On カラーミー the two 湯呑み are the options 藍 and 朱 of one product.
const SHOP_KINDS = [
  ["rakuten", "楽天市場 本店"],
  ["yahoo", "Yahoo!ショッピング店"],
  ["amazon", "Amazon.co.jp"],
  ["shopify", "Shopify 自社EC"],
  ["base", "BASE ショップ"],
  ["aupay", "au PAY マーケット店"],
  ["colorme", "カラーミーショップ"],
];
const MAPPED_KINDS = ["base", "colorme"];
const COLORME_OPTIONS = { "CUP-YUNOMI-BLU": "6100:藍", "CUP-YUNOMI-RED": "6100:朱" };

export function demoMallCode(kind, masterCode, index) {
  if (kind === "rakuten") return `${masterCode.toLowerCase()}:normal-inventory`;
  if (kind === "base") return String(5001 + index);
  if (kind === "colorme") return COLORME_OPTIONS[masterCode] ?? String(6001 + index);
  return masterCode;
}

/** The malls whose demo shop is connected through 連携する (OAuth) rather than pasted credentials. */
export const OAUTH_KINDS = ["shopify", "base", "yahoo", "amazon"];

/** The demo owner's dashboard session: its cookie and CSRF token. */
async function ownerSession(base) {
  const cookie = await dashboardLogin(base, DEMO_EMAIL, DEMO_PASSWORD);
  const page = await (await fetch(`${base}/shops`, { headers: { cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!csrf) throw new Error("the モール設定 page carries no CSRF token");
  return { cookie, csrf };
}

/**
 * Connects (or, when it exists, re-connects) the demo shop of an OAuth mall through its flow on the
 * simulator. Yahoo's store then adds its 公開鍵 through the credentials form, as a merchant does
 * after issuing one in ストアクリエイターPro: its refresh token then lives 4 weeks, not 12 hours.
 * Answers the shop, or null (with a warning) when any step failed.
 */
async function connectDemoShop(base, token, session, kind, name, existing, credentials) {
  try {
    const id = await connectThroughFlow(base, session, kind, existing ? { shopId: existing.id } : { name });
    if (kind === "yahoo" && credentials.publicKey) {
      const res = await fetch(`${base}/shops/${id}/credentials`, {
        method: "POST",
        headers: { cookie: session.cookie, origin: base, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ _csrf: session.csrf, "cred.publicKey": credentials.publicKey, "cred.publicKeyVersion": credentials.publicKeyVersion }),
        redirect: "manual",
      });
      if (res.status !== 303) throw new Error(`adding the public key answered ${res.status}`);
    }
    return (await api(base, token, "GET", `/shops/${id}`)).json;
  } catch (e) {
    console.warn(`連携する (${kind}) failed: ${e.message}. Falling back to pasted credentials.`);
    return null;
  }
}

export async function seedShops(base, token, simBaseUrl) {
  const session = await ownerSession(base).catch((e) => {
    console.warn(`no dashboard session for 連携する (${e.message}): every demo shop gets pasted credentials.`);
    return null;
  });
  const sim = (path, body) =>
    fetch(`${simBaseUrl}${path}`, { method: body ? "POST" : "GET", headers: { "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined }).then((r) => r.json());
  // Kura's own local URL as its public URL: each shop's 接続テスト below then subscribes the
  // simulated Shopify shop's webhooks, and its orders arrive at once instead of at the next poll.
  await api(base, token, "PATCH", "/settings", { publicUrl: base });
  const existing = (await api(base, token, "GET", "/shops")).json.items;
  const catalogue = [...DEMO_PRODUCTS, DEMO_SET];
  const shops = [];
  for (const [kind, name] of SHOP_KINDS) {
    const credentials = await sim(`/__demo/credentials/${kind}`);
    const baseUrl = `${simBaseUrl}/${kind}`;
    let shop = existing.find((s) => s.kind === kind);
    // The simulator starts fresh with every `npm start`: connect again (OAuth malls) or hand the
    // shop the credentials it accepts now.
    // A shop kept from an earlier run may point at another port's simulator (SIM_PORT changed):
    // 再連携 renews its tokens only, so it is pointed at this one first.
    if (shop && shop.baseUrl !== baseUrl) await api(base, token, "PATCH", `/shops/${shop.id}`, { baseUrl });
    const connected = session && OAUTH_KINDS.includes(kind) ? await connectDemoShop(base, token, session, kind, name, shop, credentials) : null;
    if (connected) shop = connected;
    else if (shop) shop = (await api(base, token, "PATCH", `/shops/${shop.id}`, { credentials, baseUrl })).json;
    else shop = (await api(base, token, "POST", "/shops", { kind, name, credentials, baseUrl })).json;
    if (!shop?.id) throw new Error(`could not seed the ${kind} shop: ${JSON.stringify(shop)}`);
    const items = [];
    for (const [i, p] of catalogue.entries()) {
      const code = demoMallCode(kind, p.masterCode, i);
      if (MAPPED_KINDS.includes(kind)) await api(base, token, "PUT", `/products/${p.masterCode}/shops/${shop.id}`, { managed: true, mallCode: code });
      items.push({ code, quantity: 0 });
    }
    await sim(`/${kind}/__sim/listings`, { items });
    const test = await api(base, token, "POST", `/shops/${shop.id}/test`);
    await api(base, token, "POST", `/shops/${shop.id}/push?all=true`);
    shops.push({ id: shop.id, kind, name, test: test.json, via: connected ? "連携する" : "認証情報" });
  }
  return shops;
}

// The demo's e-mail shop: Qoo10 has no order API Kura may use, so its orders arrive as the order
// mails the cart sends, forwarded to the account's inbound address (the demo traffic writes them
// with the simulator and posts them to wrangler dev's local email endpoint). Kind and name only.
export const MAIL_SHOP = { kind: "qoo10", name: "Qoo10 ショップ" };

export async function seedMailShop(base, token) {
  const existing = (await api(base, token, "GET", "/shops")).json.items.find((s) => s.kind === MAIL_SHOP.kind);
  const shop = existing ?? (await api(base, token, "POST", "/shops", MAIL_SHOP)).json;
  if (!shop?.id) throw new Error(`could not seed the ${MAIL_SHOP.kind} shop: ${JSON.stringify(shop)}`);
  const test = await api(base, token, "POST", `/shops/${shop.id}/test`);
  const inboundEmail = (await api(base, token, "GET", "/settings")).json.inboundEmail;
  return { id: shop.id, kind: MAIL_SHOP.kind, name: shop.name, intake: "mail", inboundEmail, test: test.json };
}

// One staff member of each role, so a newcomer can try what each may do. They are added through
// the dashboard's own forms (login, CSRF token, スタッフ page), as the owner would.
export const DEMO_STAFF = [
  { role: "admin", email: "admin@kura.example", name: "管理者 花子" },
  { role: "staff", email: "staff@kura.example", name: "スタッフ 太郎" },
  { role: "viewer", email: "viewer@kura.example", name: "閲覧 次郎" },
].map((s) => ({ ...s, password: DEMO_PASSWORD }));

export async function dashboardLogin(base, email, password) {
  const res = await fetch(`${base}/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", origin: base },
    body: new URLSearchParams({ email, password }),
    redirect: "manual",
  });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith("__Host-kura_session="))?.split(";")[0];
  if (res.status !== 303 || !cookie) throw new Error(`dashboard login as ${email} answered ${res.status}`);
  return cookie;
}

export async function seedStaff(base) {
  const cookie = await dashboardLogin(base, DEMO_EMAIL, DEMO_PASSWORD);
  const page = await (await fetch(`${base}/staff`, { headers: { cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!csrf) throw new Error("the スタッフ page carries no CSRF token");
  for (const s of DEMO_STAFF) {
    if (page.includes(`>${s.email} `) || page.includes(`>${s.email}<`)) continue;
    const res = await fetch(`${base}/staff`, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded", origin: base },
      body: new URLSearchParams({ _csrf: csrf, email: s.email, name: s.name, role: s.role, password: s.password }),
      redirect: "manual",
    });
    if (res.status !== 303) throw new Error(`could not add ${s.email}: ${res.status}`);
  }
  return DEMO_STAFF;
}
