declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
    /** Shopify Admin GraphQL introspection JSON (2026-07), gzipped, base64. */
    SPEC_SHOPIFY_ADMIN_GZ_B64: string;
    /** Amazon SP-API Swagger / JSON Schema documents vendored in test/fixtures/specs/amazon. */
    /** test/fixtures/mail/*.eml: raw order mails, base64 by file name. */
    MAIL_FIXTURES: Record<string, string>;
    SPEC_AMAZON: {
      listingsItems: any;
      feeds: any;
      listingsFeedSchema: any;
      ordersV0: any;
      orders2026: any;
    };
  }
}
