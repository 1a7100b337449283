/** The product page's address, and its sub-pages' ("/why", "/history", …): codes may hold & + : and the like. */
export const productHref = (code: string, rest = "") => `/products/${encodeURIComponent(code)}${rest}`;
