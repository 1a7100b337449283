// The account's own inbound order-mail address: <token>@<INBOUND_EMAIL_DOMAIN>, where the token is
// the account's random inbound token (accounts.inbound_token). A merchant with several shops of
// one cart routes each one's mails with a sub-address, <token>+<shopId>@…; without one, a mail
// goes to the account's oldest shop of the cart its subject names.

export interface InboundTarget {
  token: string;
  shopId: number | null;
}

export function inboundAddress(token: string, domain: string, shopId?: number): string {
  return `${token}${shopId === undefined ? "" : `+${shopId}`}@${domain}`;
}

/** The token (and shop) a recipient address names, or null when it is not one of Kura's. */
export function parseInboundAddress(to: string, domain: string | undefined): InboundTarget | null {
  const m = /^<?([^@<>\s]+)@([^@<>\s]+?)>?$/.exec(to.trim());
  if (!m) return null;
  if (domain && m[2].toLowerCase() !== domain.toLowerCase()) return null;
  const [token, sub] = m[1].toLowerCase().split("+", 2);
  if (!/^[0-9a-f]{20}$/.test(token)) return null;
  if (sub !== undefined && !/^\d{1,9}$/.test(sub)) return null;
  return { token, shopId: sub === undefined ? null : Number(sub) };
}
