import { env, exports } from "cloudflare:workers";
import { expect, it } from "vitest";
import { newAccount } from "../../test/helpers/api";

// CSV export at 100,000 products (`npm run bench:csv-export`): the
// catalogue is written straight into local D1 (names with ①㈱髙﨑, a comma and quotes; stock; a
// mall code on every third product of one of two shops), then each export is read through
// GET /api/v1/exports/… as a client would, printing the time to the first bytes and to the last,
// the size, and the largest chunk the stream handed over (the file never sits whole in memory).

const N = 100_000;

it(`exports ${N} products`, async () => {
  const c = await newAccount({ maxProducts: N, maxShops: 5 });
  const g = await env.DB.prepare("SELECT id FROM groups WHERE account_id = ? AND is_default = 1").bind(c.accountId).first<{ id: number }>();
  const shops: number[] = [];
  for (const [kind, name] of [["rakuten", "楽天市場店"], ["yahoo", "Yahoo!ショッピング店"]]) {
    shops.push((await env.DB.prepare("INSERT INTO shops (account_id, kind, name) VALUES (?, ?, ?) RETURNING id").bind(c.accountId, kind, name).first<{ id: number }>())!.id);
  }
  const t0 = Date.now();
  for (let start = 0; start < N; start += 20_000) {
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?)
       INSERT INTO products (account_id, master_code, name, group_id, sync_mode, is_set, created_at, updated_at)
       SELECT ?, printf('BENCH-%06d', i), printf('①㈱髙﨑 ベンチ商品 %d 号, "特選"', i % 997), ?, 'auto', 0, 0, 0 FROM n`,
    ).bind(start, Math.min(N, start + 20_000), c.accountId, g!.id).run();
  }
  await env.DB.prepare("INSERT INTO stock (product_id, account_id, on_hand, version, updated_at) SELECT id, account_id, 3 + (id % 50), 1, 0 FROM products WHERE account_id = ?").bind(c.accountId).run();
  await env.DB.prepare("INSERT INTO listings (account_id, product_id, shop_id, managed, mall_code) SELECT account_id, id, ?, 1, 'rk-' || master_code FROM products WHERE account_id = ? AND id % 3 = 0").bind(shops[0], c.accountId).run();
  console.log(`catalogue of ${N} products written in ${Date.now() - t0} ms`);

  for (const path of ["products.csv", "products.csv?encoding=shift_jis", "stock.csv?encoding=shift_jis", "mappings.csv?encoding=shift_jis", "products.csv?encoding=shift_jis&q=BENCH-05"]) {
    const t1 = performance.now();
    const res = await exports.default.fetch(`http://kura.test/api/v1/exports/${path}`, { headers: { authorization: `Bearer ${c.token}` } });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let bytes = 0;
    let first = 0;
    let largest = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (bytes === 0) first = performance.now() - t1;
      bytes += value.length;
      largest = Math.max(largest, value.length);
    }
    const ms = performance.now() - t1;
    console.log(`${path.padEnd(42)} first bytes ${first.toFixed(0).padStart(5)} ms, whole file ${ms.toFixed(0).padStart(6)} ms, ${(bytes / 1e6).toFixed(1)} MB, largest chunk ${largest} B`);
  }
});
