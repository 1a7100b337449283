// The CSV files merchants move in and out of Kura (SPEC §7): which columns each kind has, what
// their headers are called (Japanese, English accepted on import), and how each cell is written
// and read. Import and export both use this, so an exported file imports back unchanged.
//
//   products  マスターコード, 商品名, グループ, 総在庫数, 確保在庫, 在庫少設定数, 連動, セット構成,
//             then per shop "<店舗名>:管理" (対象 / 対象外) and "<店舗名>:モールコード" (別品番)
//   stock     マスターコード, 総在庫数
//   mappings  マスターコード, 店舗, モールコード   (one row per master code × shop: 別品番紐づけ)

export type CsvKind = "products" | "stock" | "mappings";
export const CSV_KINDS: readonly CsvKind[] = ["products", "stock", "mappings"];

export interface ColumnDef<K extends string = string> {
  key: K;
  ja: string;
  en: string;
}

export const PRODUCT_COLUMNS = [
  { key: "masterCode", ja: "マスターコード", en: "master_code" },
  { key: "name", ja: "商品名", en: "name" },
  { key: "group", ja: "グループ", en: "group" },
  { key: "onHand", ja: "総在庫数", en: "on_hand" },
  { key: "reserved", ja: "確保在庫", en: "reserved" },
  { key: "lowStock", ja: "在庫少設定数", en: "low_stock" },
  { key: "syncMode", ja: "連動", en: "sync_mode" },
  { key: "components", ja: "セット構成", en: "components" },
] as const satisfies readonly ColumnDef[];

export const STOCK_COLUMNS = [
  { key: "masterCode", ja: "マスターコード", en: "master_code" },
  { key: "onHand", ja: "総在庫数", en: "on_hand" },
] as const satisfies readonly ColumnDef[];

export const MAPPING_COLUMNS = [
  { key: "masterCode", ja: "マスターコード", en: "master_code" },
  { key: "shop", ja: "店舗", en: "shop" },
  { key: "mallCode", ja: "モールコード", en: "mall_code" },
] as const satisfies readonly ColumnDef[];

export const COLUMNS: Record<CsvKind, readonly ColumnDef[]> = { products: PRODUCT_COLUMNS, stock: STOCK_COLUMNS, mappings: MAPPING_COLUMNS };

/** The two per-shop columns of a products file, after the shop's name and a colon. */
export const SHOP_COLUMNS = [
  { key: "managed", ja: "管理", en: "managed" },
  { key: "mallCode", ja: "モールコード", en: "mall_code" },
] as const satisfies readonly ColumnDef[];

export type ShopColumnKey = (typeof SHOP_COLUMNS)[number]["key"];

/** "<店舗名>:管理" — the header of a per-shop column as export writes it. */
export const shopHeader = (shopName: string, key: ShopColumnKey) => `${shopName}:${SHOP_COLUMNS.find((c) => c.key === key)!.ja}`;

/** A header cell as import reads it: trimmed, a BOM dropped, full-width spaces too. */
export const normaliseHeader = (h: string) => h.replace(/^\uFEFF/, "").replace(/[\s\u3000]+/g, " ").trim();

/**
 * Which column a header names: a fixed column of the kind, a shop's column ("<店舗名>:管理"
 * or "<shop name>:managed"), or nothing. A shop's name may itself contain a colon: the last one
 * splits.
 */
export function headerColumn(kind: CsvKind, header: string): { key: string } | { shop: string; key: ShopColumnKey } | null {
  const h = normaliseHeader(header);
  const lower = h.toLowerCase();
  const fixed = COLUMNS[kind].find((c) => c.ja === h || c.en === lower);
  if (fixed) return { key: fixed.key };
  if (kind !== "products") return null;
  const colon = h.lastIndexOf(":") >= 0 ? h.lastIndexOf(":") : h.lastIndexOf("：");
  if (colon <= 0) return null;
  const shop = h.slice(0, colon).trim();
  const tail = h.slice(colon + 1).trim();
  const col = SHOP_COLUMNS.find((c) => c.ja === tail || c.en === tail.toLowerCase());
  return col && shop ? { shop, key: col.key } : null;
}

// ---- cells -----------------------------------------------------------------------------------

/** A cell that could not be read: the reason in Japanese and English. */
export interface CellError {
  ja: string;
  en: string;
}

export type Cell<T> = { ok: true; value: T } | { ok: false; error: CellError };
const ok = <T>(value: T): Cell<T> => ({ ok: true, value });
const bad = (ja: string, en: string): Cell<never> => ({ ok: false, error: { ja, en } });

/** Full-width digits and signs as Excel users type them (１２, －３) are read as ASCII. */
const halfWidth = (s: string) => s.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)).replace(/[－ー−]/g, "-").replace(/＋/g, "+").replace(/，/g, ",");

/**
 * A whole number. `signed` allows a sign (加算・減算 stock files); thousands separators are
 * accepted ("1,200"). Empty is `null`: the caller decides whether the column may be empty.
 */
export function parseCount(raw: string, opts: { signed?: boolean } = {}): Cell<number | null> {
  const s = halfWidth(raw.trim()).replace(/,(?=\d{3}(\D|$))/g, "");
  if (s === "") return ok(null);
  const re = opts.signed ? /^[+-]?\d+$/ : /^\+?\d+$/;
  if (!re.test(s)) return opts.signed ? bad(`整数ではありません: 「${raw}」`, `not a whole number: "${raw}"`) : bad(`0 以上の整数ではありません: 「${raw}」`, `not a whole number of 0 or more: "${raw}"`);
  const n = Number(s);
  if (!Number.isSafeInteger(n) || Math.abs(n) > 1_000_000_000) return bad(`大きすぎる数です: 「${raw}」`, `number too large: "${raw}"`);
  return ok(n);
}

export type SyncMode = "auto" | "manual" | "stopped";
const SYNC_MODES: Record<SyncMode, { ja: string; en: string[] }> = {
  auto: { ja: "自動", en: ["auto"] },
  manual: { ja: "手動", en: ["manual"] },
  stopped: { ja: "停止", en: ["stopped", "off"] },
};

export const formatSyncMode = (m: SyncMode) => SYNC_MODES[m].ja;

/** 連動: 自動 / 手動 / 停止 (auto / manual / stopped). Empty is `null` (unchanged, or 自動 when new). */
export function parseSyncMode(raw: string): Cell<SyncMode | null> {
  const s = raw.trim();
  if (s === "") return ok(null);
  for (const [mode, names] of Object.entries(SYNC_MODES) as [SyncMode, (typeof SYNC_MODES)[SyncMode]][]) {
    if (s === names.ja || names.en.includes(s.toLowerCase())) return ok(mode);
  }
  return bad(`連動は 自動・手動・停止 のいずれかです: 「${raw}」`, `sync mode must be 自動 (auto), 手動 (manual) or 停止 (stopped): "${raw}"`);
}

export const formatManaged = (managed: boolean) => (managed ? "対象" : "対象外");

/** 管理: 対象 / 対象外 (1 / 0, true / false accepted). Empty is `null` (unchanged, or 対象 when new). */
export function parseManaged(raw: string): Cell<boolean | null> {
  const s = raw.trim().toLowerCase();
  if (s === "") return ok(null);
  if (["対象", "1", "true", "yes", "managed", "on"].includes(s)) return ok(true);
  if (["対象外", "0", "false", "no", "unmanaged", "off"].includes(s)) return ok(false);
  return bad(`管理は 対象 か 対象外 です: 「${raw}」`, `managed must be 対象 or 対象外: "${raw}"`);
}

export interface ComponentCell {
  masterCode: string;
  quantity: number;
}

/** セット構成 as written: "TEA-1*2;CUP-1*1" (component master code, "*", quantity; ";" between). */
export const formatComponents = (components: ComponentCell[]) => components.map((c) => `${c.masterCode}*${c.quantity}`).join(";");

/**
 * セット構成: "TEA-1*2;CUP-1*1"; a component without "*n" counts once. Empty is `null` (no set,
 * or unchanged). Whether the codes exist (and are not the set itself) is the validator's business.
 */
export function parseComponents(raw: string): Cell<ComponentCell[] | null> {
  const s = raw.trim();
  if (s === "") return ok(null);
  const out: ComponentCell[] = [];
  for (const part of s.split(/[;；]/)) {
    const p = part.trim();
    if (p === "") continue;
    const star = Math.max(p.lastIndexOf("*"), p.lastIndexOf("＊"));
    const code = (star >= 0 ? p.slice(0, star) : p).trim();
    const qty = star >= 0 ? parseCount(p.slice(star + 1)) : ok(1);
    if (!qty.ok || qty.value === null || qty.value < 1 || code === "") {
      return bad(`セット構成は「コード*数量」を ; で区切って書きます: 「${part}」`, `components are "CODE*quantity" separated by ";": "${part}"`);
    }
    if (out.some((c) => c.masterCode === code)) return bad(`セット構成に同じ商品が二度あります: ${code}`, `a component is listed twice: ${code}`);
    out.push({ masterCode: code, quantity: qty.value });
  }
  return out.length ? ok(out) : ok(null);
}
