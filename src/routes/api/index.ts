import { apiAuth } from "../../lib/auth";
import { apiRouter } from "../../lib/validate";
import { driftApi } from "./drift";
import { groupsApi } from "./groups";
import { exportsApi } from "./exports";
import { importsApi } from "./imports";
import { jobsApi, resyncApi } from "./jobs";
import { logsApi } from "./logs";
import { mailApi } from "./mail";
import { notificationsApi } from "./notifications";
import { serveDocument } from "./openapi";
import { operatorApi } from "./operator";
import { productsApi } from "./products";
import { salesApi } from "./sales";
import { settingsApi } from "./settings";
import { shopsApi } from "./shops";
import { syncFailuresApi } from "./sync-failures";
import { syncInvariantsApi } from "./sync-invariants";
import { syncStatusApi } from "./sync-status";
import { tokensApi } from "./tokens";
import { unmatchedApi } from "./unmatched";
import { unreflectedApi } from "./unreflected";

// JSON API v1: every resource router mounted on one OpenAPIHono, whose registry then holds every
// route definition; /openapi.json is derived from it.
export const api = apiRouter();

api.route("/operator", operatorApi);
const resources = { "/products": productsApi, "/sales": salesApi, "/groups": groupsApi, "/logs": logsApi, "/shops": shopsApi, "/tokens": tokensApi, "/settings": settingsApi, "/mail": mailApi,
  "/sync/failures": syncFailuresApi, "/sync/invariants": syncInvariantsApi, "/sync/status": syncStatusApi,
  "/unreflected": unreflectedApi, "/jobs": jobsApi, "/resync": resyncApi, "/imports": importsApi, "/exports": exportsApi, "/drift": driftApi, "/notifications": notificationsApi };
for (const [path, router] of Object.entries(resources)) {
  api.use(`${path}/*`, apiAuth);
  api.route(path, router);
}
// Under /sales, so the /sales/* apiAuth above already guards it.
api.route("/sales/unmatched", unmatchedApi);
serveDocument(api);
