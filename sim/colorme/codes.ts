// The control API's codes, as Kura writes them (src/malls/colorme/codes.ts), parsed here on
// their own so a mistake in the adapter's version is not mirrored by the simulator:
// "product_id", "product_id:option1", "product_id:option1:option2"; ':' and '%' inside a value
// are %3A and %25.

export function parseCode(code: string): { productId: number; option1: string | null; option2: string | null } | null {
  const m = /^(\d{1,18})(?::([^:]*))?(?::([^:]+))?$/.exec(code.trim());
  if (!m) return null;
  const dec = (s: string | undefined) => (s ? s.replace(/%3A/gi, ":").replace(/%25/g, "%") : null);
  if (m[2] === "" && m[3] === undefined) return null;
  return { productId: Number(m[1]), option1: dec(m[2]), option2: dec(m[3]) };
}

export function formatCode(productId: number, option1: string, option2: string): string {
  const enc = (s: string) => s.replace(/%/g, "%25").replace(/:/g, "%3A");
  if (!option1 && !option2) return String(productId);
  return option2 ? `${productId}:${enc(option1)}:${enc(option2)}` : `${productId}:${enc(option1)}`;
}

export const optionKey = (o1: string | null | undefined, o2: string | null | undefined) => `${o1 ?? ""}\u0000${o2 ?? ""}`;
