import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { API_TOKEN, json } from "./openapi-kit";

// GET /openapi.json: the document derived from the routes' own createRoute definitions.

const INFO = {
  title: "Kura API",
  version: "1.0.0",
  description:
    "Kura (蔵) multi-channel inventory sync. Authenticate with `Authorization: Bearer <token>`: the operator token for /operator, an account API token for everything else (a token only ever sees its own account; another account's resource answers 404). Every error is application/problem+json; every JSON body must be sent as application/json (415 otherwise). Responses are never cached (Cache-Control: no-store).",
};

const documentRoute = createRoute({
  method: "get",
  path: "/openapi.json",
  tags: ["meta"],
  security: [],
  summary: "This document (OpenAPI 3.1)",
  responses: { 200: json(z.looseObject({ openapi: z.string() }), "The OpenAPI 3.1 document") },
});

/** Registers the security schemes and the document route on the API's root router. */
export function serveDocument(api: OpenAPIHono<AppEnv>) {
  api.openAPIRegistry.registerComponent("securitySchemes", "apiToken", {
    type: "http",
    scheme: "bearer",
    description: "An account API token (kura_…): sees only its own account; GET needs the read scope, anything else write",
  });
  api.openAPIRegistry.registerComponent("securitySchemes", "operatorToken", {
    type: "http",
    scheme: "bearer",
    description: "The deployment's OPERATOR_TOKEN secret; only for /operator",
  });
  // Built once per isolate, on first request: by then every route is registered.
  let document: ReturnType<typeof api.getOpenAPI31Document> | undefined;
  api.openapi(documentRoute, (c) => {
    document ??= api.getOpenAPI31Document({ openapi: "3.1.0", info: INFO, servers: [{ url: "/api/v1" }], security: API_TOKEN });
    return c.json(document, 200);
  });
}
