import { Hono } from "hono";
import { countProducts } from "../../db/queries/products";
import { countShops } from "../../db/queries/shops";
import type { UiEnv } from "../../lib/session";
import { HomePage, SoonPage } from "../../views/home-page";
import { frame } from "./middleware";

export const homePage = new Hono<UiEnv>();

homePage.get("/", async (c) => {
  const s = c.get("session")!;
  const db = c.get("db");
  const [products, shops] = await Promise.all([countProducts(db, s.account.id), countShops(db, s.account.id)]);
  return c.html(<HomePage frame={frame(c)} products={products} maxProducts={s.account.maxProducts} shops={shops} />);
});

// Screens whose pages come next; the menu already leads to them.
for (const [path, key] of [["/shops", "nav.shops"], ["/settings", "nav.settings"]] as const) {
  homePage.get(path, (c) => c.html(<SoonPage frame={frame(c)} title={c.get("t")(key)} />));
}
