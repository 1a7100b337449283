import { Hono, type MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { AppError } from "../../lib/errors";
import type { UiEnv } from "../../lib/session";
import { MessagePage } from "../../views/auth-pages";
import { attentionPages } from "./attention";
import { authPages } from "./auth";
import { homePage } from "./home";
import { logsPages } from "./logs";
import { notificationsPages } from "./notifications";
import { authorize, frame, language, sameOrigin, session } from "./middleware";
import { groupsPages } from "./groups";
import { productEditor } from "./product-edit";
import { productTrace } from "./product-trace";
import { productsCsv } from "./products-csv";
import { productsImport } from "./products-import";
import { productsPage } from "./products";
import { settingsPages } from "./settings";
import { connectPages } from "./connect";
import { shopsPages } from "./shops";
import { staffPages } from "./staff";
import { stockForms } from "./stock";
import { tokensPages } from "./tokens";

// The merchant dashboard: server-rendered pages, forms that work without JavaScript.
export const dashboard = new Hono<UiEnv>();

// Mounted at "/" beside the API: these middlewares would otherwise also run for /api/* requests.
const pagesOnly =
  (mw: MiddlewareHandler<UiEnv>): MiddlewareHandler<UiEnv> =>
  (c, next) =>
    c.req.path.startsWith("/api/") ? next() : mw(c, next);
dashboard.use("*", pagesOnly(language), pagesOnly(sameOrigin), pagesOnly(session), pagesOnly(authorize));

dashboard.route("/", authPages);
dashboard.route("/", homePage);
dashboard.route("/", productsPage);
dashboard.route("/", productsCsv);
dashboard.route("/", productsImport);
dashboard.route("/", stockForms);
dashboard.route("/", staffPages);
dashboard.route("/", tokensPages);
dashboard.route("/", connectPages);
dashboard.route("/", shopsPages);
dashboard.route("/", settingsPages);
dashboard.route("/", groupsPages);
dashboard.route("/", logsPages);
dashboard.route("/", attentionPages);
dashboard.route("/", notificationsPages);
// Last: "/products/:code" would otherwise take any other fixed "/products/<word>" page.
dashboard.route("/", productTrace);
dashboard.route("/", productEditor);

// The dashboard's side of the error funnel: the same AppError, as a page in the user's language.
dashboard.onError((err, c) => {
  const t = c.get("t") ?? ((k: string) => k);
  if (!c.get("lang")) return c.text("error", 500);
  const page = (status: 400 | 401 | 403 | 404 | 500, message: string) =>
    c.html(<MessagePage frame={frame(c)} title={t("error.title")} message={message} />, status);
  if (err instanceof AppError) return page(err.status as 400 | 401 | 403 | 404, err.status === 404 ? t("error.notFound") : err.detail);
  if (err instanceof HTTPException && err.status === 403) return page(403, t("error.csrf"));
  if (err instanceof HTTPException && err.status < 500) return page(400, t("error.invalid"));
  const requestId = c.get("requestId");
  console.error(JSON.stringify({ msg: "unhandled error", requestId, path: c.req.path, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }));
  return page(500, t("error.internal", { id: requestId }));
});
