import { badRequest } from "../../lib/errors";

// Opaque keyset cursors: base64url of the last key of the previous page.
export function encodeCursor(key: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(key))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  try {
    const bin = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(Uint8Array.from(bin, (ch) => ch.charCodeAt(0)));
  } catch {
    throw badRequest("cursor: not a cursor returned by this API");
  }
}

/** The id a keyset cursor of an id-ordered list names; undefined for none (the first page). */
export function cursorId(cursor: string | undefined): number | undefined {
  const id = Number(decodeCursor(cursor));
  return Number.isInteger(id) && id > 0 ? id : undefined;
}

/**
 * One page of an id-ordered list read with `limit + 1` rows: the extra row only says that there
 * is a next page, whose cursor is the last id shown.
 */
export function idPage<R, O extends { id: number }>(rows: R[], limit: number, out: (row: R) => O): { items: O[]; nextCursor: string | null } {
  const items = rows.slice(0, limit).map(out);
  return { items, nextCursor: rows.length > limit ? encodeCursor(String(items[items.length - 1].id)) : null };
}
