// カラーミーショップ mall codes.
//
//   "<product_id>"                                 a product whose stock is kept on the product
//   "<product_id>:<option1_value>"                 an option of a product with one option axis
//   "<product_id>:<option1_value>:<option2_value>" an option of a product with two axes
//
// The API writes an option's stock by its option VALUE strings, not by an id (tools.json
// updateProduct: product.variants[{option1_value, option2_value, stocks}]), and order details
// carry product_id + option1_value + option2_value, so these are what Kura keys on. A ':' or '%'
// inside a value is written %3A / %25 so the split stays unambiguous. Renaming an option value in
// the shop's admin changes the code (MALLS-MORE §5: "renames break mapping"): Kura then reports
// 未登録コード for the old one and the merchant edits the listing's 別品番紐づけ.
// 型番 (model_number) is not addressable by any write, so it is not used as a code.

export interface ColormeCode {
  productId: string;
  /** null: the product itself (no options). */
  option1: string | null;
  option2: string | null;
}

const PRODUCT_ID = /^\d{1,18}$/;

export function parseColormeCode(code: string): ColormeCode | null {
  const parts = code.trim().split(":");
  if (parts.length > 3 || !PRODUCT_ID.test(parts[0])) return null;
  const values: (string | null)[] = [];
  for (const p of parts.slice(1)) {
    let v: string;
    try {
      v = decodeURIComponent(p);
    } catch {
      return null;
    }
    values.push(v === "" ? null : v);
  }
  // A trailing empty value ("12:" or "12:赤:") names nothing.
  if (parts.length > 1 && values[values.length - 1] === null) return null;
  return { productId: String(Number(parts[0])), option1: values[0] ?? null, option2: values[1] ?? null };
}

const escape = (v: string) => v.replace(/%/g, "%25").replace(/:/g, "%3A");

/** The code of a product (no option values) or of one of its options; empty values are absent. */
export function formatColormeCode(productId: number | string, option1?: string | null, option2?: string | null): string {
  const o1 = option1 || null;
  const o2 = option2 || null;
  if (!o1 && !o2) return String(productId);
  // An option with only a second value is not something the admin lets one make; kept addressable.
  return o2 ? `${productId}:${escape(o1 ?? "")}:${escape(o2)}` : `${productId}:${escape(o1!)}`;
}

/** The key of an option inside one product: both values, empty for an absent one. */
export const optionKey = (o1: string | null | undefined, o2: string | null | undefined) => `${o1 ?? ""}\u0000${o2 ?? ""}`;
