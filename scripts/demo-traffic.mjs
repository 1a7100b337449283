// Keeps the demo alive: a physical shop (実店舗 POS) reports sales through the API, the
// warehouse restocks what runs low, and — when the demo shops exist — customers order on the
// simulated malls, so stock visibly moves. Bounded: it only ever talks to loopback.
import { DEMO_PRODUCTS, DEMO_SET } from "./seed.mjs";

const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];

export function startDemoTraffic({ base, token, intervalMs = 4000 }) {
  let n = 0;
  const codes = [...DEMO_PRODUCTS.map((p) => p.masterCode), DEMO_SET.masterCode];
  const call = (method, path, body) =>
    fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body ? JSON.stringify(body) : undefined,
    }).then((r) => r.json().catch(() => null));

  const tick = async () => {
    n++;
    try {
      const code = pick(codes);
      const res = await call("POST", "/sales", {
        source: "pos-shibuya",
        orderId: `POS-${Date.now()}-${n}`,
        lines: [{ lineId: "1", code, quantity: 1 + Math.floor(Math.random() * 2) }],
      });
      const onHand = res?.lines?.[0]?.onHand;
      if (typeof onHand === "number" && onHand < 5 && code !== DEMO_SET.masterCode) {
        await call("POST", `/products/${code}/stock`, { mode: "adjust", quantity: 40, reason: "入荷 (demo)" });
      }
    } catch {
      // wrangler dev restarting: try again next tick
    }
  };
  return setInterval(tick, intervalMs);
}
