import { describe, expect, it } from "vitest";
import { movementSource } from "../../src/stock/movement-source";

describe("movementSource", () => {
  it("names the shop of a sale, or the outside system that reported it", () => {
    expect(movementSource({ reason: "sale", ref: "12|R-100|1" })).toEqual({ by: "shop", shopId: 12, orderId: "R-100" });
    expect(movementSource({ reason: "cancel", ref: "pos-ginza|P|7|2" })).toEqual({ by: "external", source: "pos-ginza", orderId: "P|7" });
  });

  it("names the user or token of a change, with its reason, and marks an opening figure", () => {
    expect(movementSource({ reason: "set", ref: "user:5|商品管理" })).toEqual({ by: "user", userId: 5, note: "商品管理", created: false });
    expect(movementSource({ reason: "adjust", ref: "token:3" })).toEqual({ by: "token", tokenId: 3, note: "", created: false });
    expect(movementSource({ reason: "set", ref: "create:user:9" })).toEqual({ by: "user", userId: 9, note: "", created: true });
    expect(movementSource({ reason: "import", ref: "system|CSV" })).toEqual({ by: "other", actor: "system", note: "CSV", created: false });
  });
});
