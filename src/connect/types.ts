import type { MessageKey } from "../lib/i18n";

// 連携する: what every mall's connect flow provides (src/connect/<kind>.ts), and the one error a
// flow raises when a callback fails a check. Nothing is written before every check has passed.

export const CONNECT_KINDS = ["shopify", "base", "yahoo", "amazon"] as const;
export type ConnectKind = (typeof CONNECT_KINDS)[number];

export function isConnectKind(k: string | undefined): k is ConnectKind {
  return CONNECT_KINDS.includes(k as ConnectKind);
}

/** The deployment's app at one mall (Worker secrets) and where its endpoints live (Worker vars). */
export interface ConnectApp {
  clientId: string;
  clientSecret: string;
  /** Amazon: the SP-API application id the consent URL names. */
  appId?: string;
  /** Amazon: a draft app, authorized with version=beta. */
  draft?: boolean;
  /** Where the merchant is sent to consent (Shopify: "{shopDomain}" still to fill). */
  authorizeUrl: string;
  tokenUrl: string;
}

/** A refused callback or start: the dictionary key of the Japanese/English reason. */
export class ConnectError extends Error {
  constructor(
    readonly key: MessageKey,
    readonly params: Record<string, string> = {},
  ) {
    super(key);
    this.name = "ConnectError";
  }
}

export interface ConnectFlow {
  kind: ConnectKind;
  /** The app of this deployment, or null when the operator has not configured one. */
  app(env: Env): ConnectApp | null;
  /**
   * What the merchant types before leaving for the mall, kept with the state: Shopify's shop
   * domain, Yahoo's ストアアカウント (YConnect does not say which store consented). Returns the
   * normalised value, or null when it is malformed.
   */
  extra?: { field: "shopDomain" | "sellerId"; parse(v: string): string | null; error: MessageKey };
  authorizeUrl(app: ConnectApp, p: { state: string; redirectUri: string; extra: string | null }): string;
  /** Checks of the callback beyond the state (Shopify: HMAC, timestamp, shop); throws ConnectError. */
  verify?(app: ConnectApp, query: Record<string, string>, p: { extra: string | null; now: number }): Promise<void>;
  /** The authorization code of the callback (the key differs per mall). */
  codeParam: string;
  /**
   * Trades the code for tokens; returns the credentials as the mall's adapter schema takes them.
   * Throws ConnectError("connect.err.exchange") with the mall's error code.
   */
  exchange(app: ConnectApp, query: Record<string, string>, p: { redirectUri: string; extra: string | null; now: number }): Promise<Record<string, unknown>>;
}

/** A token endpoint's answer as JSON, or a ConnectError naming the mall's error code. */
export async function postToken(url: string, init: RequestInit, mall: string): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(20_000) });
  } catch {
    throw new ConnectError("connect.err.exchange", { mall, reason: "network" });
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  const obj = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  if (!res.ok || typeof obj.access_token !== "string") {
    // The mall's error code only: its description may echo what was sent.
    const code = typeof obj.error === "string" ? obj.error.slice(0, 60) : `HTTP ${res.status}`;
    throw new ConnectError("connect.err.exchange", { mall, reason: code });
  }
  return obj;
}

export const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : undefined);
