// Worker secrets: not in wrangler.toml (see the note there), so declared here for TypeScript.
declare namespace Cloudflare {
  interface Env {
    CREDENTIALS_KEY: string;
    OPERATOR_TOKEN: string;
    SESSION_SECRET: string;
    // 連携する: the deployment's own app at each mall (README "連携する"). Each is optional: a mall
    // whose app is not configured has no button, and its credentials are pasted by hand.
    SHOPIFY_APP_CLIENT_ID?: string;
    SHOPIFY_APP_CLIENT_SECRET?: string;
    BASE_APP_CLIENT_ID?: string;
    BASE_APP_CLIENT_SECRET?: string;
    YAHOO_APP_CLIENT_ID?: string;
    YAHOO_APP_CLIENT_SECRET?: string;
    AMAZON_SPAPI_APP_ID?: string;
    AMAZON_LWA_CLIENT_ID?: string;
    AMAZON_LWA_CLIENT_SECRET?: string;
    /** "1" while the SP-API app is a draft: the consent URL carries version=beta. */
    AMAZON_SPAPI_DRAFT?: string;
  }
}
