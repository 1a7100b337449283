// Worker secrets: not in wrangler.toml (see the note there), so declared here for TypeScript.
declare namespace Cloudflare {
  interface Env {
    CREDENTIALS_KEY: string;
    OPERATOR_TOKEN: string;
    SESSION_SECRET: string;
  }
}
