// `npm run in-step`: are the shops showing what Kura says they should? Reads, for every shop that
// takes updates, the live figure of every product from the mall (through Kura's API, so within
// each shop's budget) and compares it with the figure Kura computes for that shop. Reads only.
//   KURA_TOKEN=kura_… npm run in-step        (KURA_URL defaults to http://127.0.0.1:8787)
const base = (process.env.KURA_URL ?? "http://127.0.0.1:8787").replace(/\/$/, "") + "/api/v1";
const token = process.env.KURA_TOKEN;
if (!token) {
  console.error("KURA_TOKEN must be an API token of the account (npm start prints the demo's).");
  process.exit(2);
}
const wait = (ms) => new Promise((r) => setTimeout(r, ms));
async function get(path, tries = 5) {
  const res = await fetch(base + path, { headers: { authorization: `Bearer ${token}` } });
  if (res.ok) return res.json();
  if (tries > 1 && (res.status === 503 || res.status === 429)) {
    await wait(2000);
    return get(path, tries - 1);
  }
  throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
}

const codes = [];
for (let cursor = null, first = true; first || cursor; first = false) {
  const page = await get(`/products?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
  codes.push(...page.items.map((p) => p.masterCode));
  cursor = page.nextCursor;
}
const want = new Map();
for (const code of codes) {
  for (const f of (await get(`/products/${encodeURIComponent(code)}/figures`)).shops) if (f.figure !== null) want.set(`${f.shopId} ${code}`, f.figure);
}
const shops = (await get("/shops")).items.filter((s) => s.updateEnabled);
let checked = 0;
let off = 0;
for (const shop of shops) {
  for (let i = 0; i < codes.length; i += 20) {
    const part = codes.slice(i, i + 20);
    for (const item of (await get(`/shops/${shop.id}/stock?codes=${part.map(encodeURIComponent).join(",")}`)).items) {
      const figure = want.get(`${shop.id} ${item.masterCode}`);
      if (figure === undefined) continue;
      checked++;
      if (item.quantity !== figure) {
        off++;
        console.log(`OFF  ${shop.name}  ${item.masterCode}: the mall shows ${item.quantity}, Kura says ${figure}`);
      }
    }
  }
  console.log(`${shop.name}: ${shop.healthLabel ?? shop.status}`);
}
console.log(`${checked - off} of ${checked} listings in step across ${shops.length} shops`);
process.exit(off ? 1 : 0);
