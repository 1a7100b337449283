import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  parse,
  type GraphQLNamedType,
} from "graphql";
import { describe, expect, it } from "vitest";
import { SHOPIFY_DOCUMENTS, shopifyAdapter as adapter } from "../../src/malls/shopify";
import { SIM_DEMO_TOKEN, simSchema } from "../../sim/shopify";
import { adminSchema, setupShopify, validateAgainstAdmin } from "./shopify-helpers";

const opName = (q: string) => (parse(q).definitions[0] as { name?: { value: string } }).name?.value;

describe("GraphQL documents vs the real Admin API 2026-07 schema", () => {
  it("every document the adapter sends validates against the Admin schema", async () => {
    const s = setupShopify();
    s.sim.state.setListings([{ code: "A", quantity: 10 }, ...Array.from({ length: 31 }, (_, i) => ({ code: `L${i}`, quantity: 3 }))]);
    await adapter.testConnection(s.ctx);
    await s.control("POST", "/__sim/orders", { lines: [{ code: "A", quantity: 1 }] });
    await s.control("POST", "/__sim/orders", { lines: Array.from({ length: 31 }, (_, i) => ({ code: `L${i}`, quantity: 1 })) });
    await adapter.pushStock(s.ctx, [{ mallCode: "A", quantity: 4, expected: 10 }]); // stale → KuraLevels
    await adapter.readStock(s.ctx, ["A", "nope"]);
    s.clock.advance(1000);
    await adapter.fetchOrders(s.ctx, null); // 31 lines → KuraOrderLines
    // 接続テスト with a public URL: every topic Kura handles; a second run finds them taken, which is fine.
    const uri = "https://kura.example.jp/webhooks/shopify/1";
    expect((await adapter.registerWebhooks!(s.ctx, uri)).every((r) => r.ok)).toBe(true);
    expect((await adapter.registerWebhooks!(s.ctx, uri)).every((r) => r.ok)).toBe(true);
    expect(s.sim.state.webhooks.map((w) => w.topic).sort()).toEqual(["APP_UNINSTALLED", "INVENTORY_LEVELS_UPDATE", "ORDERS_CANCELLED", "ORDERS_CREATE", "ORDERS_UPDATED", "REFUNDS_CREATE"]);

    const sent = new Map(s.sim.state.documents.map((d) => [d.query, opName(d.query)]));
    expect(new Set(sent.values())).toEqual(new Set(Object.values(SHOPIFY_DOCUMENTS).map(opName)));
    for (const [query, name] of sent) {
      expect({ name, errors: await validateAgainstAdmin(query) }).toEqual({ name, errors: [] });
    }
  });

  it("the validation catches what Shopify would reject (a removed input field, a missing argument)", async () => {
    expect(await validateAgainstAdmin("mutation { inventorySetQuantities(input: { name: \"available\", reason: \"correction\", ignoreCompareQuantity: true, quantities: [] }) { userErrors { code } } }")).not.toEqual([]);
    expect(await validateAgainstAdmin("{ inventoryItem { id } }")).not.toEqual([]);
  });

  it("the simulator's schema slice has the same names, arguments and types as the real schema", async () => {
    const real = await adminSchema();
    const mismatches: string[] = [];
    for (const type of Object.values(simSchema.getTypeMap()) as GraphQLNamedType[]) {
      if (type.name.startsWith("__") || (isScalarType(type) && isSpecifiedScalarType(type))) continue;
      // Shopify names its root types QueryRoot / Mutation.
      const r = type === simSchema.getQueryType() ? real.getQueryType() : type === simSchema.getMutationType() ? real.getMutationType() : real.getType(type.name);
      if (!r) {
        mismatches.push(`type ${type.name}`);
        continue;
      }
      if (isEnumType(type) && isEnumType(r)) {
        for (const v of type.getValues()) if (!r.getValue(v.name)) mismatches.push(`${type.name}.${v.name}`);
      } else if ((isObjectType(type) || isInterfaceType(type)) && (isObjectType(r) || isInterfaceType(r))) {
        const rf = r.getFields();
        for (const f of Object.values(type.getFields())) {
          const g = rf[f.name];
          if (!g || String(g.type) !== String(f.type)) mismatches.push(`${type.name}.${f.name}: ${f.type} vs ${g?.type}`);
          for (const a of f.args) {
            const b = g?.args.find((x) => x.name === a.name);
            if (!b || String(b.type) !== String(a.type)) mismatches.push(`${type.name}.${f.name}(${a.name})`);
          }
        }
      } else if (isInputObjectType(type) && isInputObjectType(r)) {
        const rf = r.getFields();
        for (const f of Object.values(type.getFields())) {
          if (String(rf[f.name]?.type) !== String(f.type)) mismatches.push(`${type.name}.${f.name}`);
        }
      } else if (type.constructor !== r.constructor) {
        mismatches.push(`kind of ${type.name}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe("simulator GraphQL endpoint", () => {
  async function gql(s: ReturnType<typeof setupShopify>, query: string, variables: Record<string, unknown> = {}) {
    const res = await s.ctx.fetch("https://sim.test/shopify/admin/api/2026-07/graphql.json", {
      method: "POST",
      headers: { "content-type": "application/json", "X-Shopify-Access-Token": SIM_DEMO_TOKEN },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, json: (await res.json()) as any };
  }
  const setDoc = SHOPIFY_DOCUMENTS.SET_QUANTITIES_DOC;
  const row = (i: number) => ({ inventoryItemId: `gid://shopify/InventoryItem/${i}`, locationId: "gid://shopify/Location/70000000001", quantity: 1, changeFromQuantity: null });
  const input = (n: number) => ({ name: "available", reason: "correction", quantities: Array.from({ length: n }, (_, i) => row(i)) });

  it("answers an unknown field with a validation error and no data", async () => {
    const r = await gql(setupShopify(), "{ shop { name nope } }");
    expect(r.status).toBe(200);
    expect(r.json.errors[0].message).toContain("nope");
    expect(r.json.data).toBeUndefined();
  });

  it("rejects more than 250 quantity rows (MAX_INPUT_SIZE_EXCEEDED)", async () => {
    const r = await gql(setupShopify(), setDoc, { input: input(251), idempotencyKey: "k-251" });
    expect(r.json.errors[0].extensions.code).toBe("MAX_INPUT_SIZE_EXCEEDED");
    expect(r.json.data.inventorySetQuantities).toBeNull();
  });

  it("requires @idempotent and an explicit changeFromQuantity on every row", async () => {
    const s = setupShopify();
    s.sim.state.setListings([{ code: "A", quantity: 1 }]);
    const noKey = setDoc.replace("@idempotent(key: $idempotencyKey)", "").replace(", $idempotencyKey: String!", "");
    const r1 = await gql(s, noKey, { input: input(1) });
    expect(r1.json.errors[0].message).toContain("@idempotent");
    const id = s.sim.state.variants[0].inventoryItemId;
    const { changeFromQuantity: _omit, ...bare } = { ...row(id) };
    const r2 = await gql(s, setDoc, { input: { ...input(0), quantities: [bare] }, idempotencyKey: "k-bare" });
    expect(r2.json.data.inventorySetQuantities.userErrors[0]).toMatchObject({ field: ["input", "quantities", "0", "changeFromQuantity"] });
    const r3 = await gql(s, setDoc, { input: input(1), idempotencyKey: "k-bare" });
    expect(r3.json.data.inventorySetQuantities.userErrors[0].code).toBe("IDEMPOTENCY_KEY_PARAMETER_MISMATCH");
  });

  it("a reused idempotency key is answered from the stored result and NOT carried out again", async () => {
    const s = setupShopify();
    s.sim.state.setListings([{ code: "A", quantity: 9 }]);
    const id = s.sim.state.variants[0].inventoryItemId;
    const set5 = { name: "available", reason: "correction", quantities: [{ ...row(id), quantity: 5 }] };
    const first = await gql(s, setDoc, { input: set5, idempotencyKey: "k-replay" });
    expect(first.json.data.inventorySetQuantities.userErrors).toEqual([]);
    await s.control("POST", "/__sim/orders", { lines: [{ code: "A", quantity: 2 }] }); // Shopify now shows 3
    const again = await gql(s, setDoc, { input: set5, idempotencyKey: "k-replay" });
    // The first answer, word for word (same adjustment group), and the sale is not overwritten.
    expect(again.json.data.inventorySetQuantities).toEqual(first.json.data.inventorySetQuantities);
    expect((await s.control("GET", "/__sim/listings")).json.items).toEqual([{ code: "A", quantity: 3 }]);
    // A new key is a new request: carried out.
    await gql(s, setDoc, { input: set5, idempotencyKey: "k-new" });
    expect((await s.control("GET", "/__sim/listings")).json.items).toEqual([{ code: "A", quantity: 5 }]);
  });

  it("a key whose request failed (5xx) answers IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED and changes nothing", async () => {
    const s = setupShopify();
    s.sim.state.setListings([{ code: "A", quantity: 9 }]);
    const input1 = { name: "available", reason: "correction", quantities: [{ ...row(s.sim.state.variants[0].inventoryItemId), quantity: 1 }] };
    s.sim.state.addFault("5xx");
    const failed = await s.ctx.fetch("https://sim.test/shopify/admin/api/2026-07/graphql.json", {
      method: "POST",
      headers: { "content-type": "application/json", "X-Shopify-Access-Token": SIM_DEMO_TOKEN },
      body: JSON.stringify({ query: setDoc, variables: { input: input1, idempotencyKey: "k-failed" } }),
    });
    expect(failed.status).toBe(503);
    const r = await gql(s, setDoc, { input: input1, idempotencyKey: "k-failed" });
    expect(r.json.data.inventorySetQuantities.userErrors.map((e: { code: string }) => e.code)).toEqual(["IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED"]);
    expect((await s.control("GET", "/__sim/listings")).json.items).toEqual([{ code: "A", quantity: 9 }]);
  });

  it("reports the query cost and refuses a query over 1,000 points", async () => {
    const s = setupShopify();
    const ok = await gql(s, "{ shop { name } }");
    expect(ok.json.extensions.cost).toMatchObject({ requestedQueryCost: 1, throttleStatus: { maximumAvailable: 2000, restoreRate: 100 } });
    const big = await gql(s, "{ orders(first: 250) { nodes { lineItems(first: 250) { nodes { id } } } } }");
    expect(big.json.errors[0].extensions.code).toBe("MAX_COST_EXCEEDED");
  });

  it("takes a query's requested cost up front and refunds what a short page did not use, as Shopify does", async () => {
    const s = setupShopify();
    s.sim.state.setListings([{ code: "ONLY-ONE", quantity: 1 }]);
    s.sim.state.bucket.available = 2000;
    const r = await gql(s, 'query { productVariants(first: 100, query: "sku:ONLY-ONE") { nodes { id sku inventoryItem { id } } } }');
    // Requested 2 + 100 × 2; one variant came back: 2 + 1 × 2.
    expect(r.json.extensions.cost).toMatchObject({ requestedQueryCost: 202, actualQueryCost: 4 });
    expect(r.json.extensions.cost.throttleStatus.currentlyAvailable).toBeGreaterThanOrEqual(1996);
    const none = await gql(s, '{ orders(first: 20, query: "updated_at:>2099-01-01") { nodes { id lineItems(first: 30) { nodes { id sku } } } } }');
    expect(none.json.extensions.cost.requestedQueryCost).toBe(2 + 20 * (1 + 2 + 30));
    expect(none.json.extensions.cost.actualQueryCost).toBe(2);
  });
});
