import { describe, expect, it } from "vitest";
import { computeFigure, type FigureInput } from "../../src/stock/figure";

const base: FigureInput = {
  syncEnabled: true,
  shop: { updateEnabled: true, ratio: null, salesLimit: null },
  product: { syncMode: "auto", reserved: null, onHand: 10, isSet: false },
  group: { reserved: null, ratio: null, salesLimit: null },
  listing: { managed: true, manualFigure: null },
};
const withIt = (patch: (i: FigureInput) => void): FigureInput => {
  const i = structuredClone(base);
  patch(i);
  return i;
};

describe("the figure each shop is sent (SPEC §3.2)", () => {
  const cases: [string, FigureInput, number | null][] = [
    ["plain on_hand is sent as is", base, 10],
    ["global 在庫連動 off sends nothing", withIt((i) => (i.syncEnabled = false)), null],
    ["shop モール更新 off sends nothing", withIt((i) => (i.shop.updateEnabled = false)), null],
    ["連動 停止 sends nothing", withIt((i) => (i.product.syncMode = "stopped")), null],
    ["対象外 sends nothing", withIt((i) => (i.listing = { managed: false, manualFigure: 3 })), null],
    ["手動 sends the typed figure, ignoring stock", withIt((i) => ((i.product.syncMode = "manual"), (i.listing = { managed: true, manualFigure: 4 }))), 4],
    ["手動 with nothing typed sends nothing", withIt((i) => (i.product.syncMode = "manual")), null],
    ["product 確保在庫 wins over the group's", withIt((i) => ((i.product.reserved = 2), (i.group.reserved = 5))), 8],
    ["group 確保在庫 applies when the product has none", withIt((i) => (i.group.reserved = 5)), 5],
    ["在庫比率 floors: 10 × 33% = 3", withIt((i) => (i.group.ratio = 33)), 3],
    ["shop ratio overrides the group's", withIt((i) => ((i.group.ratio = 10), (i.shop.ratio = 50))), 5],
    ["reserved is taken before the ratio: (10 − 3) × 50% = 3", withIt((i) => ((i.product.reserved = 3), (i.group.ratio = 50))), 3],
    ["販売制限 caps the figure", withIt((i) => (i.group.salesLimit = 4)), 4],
    ["shop 販売制限 overrides the group's", withIt((i) => ((i.group.salesLimit = 4), (i.shop.salesLimit = 7))), 7],
    ["a limit above the stock changes nothing", withIt((i) => (i.shop.salesLimit = 50)), 10],
    ["negative stock (oversell) sends 0", withIt((i) => (i.product.onHand = -3)), 0],
    ["reserved above stock sends 0", withIt((i) => (i.product.reserved = 12)), 0],
    ["negative with a ratio still sends 0", withIt((i) => ((i.product.onHand = -5), (i.group.ratio = 50))), 0],
    ["ratio 0 sends 0", withIt((i) => (i.shop.ratio = 0)), 0],
    [
      "a set sends the min over components of floor((on_hand − reserved) / qty)",
      withIt((i) => {
        i.product.isSet = true;
        i.components = [
          { masterCode: "A", onHand: 10, reserved: 1, quantity: 3 }, // floor(9/3) = 3
          { masterCode: "B", onHand: 5, reserved: 0, quantity: 1 }, // 5
        ];
      }),
      3,
    ],
    [
      "a set whose component is oversold sends 0",
      withIt((i) => {
        i.product.isSet = true;
        i.components = [{ masterCode: "A", onHand: -2, reserved: 0, quantity: 2 }];
      }),
      0,
    ],
    [
      "a set's own 確保在庫 and ratio apply after the set base",
      withIt((i) => {
        i.product.isSet = true;
        i.product.reserved = 1;
        i.shop.ratio = 50;
        i.components = [{ masterCode: "A", onHand: 20, reserved: 0, quantity: 2 }]; // 10 → 9 → 4
      }),
      4,
    ],
  ];

  for (const [name, input, expected] of cases) {
    it(name, () => expect(computeFigure(input).figure).toBe(expected));
  }

  it("the trace walks the documented steps in order and ends at the figure", () => {
    const r = computeFigure(withIt((i) => ((i.product.reserved = 2), (i.group.ratio = 50), (i.shop.salesLimit = 3))));
    expect(r.trace.map((s) => s.step)).toEqual(["base", "reserved", "ratio", "limit", "clamp"]);
    expect(r.trace.map((s) => s.value)).toEqual([10, 8, 4, 3, 3]);
    expect(r.figure).toBe(3);
  });

  it("a stopped figure's trace says why in Japanese", () => {
    const r = computeFigure(withIt((i) => (i.shop.updateEnabled = false)));
    expect(r.trace).toHaveLength(1);
    expect(r.trace[0].note).toContain("モール更新");
  });
});
