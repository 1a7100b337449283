import type { z } from "zod";
import { adapterFor } from "../../malls/registry";

// The モール設定 credential form of each mall kind, generated from the adapter's own zod
// credentials schema (the one that parses them before they are sealed): one field per key the
// merchant enters. Keys Kura keeps itself (rotated tokens, expiries read from the mall) are left
// out; their schema description starts with "Kept by Kura".

export type CredentialInput = "text" | "secret" | "textarea" | "date";

export interface CredentialField {
  key: string;
  input: CredentialInput;
  required: boolean;
  /** The schema's default, shown prefilled (e.g. Amazon's marketplace id). */
  defaultValue?: string;
  /** The schema's own description (English), used when the dictionary has no help text. */
  description: string;
}

type Schema = z.ZodType & { description?: string; _zod: { def: { type: string; innerType?: Schema; defaultValue?: unknown } } };

/** The innermost schema under optional / nullable / default, and what those wrappers say. */
function unwrap(s: Schema) {
  let cur = s;
  let required = true;
  let defaultValue: unknown;
  let description = s.description;
  while (["optional", "nullable", "default"].includes(cur._zod.def.type)) {
    if (cur._zod.def.type === "optional" || cur._zod.def.type === "nullable") required = false;
    if (cur._zod.def.type === "default") {
      required = false;
      defaultValue = cur._zod.def.defaultValue;
    }
    cur = cur._zod.def.innerType!;
    description ??= cur.description;
  }
  return { inner: cur, required, defaultValue, description: description ?? "" };
}

const SECRET = /secret|token|licen[cs]e|apiKey/i;

export function credentialFields(kind: string): CredentialField[] {
  const shape = (adapterFor(kind).credentialsSchema as unknown as { shape: Record<string, Schema> }).shape;
  const out: CredentialField[] = [];
  for (const [key, schema] of Object.entries(shape)) {
    const { inner, required, defaultValue, description } = unwrap(schema);
    if (description.startsWith("Kept by Kura")) continue;
    const type = inner._zod.def.type;
    const input: CredentialInput = type === "number" ? "date" : key === "publicKey" ? "textarea" : SECRET.test(key) ? "secret" : "text";
    out.push({ key, input, required, description, ...(typeof defaultValue === "string" && { defaultValue }) });
  }
  return out;
}

const JST = 9 * 3600_000;
/** A date typed as YYYY-MM-DD is that day's 00:00 in Japan, as epoch ms (the schemas' unit). */
export function dateToEpoch(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(ms) ? ms - JST : undefined;
}

/**
 * The credentials typed in a posted form (`cred.<key>`), over `stored` ones: a field left empty
 * keeps what is stored (an edit form never shows it back), so only what is typed replaces.
 * A date that does not parse is kept as typed, for the schema to refuse by name.
 */
export function typedCredentials(kind: string, body: Record<string, unknown>, stored: Record<string, unknown> = {}) {
  const out: Record<string, unknown> = { ...stored };
  for (const f of credentialFields(kind)) {
    const raw = body[`cred.${f.key}`];
    const value = typeof raw === "string" ? raw.trim() : "";
    if (value === "") continue;
    out[f.key] = f.input === "date" ? (dateToEpoch(value) ?? value) : value;
  }
  return out;
}
