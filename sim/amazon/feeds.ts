import { Hono } from "hono";
import { z } from "zod";
import { guard, invalidInput, publicBase, spError, spJson } from "./http";
import { applyPatches, type Issue, patchBodySchema } from "./listings";
import { type AmazonSimState, JP, type SimFeed } from "./state";

// Feeds API 2021-06-30 (JSON_LISTINGS_FEED only) plus the pre-signed document storage that
// stands in for S3: createFeedDocument hands out a URL under /__storage on the sim's own host.

const DOC_TTL_MS = 5 * 60_000;
const MAX_MESSAGES = 25_000;

const createFeedSchema = z.object({
  feedType: z.string().min(1),
  marketplaceIds: z.array(z.string()).min(1).max(25),
  inputFeedDocumentId: z.string().min(1),
  feedOptions: z.record(z.string(), z.string()).optional(),
});

const messageSchema = z.object({
  messageId: z.number().int().min(1),
  sku: z.string().min(1),
  operationType: z.enum(["UPDATE", "PARTIAL_UPDATE", "PATCH", "DELETE"]),
  productType: z.string().optional(),
  patches: patchBodySchema.shape.patches.optional(),
  attributes: z.record(z.string(), z.unknown()).optional(),
});
const feedDocSchema = z.object({
  header: z.object({ sellerId: z.string(), version: z.literal("2.0"), issueLocale: z.string().optional() }),
  messages: z.array(z.unknown()).min(1),
});

const sign = (id: string, method: string) => btoa(`${method}:${id}`).replaceAll("=", "");

/** Runs a feed that is due: the processing report becomes its result document. */
function processFeed(state: AmazonSimState, feed: SimFeed) {
  const input = state.documents.get(feed.inputFeedDocumentId);
  const issues: ({ messageId?: number } & Issue)[] = [];
  let processed = 0;
  let fatal = false;
  const doc = feedDocSchema.safeParse(input?.body ? safeJson(input.body) : null);
  if (!doc.success || doc.data.header.sellerId !== state.sellerId || doc.data.messages.length > MAX_MESSAGES) {
    fatal = true;
    issues.push({ code: "100001", message: "The feed document is not a valid JSON_LISTINGS_FEED v2.0 document for this seller.", severity: "ERROR", categories: [] });
  } else {
    for (const raw of doc.data.messages) {
      processed++;
      const m = messageSchema.safeParse(raw);
      const messageId = (raw as { messageId?: number })?.messageId;
      if (!m.success) {
        issues.push({ messageId, code: "4000001", message: "The message does not match the listings feed schema.", severity: "ERROR", categories: [] });
        continue;
      }
      const { sku, operationType, productType, patches, attributes } = m.data;
      let found: Issue[];
      if (operationType === "DELETE") found = state.listings.delete(sku) ? [] : [{ code: "4000004", message: `SKU '${sku}' does not exist.`, severity: "ERROR", categories: [] }];
      else if (operationType === "PATCH") found = applyPatches(state, sku, productType ?? "", patches ?? []);
      else found = applyPatches(state, sku, productType ?? "", [{ op: "merge", path: "/attributes/fulfillment_availability", value: (attributes?.fulfillment_availability as Record<string, unknown>[]) ?? [] }]);
      issues.push(...found.map((i) => ({ messageId: m.data.messageId, ...i })));
    }
  }
  const errors = issues.filter((i) => i.severity === "ERROR");
  const invalidIds = new Set(errors.map((i) => i.messageId));
  const reportId = `amzn1.tortuga.4.fe.${crypto.randomUUID()}`;
  state.documents.set(reportId, {
    id: reportId,
    contentType: "application/json",
    createdAt: state.now(),
    // [verify] JSON_LISTINGS_FEED processing report shape (no machine-readable schema).
    body: JSON.stringify({
      header: { sellerId: state.sellerId, version: "2.0", feedId: feed.feedId },
      issues,
      summary: {
        errors: errors.length,
        warnings: issues.length - errors.length,
        messagesProcessed: processed,
        messagesAccepted: processed - invalidIds.size,
        messagesInvalid: invalidIds.size,
      },
    }),
  });
  feed.status = fatal ? "FATAL" : "DONE";
  feed.doneAt = state.now();
  feed.resultFeedDocumentId = reportId;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export function processDueFeeds(state: AmazonSimState) {
  for (const feed of state.feeds.values()) {
    if (feed.status === "IN_QUEUE" && state.now() >= feed.createdAt + state.feedProcessingMs) processFeed(state, feed);
  }
}

const s3Error = (code: string, message: string, status: 400 | 403 | 404) =>
  new Response(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`, {
    status,
    headers: { "content-type": "application/xml" },
  });

export function feedsRoutes(state: AmazonSimState) {
  const app = new Hono();

  app.post("/feeds/2021-06-30/documents", async (c) => {
    const denied = guard(state, c, "createFeedDocument", "listings");
    if (denied) return denied;
    const raw = await c.req.json().catch(() => undefined);
    state.recordRequest("createFeedDocument", raw);
    const body = z.object({ contentType: z.string().min(1) }).safeParse(raw);
    if (!body.success) return invalidInput(c, "contentType is required");
    const id = `amzn1.tortuga.4.fe.${crypto.randomUUID()}`;
    state.documents.set(id, { id, contentType: body.data.contentType, body: null, createdAt: state.now() });
    const url = `${publicBase(c)}/__storage/feed-documents/${encodeURIComponent(id)}?X-Amz-Expires=300&X-Amz-Signature=${sign(id, "PUT")}`;
    return spJson(c, { feedDocumentId: id, url }, "createFeedDocument", 201);
  });

  app.post("/feeds/2021-06-30/feeds", async (c) => {
    const denied = guard(state, c, "createFeed", "listings");
    if (denied) return denied;
    const raw = await c.req.json().catch(() => undefined);
    state.recordRequest("createFeed", raw);
    const body = createFeedSchema.safeParse(raw);
    if (!body.success) return invalidInput(c, `Invalid request body: ${body.error.issues[0]?.message ?? "malformed"}`);
    if (body.data.marketplaceIds.some((m) => m !== JP)) return invalidInput(c, "Invalid marketplaceIds");
    if (body.data.feedType !== "JSON_LISTINGS_FEED") return invalidInput(c, `Feed type ${body.data.feedType} is not simulated`);
    const input = state.documents.get(body.data.inputFeedDocumentId);
    if (!input?.body) return invalidInput(c, "inputFeedDocumentId does not refer to an uploaded feed document");
    const feedId = String(50_000_000_000 + state.nextSeq());
    state.feeds.set(feedId, { feedId, feedType: body.data.feedType, marketplaceIds: body.data.marketplaceIds, inputFeedDocumentId: input.id, createdAt: state.now(), status: "IN_QUEUE" });
    processDueFeeds(state);
    return spJson(c, { feedId }, "createFeed", 202);
  });

  app.get("/feeds/2021-06-30/feeds/:feedId", (c) => {
    const denied = guard(state, c, "getFeed", "listings");
    if (denied) return denied;
    processDueFeeds(state);
    const f = state.feeds.get(c.req.param("feedId"));
    if (!f) return spError(c, 404, "NotFound", "The requested feed was not found.");
    const iso = (ms?: number) => (ms === undefined ? undefined : new Date(ms).toISOString());
    return spJson(c, {
      feedId: f.feedId,
      feedType: f.feedType,
      marketplaceIds: f.marketplaceIds,
      createdTime: iso(f.createdAt),
      processingStatus: f.status,
      ...(f.doneAt !== undefined ? { processingStartTime: iso(f.createdAt), processingEndTime: iso(f.doneAt) } : {}),
      ...(f.resultFeedDocumentId ? { resultFeedDocumentId: f.resultFeedDocumentId } : {}),
    }, "getFeed");
  });

  app.get("/feeds/2021-06-30/documents/:id", (c) => {
    const denied = guard(state, c, "getFeedDocument", "listings");
    if (denied) return denied;
    const id = c.req.param("id");
    if (!state.documents.get(id)?.body) return spError(c, 404, "NotFound", "The requested feed document was not found.");
    const url = `${publicBase(c)}/__storage/feed-documents/${encodeURIComponent(id)}?X-Amz-Expires=300&X-Amz-Signature=${sign(id, "GET")}`;
    return spJson(c, { feedDocumentId: id, url }, "getFeedDocument");
  });

  // The "S3" side: a pre-signed URL is its own authorisation, valid 5 minutes.
  app.on(["PUT", "GET"], "/__storage/feed-documents/:id", async (c) => {
    const id = c.req.param("id");
    const doc = state.documents.get(id);
    if (!doc) return s3Error("NoSuchKey", "The specified key does not exist.", 404);
    if (c.req.query("X-Amz-Signature") !== sign(id, c.req.method)) return s3Error("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.", 403);
    if (state.now() > doc.createdAt + DOC_TTL_MS) return s3Error("AccessDenied", "Request has expired", 403);
    if (c.req.method === "GET") return new Response(doc.body ?? "", { headers: { "content-type": doc.contentType } });
    if (c.req.header("content-type") !== doc.contentType) return s3Error("SignatureDoesNotMatch", "Content-Type does not match the signed request.", 403);
    doc.body = await c.req.text();
    state.recordRequest("feedDocument", safeJson(doc.body));
    return c.body(null, 200);
  });
  return app;
}
