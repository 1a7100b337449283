import { createRoute, z } from "@hono/zod-openapi";
import { groupBody, idParam, patchGroupBody } from "../../schemas/api";
import { API_TOKEN, json, jsonBody, problems } from "./openapi-kit";

// The product-group routes as OpenAPI definitions; groups.ts holds their handlers.

export const groupSchema = z
  .object({
    id: z.number(),
    name: z.string(),
    isDefault: z.boolean(),
    reserved: z.number().nullable().describe("確保在庫"),
    ratio: z.number().nullable().describe("在庫比率 (%)"),
    salesLimit: z.number().nullable().describe("販売制限"),
    updatedAt: z.string(),
  })
  .openapi("Group");

const tags = ["groups"];
const byId = { params: z.object({ id: idParam() }) };

export const listGroupsRoute = createRoute({
  method: "get", path: "/", tags, security: API_TOKEN, summary: "Product groups",
  responses: { 200: json(z.object({ items: z.array(groupSchema) })), ...problems(401) },
});

export const createGroupRoute = createRoute({
  method: "post", path: "/", tags, security: API_TOKEN,
  summary: "Create a group with 確保在庫 / 在庫比率 / 販売制限",
  request: { body: jsonBody(groupBody) },
  responses: { 201: json(groupSchema, "Created"), ...problems(400, 401, 403, 409, 415) },
});

export const getGroupRoute = createRoute({
  method: "get", path: "/{id}", tags, security: API_TOKEN, summary: "One group",
  request: byId,
  responses: { 200: json(groupSchema), ...problems(401, 404) },
});

export const patchGroupRoute = createRoute({
  method: "patch", path: "/{id}", tags, security: API_TOKEN,
  summary: "Edit a group; fields left out keep their value",
  request: { ...byId, body: jsonBody(patchGroupBody) },
  responses: { 200: json(groupSchema), ...problems(400, 401, 403, 404, 409, 415) },
});
