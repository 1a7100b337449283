// The demo's OAuth shops connect the way a merchant does it: モール設定's 連携する button, the
// simulated mall's consent page (許可), and the callback back to Kura — driven here over HTTP
// with the demo owner's dashboard session. seed.mjs falls back to pasted credentials when this
// fails, so `npm start` never breaks on it.

/** The mall each flow asks about first: Shopify's shop domain, Yahoo's ストアアカウント. */
const EXTRA = { shopify: ["shopDomain", "kura-demo.myshopify.com"], yahoo: ["sellerId", "kura-demo"] };

function decode(v) {
  return v.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n))).replace(/&amp;/g, "&").replace(/&quot;/g, '"');
}

/**
 * Runs 連携する for one mall: a new shop named `name`, or 再連携 of `shopId`. Answers the shop's
 * id; throws with the step that failed.
 */
export async function connectThroughFlow(base, session, kind, { name, shopId } = {}) {
  const form = new URLSearchParams({ _csrf: session.csrf });
  if (shopId) form.set("shopId", String(shopId));
  else {
    if (name) form.set("name", name);
    if (EXTRA[kind]) form.set(EXTRA[kind][0], EXTRA[kind][1]);
  }
  const started = await fetch(`${base}/shops/connect/${kind}`, {
    method: "POST",
    headers: { cookie: session.cookie, origin: base, "content-type": "application/x-www-form-urlencoded" },
    body: form,
    redirect: "manual",
  });
  const authorize = started.headers.get("location");
  if (started.status !== 302 || !authorize) throw new Error(`start answered ${started.status}`);
  const page = await fetch(authorize);
  const html = await page.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (page.status !== 200 || !action) throw new Error(`consent page answered ${page.status}`);
  const consent = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) consent.append(decode(m[1]), decode(m[2]));
  consent.set("decision", "allow");
  const allowed = await fetch(new URL(decode(action), authorize), { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: consent, redirect: "manual" });
  const callback = allowed.headers.get("location");
  if (allowed.status !== 302 || !callback) throw new Error(`consent answered ${allowed.status}`);
  const back = await fetch(callback, { headers: { cookie: session.cookie }, redirect: "manual" });
  const id = /^\/shops\/(\d+)/.exec(back.headers.get("location") ?? "")?.[1];
  if (back.status !== 303 || !id) {
    const page = (await back.text()).replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
    const at = page.lastIndexOf("連携できませんでした");
    throw new Error(`callback answered ${back.status}${at >= 0 ? `: ${page.slice(at, at + 160)}` : ""}`);
  }
  return Number(id);
}
