import { describe, expect, it } from "vitest";
import { connectableKinds, consentOrigins } from "../../src/connect/flows";
import { parseShopDomain } from "../../src/connect/shopify";

// The deployment side of 連携する with the malls' real endpoints (wrangler.toml's defaults): which
// buttons exist, and where their forms may lead.

const REAL = {
  SHOPIFY_OAUTH_URL: "https://{shopDomain}/admin/oauth",
  BASE_OAUTH_URL: "https://api.thebase.in/1/oauth",
  YAHOO_OAUTH_URL: "https://auth.login.yahoo.co.jp/yconnect/v2",
  AMAZON_CONSENT_URL: "https://sellercentral.amazon.co.jp/apps/authorize/consent",
  AMAZON_LWA_URL: "https://api.amazon.com/auth/o2/token",
} as unknown as Env;

describe("the deployment's connect apps", () => {
  it("offer a button only for the malls whose app credentials are all set", () => {
    expect(connectableKinds(REAL)).toEqual([]);
    const some = { ...REAL, SHOPIFY_APP_CLIENT_ID: "id", SHOPIFY_APP_CLIENT_SECRET: "s", AMAZON_SPAPI_APP_ID: "app", AMAZON_LWA_CLIENT_ID: "id" } as Env;
    // Amazon lacks its LWA client secret.
    expect(connectableKinds(some)).toEqual(["shopify"]);
  });

  it("allow the forms to lead to each configured mall's own consent host", () => {
    const all = {
      ...REAL,
      SHOPIFY_APP_CLIENT_ID: "i", SHOPIFY_APP_CLIENT_SECRET: "s",
      BASE_APP_CLIENT_ID: "i", BASE_APP_CLIENT_SECRET: "s",
      YAHOO_APP_CLIENT_ID: "i", YAHOO_APP_CLIENT_SECRET: "s",
      AMAZON_SPAPI_APP_ID: "a", AMAZON_LWA_CLIENT_ID: "i", AMAZON_LWA_CLIENT_SECRET: "s",
    } as Env;
    expect(consentOrigins(all)).toEqual(["https://*.myshopify.com", "https://api.thebase.in", "https://auth.login.yahoo.co.jp", "https://sellercentral.amazon.co.jp"]);
  });
});

describe("a Shopify shop domain as typed", () => {
  it("is its myshopify.com domain, lower-cased, or nothing", () => {
    expect(parseShopDomain("Kura-Demo.myshopify.com")).toBe("kura-demo.myshopify.com");
    expect(parseShopDomain("https://kura-demo.myshopify.com/admin")).toBe("kura-demo.myshopify.com");
    expect(parseShopDomain("kura-demo")).toBe("kura-demo.myshopify.com");
    expect(parseShopDomain("shop.example.com")).toBeNull();
    expect(parseShopDomain("-bad.myshopify.com")).toBeNull();
    expect(parseShopDomain("kura-demo.myshopify.com.evil.example")).toBeNull();
  });
});
