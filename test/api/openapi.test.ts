import { Validator } from "@cfworker/json-schema";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { MALL_KINDS } from "../../src/malls/registry";
import oasSchema from "./fixtures/oas-3.1-schema.json";

async function fetchDocument() {
  const res = await exports.default.fetch("http://kura.test/api/v1/openapi.json");
  expect(res.status).toBe(200);
  return (await res.json()) as any;
}

// The official OAS 3.1 schema (fixtures/README.md) leaves Schema Objects to a dialect reached
// through $dynamicRef, which @cfworker/json-schema does not follow; in this base schema the
// dynamic anchor is the plain `$defs/schema`, so a static $ref says the same.
function staticOasSchema() {
  return JSON.parse(JSON.stringify(oasSchema).replaceAll('"$dynamicRef":"#meta"', '"$ref":"#/$defs/schema"'));
}

/** Every JSON pointer `$ref` in the document, with where it was found. */
function refs(node: unknown, at = "#", out: [string, string][] = []): [string, string][] {
  if (Array.isArray(node)) node.forEach((n, i) => refs(n, `${at}/${i}`, out));
  else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node)) {
      if (k === "$ref" && typeof v === "string") out.push([at, v]);
      else refs(v, `${at}/${k}`, out);
    }
  }
  return out;
}

const resolve = (doc: any, ref: string) =>
  ref
    .slice(2)
    .split("/")
    .reduce((n, part) => n?.[part.replaceAll("~1", "/").replaceAll("~0", "~")], doc);

describe("GET /api/v1/openapi.json", () => {
  it("is a valid OpenAPI 3.1 document whose every $ref resolves", async () => {
    const doc = await fetchDocument();
    expect(doc.openapi).toMatch(/^3\.1\./);
    const validator = new Validator(staticOasSchema(), "2020-12", false);
    const result = validator.validate(doc);
    expect(result.errors.slice(0, 5), JSON.stringify(result.errors.slice(0, 5), null, 1)).toEqual([]);
    expect(result.valid).toBe(true);
    // The validator does look: a response without its description, or an unknown parameter
    // location, is refused.
    const broken = structuredClone(doc);
    delete broken.paths["/products"].get.responses["200"].description;
    expect(validator.validate(broken).valid).toBe(false);
    const broken2 = structuredClone(doc);
    broken2.paths["/products/{masterCode}"].get.parameters[0].in = "body";
    expect(validator.validate(broken2).valid).toBe(false);
    for (const [at, ref] of refs(doc)) expect(resolve(doc, ref), `${ref} at ${at}`).toBeDefined();
  });

  it("lists every route the app serves under /api/v1, with its method", async () => {
    const doc = await fetchDocument();
    const served = app.routes
      .filter((r) => r.method !== "ALL" && r.path.startsWith("/api/v1/"))
      .map((r) => ({ method: r.method.toLowerCase(), path: r.path.slice("/api/v1".length).replace(/:(\w+)(\{[^}]*\})?/g, "{$1}") }));
    expect(served.length).toBeGreaterThan(25);
    for (const { method, path } of served) expect(doc.paths[path]?.[method], `${method.toUpperCase()} ${path}`).toBeDefined();
    // And nothing documented that is not served.
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops as object).map((method) => `${method} ${path}`));
    expect(documented.sort()).toEqual([...new Set(served.map((r) => `${r.method} ${r.path}`))].sort());
  });

  it("documents errors as problem+json, and JSON bodies with their 415", async () => {
    const doc = await fetchDocument();
    for (const [path, ops] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(ops)) {
        const errors = Object.entries<any>(op.responses).filter(([s]) => Number(s) >= 400);
        if (path !== "/openapi.json") expect(errors.length, `${method} ${path}`).toBeGreaterThan(0);
        for (const [, r] of errors) expect(Object.keys(r.content), `${method} ${path}`).toEqual(["application/problem+json"]);
        if (op.requestBody) expect(op.responses["415"], `${method} ${path}`).toBeDefined();
      }
    }
  });

  it("describes each mall's credentials as its own write-only schema, keyed by kind", async () => {
    const doc = await fetchDocument();
    const create = doc.components.schemas.CreateShop;
    expect(create.oneOf).toHaveLength(MALL_KINDS.length);
    for (const kind of MALL_KINDS) {
      const member = create.oneOf.find((m: any) => m.properties.kind.enum?.[0] === kind);
      expect(member, kind).toBeDefined();
      const ref = member.properties.credentials.$ref as string;
      const creds = resolve(doc, ref);
      expect(creds.writeOnly, kind).toBe(true);
      expect(creds.description, kind).toBeTruthy();
      // Every field the merchant must enter says where to find it (an e-mail cart has none).
      for (const field of creds.required ?? []) expect(creds.properties[field].description, `${kind}.${field}`).toBeTruthy();
    }
    expect(resolve(doc, "#/components/schemas/RakutenCredentials").properties.licenseKey.description).toContain("RMS");
    const patch = doc.components.schemas.PatchShop.properties.credentials;
    expect(patch.writeOnly).toBe(true);
    expect(patch.anyOf).toHaveLength(MALL_KINDS.length);
    // Credentials are never returned: the shop shows only whether they are configured.
    expect(doc.components.schemas.Shop.properties.credentials.properties).toEqual({ configured: { type: "boolean" } });
  });
});

describe("GET /api/docs", () => {
  it("serves the API reference with its script from Kura itself, admitted by a nonce", async () => {
    const res = await exports.default.fetch("http://kura.test/api/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    const csp = res.headers.get("content-security-policy") ?? "";
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    expect(html).toContain('src="/vendor/scalar/standalone.js"');
    expect(html).toContain("/api/v1/openapi.json");
    expect(html).not.toMatch(/https?:\/\//);
    const bundle = await env.ASSETS.fetch("http://kura.test/vendor/scalar/standalone.js");
    expect(bundle.status).toBe(200);
    expect((await bundle.text()).length).toBeGreaterThan(1_000_000);
  });

  it("the home page gets the same strict policy, without inline styles", async () => {
    const res = await exports.default.fetch("http://kura.test/");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
  });
});
