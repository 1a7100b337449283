import type { MiddlewareHandler } from "hono";
import { NONCE, secureHeaders } from "hono/secure-headers";
import { consentOrigins } from "../connect/flows";

// One strict Content-Security-Policy for every page Kura serves: everything from Kura itself (it
// runs offline, so nothing from a CDN), no inline script except the one carrying this
// response's nonce, no framing. The API reference page alone needs inline styles: its bundled
// script injects its stylesheet at run time (and starts its helper workers from blob: URLs).
const policy = (opts: { inlineStyles: boolean }) =>
  secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", NONCE],
      styleSrc: opts.inlineStyles ? ["'self'", "'unsafe-inline'"] : ["'self'"],
      imgSrc: ["'self'", "data:", "blob:"],
      fontSrc: ["'self'", "data:"],
      connectSrc: ["'self'"],
      workerSrc: ["'self'", "blob:"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      // 連携する: a form on モール設定 is answered with a redirect to the mall's consent page.
      formAction: ["'self'", (c) => (c.req.path.startsWith("/shops") ? consentOrigins(c.env as Env).join(" ") : "")],
      frameAncestors: ["'none'"],
    },
  });

const strict = policy({ inlineStyles: false });
const docs = policy({ inlineStyles: true });

/** Secure headers on every response; the API reference page gets its one relaxation. */
export const securityHeaders: MiddlewareHandler = (c, next) => (c.req.path === "/api/docs" ? docs(c, next) : strict(c, next));
