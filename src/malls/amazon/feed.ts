import type { z } from "zod";
import { MallError, type PushItem, type PushResult } from "../types";
import { type AmazonSession, type ApiResult, firstError, parseBody } from "./client";
import { invalidQuantity, quantityPatch } from "./listings";
import {
  createFeedDocumentResponseSchema,
  createFeedResponseSchema,
  feedDocumentSchema,
  feedSchema,
  processingReportSchema,
} from "./schemas";

// Feeds API 2021-06-30 with a JSON_LISTINGS_FEED: createFeedDocument → PUT the document to the
// pre-signed URL (valid 5 min) → createFeed → getFeed → result document (processing report).

/** listings-feed-schema-v2.json: messages maxItems. */
export const FEED_MAX_MESSAGES = 25_000;
const CONTENT_TYPE = "application/json; charset=UTF-8";
/**
 * Feeds usually take minutes; we wait briefly so a quick feed yields per-SKU results, and
 * otherwise report the feedId as the submission (asynchronous, like a PATCH's ACCEPTED).
 */
const POLL_DELAYS_MS = [0, 300, 700];
/**
 * [verify] Public integration guides send inventory-only PATCH messages with productType
 * "PRODUCT" when the listing's own type is unknown; reading every type first would cost one
 * getListingsItem per SKU (5 rps), which is what a feed is meant to avoid.
 */
const OFFER_ONLY_PRODUCT_TYPE = "PRODUCT";

function unexpected(op: string, r: ApiResult): MallError {
  const err = firstError(r.json);
  return new MallError("transient", `Amazon ${op} が失敗しました (HTTP ${r.status} ${err?.code ?? ""} ${err?.message ?? ""})`.trim(), {
    status: r.status,
    code: err?.code,
  });
}

export function buildFeedDocument(sellerId: string, items: PushItem[]) {
  return {
    header: { sellerId, version: "2.0" as const, issueLocale: "ja_JP" },
    messages: items.map((item, i) => ({
      messageId: i + 1,
      sku: item.mallCode,
      operationType: "PATCH" as const,
      productType: item.ref?.productType || OFFER_ONLY_PRODUCT_TYPE,
      patches: [quantityPatch(item.quantity)],
    })),
  };
}

export async function pushViaFeeds(s: AmazonSession, items: PushItem[]): Promise<PushResult[]> {
  const results = new Map<PushItem, PushResult>();
  const valid: PushItem[] = [];
  for (const item of items) {
    const bad = invalidQuantity(item);
    if (bad) results.set(item, bad);
    else valid.push(item);
  }
  for (let i = 0; i < valid.length; i += FEED_MAX_MESSAGES) {
    const chunk = valid.slice(i, i + FEED_MAX_MESSAGES);
    const out = await submitFeed(s, chunk);
    chunk.forEach((item, j) => results.set(item, out[j]));
  }
  return items.map((item) => results.get(item)!);
}

async function submitFeed(s: AmazonSession, items: PushItem[]): Promise<PushResult[]> {
  const doc = await s.call("createFeedDocument", "POST", "/feeds/2021-06-30/documents", {
    body: { contentType: CONTENT_TYPE },
  });
  if (doc.status !== 201 && doc.status !== 200) throw unexpected("createFeedDocument", doc);
  const upload = parseBody(createFeedDocumentResponseSchema, doc.json, "createFeedDocument");

  // The pre-signed URL carries its own authorisation: no access token goes to the storage host.
  const put = await s.send(upload.url, {
    method: "PUT",
    headers: { "content-type": CONTENT_TYPE },
    body: JSON.stringify(buildFeedDocument(s.sellerId, items)),
  });
  if (!put.ok) throw new MallError("transient", `フィード文書のアップロードに失敗しました (HTTP ${put.status})`, { status: put.status });

  const created = await s.call("createFeed", "POST", "/feeds/2021-06-30/feeds", {
    body: { feedType: "JSON_LISTINGS_FEED", marketplaceIds: [s.marketplaceId], inputFeedDocumentId: upload.feedDocumentId },
  });
  if (created.status !== 202 && created.status !== 200) throw unexpected("createFeed", created);
  const { feedId } = parseBody(createFeedResponseSchema, created.json, "createFeed");

  let feed: z.infer<typeof feedSchema> | null = null;
  try {
    for (const delay of POLL_DELAYS_MS) {
      if (delay) await s.sleep(delay);
      const r = await s.call("getFeed", "GET", `/feeds/2021-06-30/feeds/${encodeURIComponent(feedId)}`);
      if (r.status !== 200) throw unexpected("getFeed", r);
      feed = parseBody(feedSchema, r.json, "getFeed");
      if (!["IN_QUEUE", "IN_PROGRESS"].includes(feed.processingStatus)) break;
    }
  } catch (e) {
    // The feed is submitted: out of getFeed quota is no reason to fail it (and send it again).
    if (!(e instanceof MallError && e.errorClass === "rate")) throw e;
    feed = null;
  }
  const ok = (item: PushItem): PushResult => ({
    mallCode: item.mallCode,
    ok: true,
    submissionId: feedId,
    ...(item.ref?.productType ? { ref: item.ref } : {}),
  });
  const accepted = () => items.map(ok);
  if (!feed || feed.processingStatus === "IN_QUEUE" || feed.processingStatus === "IN_PROGRESS") return accepted();
  if (feed.processingStatus !== "DONE") {
    throw new MallError("transient", `フィード ${feedId} が処理されませんでした (${feed.processingStatus})`, { code: feed.processingStatus });
  }
  if (!feed.resultFeedDocumentId) return accepted();

  const issues = await readReport(s, feed.resultFeedDocumentId).catch((e: unknown) => {
    if (e instanceof MallError && e.errorClass === "rate") return null;
    throw e;
  });
  if (!issues) return accepted();
  return items.map((item, i) => {
    const err = issues.find((x) => x.messageId === i + 1 && x.severity === "ERROR");
    if (!err) return ok(item);
    return { mallCode: item.mallCode, ok: false, submissionId: feedId, error: { errorClass: "item" as const, code: err.code, message: err.message } };
  });
}

/** The processing report's issues, or null when it cannot be read (results stay "accepted"). */
async function readReport(s: AmazonSession, documentId: string) {
  // getFeedDocument refills once per 45 s (burst 10): when its bucket is dry the report waits
  // for a later look; the feed itself went through.
  if (!s.canCallSoon("getFeedDocument")) return null;
  const r = await s.call("getFeedDocument", "GET", `/feeds/2021-06-30/documents/${encodeURIComponent(documentId)}`);
  if (r.status !== 200) return null;
  const doc = feedDocumentSchema.safeParse(r.json);
  if (!doc.success) return null;
  const res = await s.send(doc.data.url, { method: "GET" });
  if (!res.ok || !res.body) return null;
  const body = doc.data.compressionAlgorithm === "GZIP" ? res.body.pipeThrough(new DecompressionStream("gzip")) : res.body;
  try {
    const report = processingReportSchema.safeParse(JSON.parse(await new Response(body).text()));
    return report.success ? report.data.issues : null;
  } catch {
    return null;
  }
}
