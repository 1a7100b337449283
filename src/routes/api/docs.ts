import { Scalar } from "@scalar/hono-api-reference";
import { Hono } from "hono";

// The interactive API reference (Scalar), reading /api/v1/openapi.json. Its browser bundle is
// vendored under public/vendor/scalar (MIT, see the LICENSE there) and served by Kura itself:
// Kura runs offline, so nothing may come from a CDN, not even fonts.
const reference = Scalar({
  url: "/api/v1/openapi.json",
  cdn: "/vendor/scalar/standalone.js",
  pageTitle: "Kura API",
  withDefaultFonts: false,
  telemetry: false,
  // Its AI agent, registry search and share/deploy toolbar talk to Scalar's servers: not for an
  // offline tool that documents a merchant's API.
  agent: { disabled: true },
  showDeveloperTools: "never",
});

// Plain Hono: the page needs no binding, only the nonce secureHeaders put in the context.
export const docsPage = new Hono();

docsPage.get("/docs", async (c, next) => {
  const res = await reference(c, next);
  if (!res) throw new Error("the API reference rendered nothing");
  const html = await res.text();
  // The page starts the bundle with an inline script: the CSP admits it by this response's nonce.
  const nonce = c.get("secureHeadersNonce") ?? "";
  return c.html(html.replaceAll("<script", `<script nonce="${nonce}"`));
});
