// Keeps the demo alive, talking only to loopback: customers order on the simulated malls (now and
// then one cancels), a physical shop (実店舗 POS) reports sales through the API, the warehouse
// restocks what runs low, and the scheduled sync runs as the platform's cron would.
import { existsSync } from "node:fs";
import { DEMO_PRODUCTS, DEMO_SET, demoMallCode } from "./seed.mjs";

// `touch .demo-paused` stops new orders, POS sales and cancels (the scheduled sync keeps running),
// so the shops can be seen to settle in step with Kura; remove the file to resume.
export const PAUSE_FILE = ".demo-paused";

const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];
// wrangler dev does not fire cron triggers by itself; this stands in for Cloudflare's scheduler.
const CRON_EVERY_MS = 30_000;

export function startDemoTraffic({ base, token, simBaseUrl, shops, intervalMs = 5000 }) {
  const catalogue = [...DEMO_PRODUCTS, DEMO_SET];
  const placed = [];
  let n = 0;
  const call = (method, path, body) =>
    fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body ? JSON.stringify(body) : undefined,
    }).then((r) => r.json().catch(() => null));
  // An e-mail cart's customer: the simulator writes the cart's order mail, and it is delivered to
  // Kura's email() handler through wrangler dev's local endpoint, as Email Routing would.
  const mailOrder = async (shop, code) => {
    const mail = await sim("/mail/__sim/orders", { cart: shop.kind, to: shop.inboundEmail, lines: [{ code, quantity: 1 }] });
    if (!mail?.raw) return;
    const qs = new URLSearchParams({ from: mail.from, to: shop.inboundEmail });
    await fetch(`${base}/cdn-cgi/handler/email?${qs}`, { method: "POST", body: Buffer.from(mail.raw, "base64") });
  };
  const sim = (path, body) =>
    fetch(`${simBaseUrl}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body ?? {}) }).then((r) => r.json().catch(() => null));

  const tick = async () => {
    if (existsSync(PAUSE_FILE)) return;
    n++;
    try {
      if (n % 4 === 0) {
        const p = pick(DEMO_PRODUCTS);
        const res = await call("POST", "/sales", { source: "pos-shibuya", orderId: `POS-${Date.now()}`, lines: [{ lineId: "1", code: p.masterCode, quantity: 1 }] });
        if ((res?.lines?.[0]?.onHand ?? 99) < 5) await call("POST", `/products/${p.masterCode}/stock`, { mode: "adjust", quantity: 40, reason: "入荷 (demo)" });
        return;
      }
      const shop = pick(shops);
      const index = Math.floor(Math.random() * catalogue.length);
      if (shop.intake === "mail") return await mailOrder(shop, catalogue[index].masterCode);
      const order = await sim(`/${shop.kind}/__sim/orders`, { lines: [{ code: demoMallCode(shop.kind, catalogue[index].masterCode, index), quantity: 1 }] });
      if (order?.orderId) placed.push({ kind: shop.kind, orderId: order.orderId });
      if (n % 9 === 0 && placed.length) {
        const o = placed.splice(Math.floor(Math.random() * placed.length), 1)[0];
        await sim(`/${o.kind}/__sim/orders/${o.orderId}/cancel`);
      }
    } catch {
      // wrangler dev restarting: try again next tick
    }
  };
  const cron = () => fetch(`${base}/__scheduled?cron=*+*+*+*+*`).catch(() => {});
  setTimeout(cron, 3000);
  return [setInterval(tick, intervalMs), setInterval(cron, CRON_EVERY_MS)];
}
