// A small XML reader for the malls that answer in flat XML documents: Yahoo!ショッピング
// (ResultSet/Result, Result/Search/OrderInfo, Error) and au PAY マーケット (response/result,
// searchResult/resultStocks, orderInfo/detail). workerd has no DOMParser, and these documents need
// no namespaces, DTDs or mixed content, so a careful hand-written parser is enough. It rejects
// malformed input (unclosed or mismatched tags) instead of guessing.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Concatenated character data directly inside this element (entities decoded). */
  text: string;
}

export class XmlParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "XmlParseError";
  }
}

const NAMED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (all, ref: string) => {
    if (ref[0] === "#") {
      const cp = ref[1] === "x" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isFinite(cp) && cp <= 0x10ffff ? String.fromCodePoint(cp) : all;
    }
    return NAMED[ref] ?? all;
  });
}

export function escapeXml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

const NAME = /^[A-Za-z_][\w.:-]*/;
const ATTR = /([A-Za-z_][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/g;

/** Parses a document and returns its root element. */
export function parseXml(input: string): XmlElement {
  const src = input.replace(/^\uFEFF/, "");
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let i = 0;
  const appendText = (t: string) => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
    else if (t.trim() !== "") throw new XmlParseError("text outside the root element");
  };
  while (i < src.length) {
    const lt = src.indexOf("<", i);
    if (lt < 0) {
      appendText(decodeEntities(src.slice(i)));
      break;
    }
    if (lt > i) appendText(decodeEntities(src.slice(i, lt)));
    if (src.startsWith("<?", lt)) {
      const end = src.indexOf("?>", lt);
      if (end < 0) throw new XmlParseError("unterminated processing instruction");
      i = end + 2;
    } else if (src.startsWith("<!--", lt)) {
      const end = src.indexOf("-->", lt);
      if (end < 0) throw new XmlParseError("unterminated comment");
      i = end + 3;
    } else if (src.startsWith("<![CDATA[", lt)) {
      const end = src.indexOf("]]>", lt);
      if (end < 0) throw new XmlParseError("unterminated CDATA");
      appendText(src.slice(lt + 9, end));
      i = end + 3;
    } else if (src.startsWith("<!", lt)) {
      const end = src.indexOf(">", lt);
      if (end < 0) throw new XmlParseError("unterminated declaration");
      i = end + 1;
    } else if (src[lt + 1] === "/") {
      const end = src.indexOf(">", lt);
      if (end < 0) throw new XmlParseError("unterminated end tag");
      const name = src.slice(lt + 2, end).trim();
      const top = stack.pop();
      if (!top || top.name !== name) throw new XmlParseError(`unexpected </${name}>`);
      i = end + 1;
    } else {
      const end = findTagEnd(src, lt);
      let body = src.slice(lt + 1, end);
      const selfClosing = body.endsWith("/");
      if (selfClosing) body = body.slice(0, -1);
      const m = NAME.exec(body);
      if (!m) throw new XmlParseError("bad start tag");
      const el: XmlElement = { name: m[0], attrs: {}, children: [], text: "" };
      for (const a of body.slice(m[0].length).matchAll(ATTR)) {
        el.attrs[a[1]] = decodeEntities(a[3] ?? a[4] ?? "");
      }
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(el);
      else if (root) throw new XmlParseError("more than one root element");
      else root = el;
      if (!selfClosing) stack.push(el);
      i = end + 1;
    }
  }
  if (stack.length > 0) throw new XmlParseError(`unclosed <${stack[stack.length - 1].name}>`);
  if (!root) throw new XmlParseError("no root element");
  return root;
}

// A '>' inside a quoted attribute value does not end the tag.
function findTagEnd(src: string, from: number): number {
  let quote: string | null = null;
  for (let j = from + 1; j < src.length; j++) {
    const ch = src[j];
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === ">") return j;
  }
  throw new XmlParseError("unterminated start tag");
}

export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}

export function childrenNamed(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

/** Trimmed text of a direct child, or undefined when the child is absent. */
export function childText(el: XmlElement | undefined, name: string): string | undefined {
  const c = child(el, name);
  return c ? c.text.trim() : undefined;
}

/**
 * The leaf children of an element as a flat record (name → trimmed text). Elements that have
 * children of their own are left out; repeated leaves keep the first value.
 */
export function leaves(el: XmlElement): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of el.children) {
    if (c.children.length === 0 && !(c.name in out)) out[c.name] = c.text.trim();
  }
  return out;
}

/** Every element named `name` below `el`, at any depth, in document order. */
export function descendants(el: XmlElement | undefined, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    for (const c of e.children) {
      if (c.name === name) out.push(c);
      else walk(c);
    }
  };
  if (el) walk(el);
  return out;
}
