// The figure each shop is sent (SPEC §3.2), as a pure function with a step-by-step trace so the
// UI and the API can answer "why is this 7?". No bindings, no I/O.

export type SyncMode = "auto" | "manual" | "stopped";

export interface GroupRules {
  reserved: number | null; // 確保在庫
  ratio: number | null; // 在庫比率 (percent)
  salesLimit: number | null; // 販売制限
}

export interface ComponentStock {
  masterCode: string;
  onHand: number;
  reserved: number; // effective: the component's own value, else its group's, else 0
  quantity: number; // units of this component in one set
}

export interface FigureInput {
  syncEnabled: boolean; // 在庫連動 (account)
  /** `mail`: a cart taken in by e-mail, which no figure can be sent to. */
  shop: { updateEnabled: boolean; ratio: number | null; salesLimit: number | null; mail?: boolean };
  product: { syncMode: SyncMode; reserved: number | null; onHand: number; isSet: boolean };
  group: GroupRules;
  listing: { managed: boolean; manualFigure: number | null } | null;
  components?: ComponentStock[];
}

export interface TraceStep {
  step: string; // machine name: switches, manual, base, reserved, ratio, limit, clamp
  label: string; // Japanese label shown in the UI
  value: number | null;
  note: string;
  /** The step's inputs, so a page can say the same in another language (the note is Japanese). */
  args?: Record<string, string | number>;
}

export interface FigureResult {
  /** The absolute figure to send, or null when nothing is sent to this shop. */
  figure: number | null;
  trace: TraceStep[];
}

export function effectiveReserved(productReserved: number | null, group: GroupRules): number {
  return productReserved ?? group.reserved ?? 0;
}

/** Sellable units of a set: min over components of floor((on_hand − reserved) / qty). */
export function setBase(components: ComponentStock[]): number {
  if (components.length === 0) return 0;
  return Math.min(...components.map((c) => Math.floor((c.onHand - c.reserved) / c.quantity)));
}

export function computeFigure(input: FigureInput): FigureResult {
  const trace: TraceStep[] = [];
  const stop = (note: string, cause: string): FigureResult => {
    trace.push({ step: "switches", label: "連動条件", value: null, note, args: { cause } });
    return { figure: null, trace };
  };
  if (!input.syncEnabled) return stop("在庫連動が停止中のため送信しません", "global");
  if (input.shop.mail) return stop("注文メールで取り込むショップで、在庫数を送る API がないため送信しません", "mail");
  if (!input.shop.updateEnabled) return stop("この店舗のモール更新がオフのため送信しません", "shop");
  if (input.product.syncMode === "stopped") return stop("商品の連動が「停止」のため送信しません", "stopped");
  if (input.listing && !input.listing.managed) return stop("この店舗では管理対象外のため送信しません", "excluded");

  if (input.product.syncMode === "manual") {
    const manual = input.listing?.manualFigure ?? null;
    if (manual === null) return stop("連動が「手動」で、この店舗の手動在庫数が未入力のため送信しません", "noManual");
    trace.push({ step: "manual", label: "手動在庫数", value: manual, note: "連動が「手動」: 入力された数をそのまま送信" });
    return { figure: manual, trace };
  }

  let q: number;
  if (input.product.isSet) {
    const comps = input.components ?? [];
    q = setBase(comps);
    const parts = comps.map((c) => `${c.masterCode}: floor((${c.onHand} − ${c.reserved}) / ${c.quantity})`);
    trace.push({ step: "base", label: "セット販売可能数", value: q, note: `構成品の最小値 (${parts.join(", ") || "構成品なし"})`, args: { set: parts.join(", ") } });
  } else {
    q = input.product.onHand;
    trace.push({ step: "base", label: "総在庫数", value: q, note: "マスター在庫" });
  }

  const reserved = effectiveReserved(input.product.reserved, input.group);
  q = q - reserved;
  const reservedFrom = input.product.reserved !== null ? "商品" : input.group.reserved !== null ? "グループ" : "未設定";
  trace.push({ step: "reserved", label: "確保在庫", value: q, note: `− ${reserved} (${reservedFrom})`, args: { amount: reserved, from: input.product.reserved !== null ? "product" : input.group.reserved !== null ? "group" : "none" } });

  const ratio = input.shop.ratio ?? input.group.ratio ?? 100;
  q = Math.floor((q * ratio) / 100);
  const ratioFrom = input.shop.ratio !== null ? "店舗" : input.group.ratio !== null ? "グループ" : "既定";
  trace.push({ step: "ratio", label: "在庫比率", value: q, note: `× ${ratio}% 切り捨て (${ratioFrom})`, args: { percent: ratio, from: input.shop.ratio !== null ? "shop" : input.group.ratio !== null ? "group" : "default" } });

  const limit = input.shop.salesLimit ?? input.group.salesLimit;
  if (limit !== null && limit !== undefined) {
    q = Math.min(q, limit);
    const limitFrom = input.shop.salesLimit !== null ? "店舗" : "グループ";
    trace.push({ step: "limit", label: "販売制限", value: q, note: `上限 ${limit} (${limitFrom})`, args: { limit, from: input.shop.salesLimit !== null ? "shop" : "group" } });
  }

  const clamped = Math.max(q, 0);
  trace.push({
    step: "clamp",
    label: "下限0",
    value: clamped,
    note: q < 0 ? `マイナス (${q}) のため 0 を送信` : "0 以上",
    args: { before: q },
  });
  return { figure: clamped, trace };
}
