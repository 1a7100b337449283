import type { Movement } from "./types";

// Who or what caused a ledger movement, read back from its ref (the ledger keeps one string):
//   sale / cancel:  "<shop id>|<order>|<line>", or "<source>|<order>|<line>" for API clients (a POS);
//                   the sales API takes an all-digit source as a shop id, so a name never is one
//   set / adjust …: "<actor>|<reason>" with actor "user:<id>", "token:<id>", "operator", "system"
//   registration:   "create:<actor>"
// Pure, so the 在庫履歴 page only has to put names to the ids.

export type MovementSource =
  | { by: "shop"; shopId: number; orderId: string }
  | { by: "external"; source: string; orderId: string }
  | { by: "user"; userId: number; note: string; created: boolean }
  | { by: "token"; tokenId: number; note: string; created: boolean }
  | { by: "other"; actor: string; note: string; created: boolean };

export function movementSource(m: Pick<Movement, "reason" | "ref">): MovementSource {
  if (m.reason === "sale" || m.reason === "cancel") {
    const [src, orderId = "", ...rest] = m.ref.split("|");
    const order = rest.length > 1 ? [orderId, ...rest.slice(0, -1)].join("|") : orderId;
    if (/^\d+$/.test(src)) return { by: "shop", shopId: Number(src), orderId: order };
    return { by: "external", source: src, orderId: order };
  }
  const created = m.ref.startsWith("create:");
  const body = created ? m.ref.slice(7) : m.ref;
  const bar = body.indexOf("|");
  const actor = bar < 0 ? body : body.slice(0, bar);
  const note = bar < 0 ? "" : body.slice(bar + 1);
  const id = actor.split(":")[1] ?? "";
  if (actor.startsWith("user:") && /^\d+$/.test(id)) return { by: "user", userId: Number(id), note, created };
  if (actor.startsWith("token:") && /^\d+$/.test(id)) return { by: "token", tokenId: Number(id), note, created };
  return { by: "other", actor, note, created };
}
