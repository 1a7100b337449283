import { describe, expect, it } from "vitest";
import { parseMallCode, parseYahooTime, toYahooTime } from "../../src/malls/yahoo/codes";
import {
  b64urlToBigInt,
  bigIntToBytes,
  bytesToBigInt,
  modPow,
  rsaPkcs1Encrypt,
  signaturePlaintext,
} from "../../src/malls/yahoo/signature";
import { childText, childrenNamed, leaves, parseXml, XmlParseError } from "../../src/malls/yahoo/xml";
import { DEMO_KEY_JWK, DEMO_PUBLIC_KEY_PEM } from "../../sim/yahoo/demo-key";

describe("yahoo: XML reader", () => {
  it("reads a declaration, attributes, entities, CDATA, comments and empty elements", () => {
    const doc = parseXml(
      '\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n<!-- c --><ResultSet totalResultsAvailable="2" note=\'a>b\'>' +
        "<Result><ItemCode> item-01 </ItemCode><SubCode/><Title>A &amp; B &lt;&#x3042;&#12354;&gt;</Title></Result>" +
        "<Result><ItemCode><![CDATA[x<y]]></ItemCode><SubCode></SubCode></Result></ResultSet>",
    );
    expect(doc.name).toBe("ResultSet");
    expect(doc.attrs).toEqual({ totalResultsAvailable: "2", note: "a>b" });
    const rows = childrenNamed(doc, "Result").map(leaves);
    expect(rows).toEqual([
      { ItemCode: "item-01", SubCode: "", Title: "A & B <ああ>" },
      { ItemCode: "x<y", SubCode: "" },
    ]);
    expect(childText(doc, "Missing")).toBeUndefined();
  });

  it("rejects malformed documents instead of guessing", () => {
    for (const bad of ["<a><b></a>", "<a>", "", "text only", "<a></a><b></b>", "<a attr='x></a>"]) {
      expect(() => parseXml(bad), bad).toThrow(XmlParseError);
    }
  });

  it("reads the Error body with a namespace attribute", () => {
    const doc = parseXml('<?xml version="1.0"?><Error xmlns="urn:yahoo:api"><Message>item_code() is invalid format.</Message><Code>st-02101</Code></Error>');
    expect(leaves(doc)).toEqual({ Message: "item_code() is invalid format.", Code: "st-02101" });
  });
});

describe("yahoo: codes and times", () => {
  it("accepts item_code and item_code:sub_code, rejects anything that would break the comma list", () => {
    expect(parseMallCode("abc-1")).toEqual({ itemCode: "abc-1", subCode: null });
    expect(parseMallCode("abc-1:red-M")).toEqual({ itemCode: "abc-1", subCode: "red-M" });
    for (const bad of ["", "a,b", "a:b:c", "a:", ":b", "a b", "a".repeat(100), "商品"]) expect(parseMallCode(bad), bad).toBeNull();
  });

  it("converts to and from JST", () => {
    const ms = Date.UTC(2026, 0, 31, 15, 30, 5); // 2026-02-01 00:30:05 JST
    expect(toYahooTime(ms)).toBe("20260201003005");
    expect(parseYahooTime("20260201003005")).toBe(ms);
    expect(parseYahooTime("2026-02-01T00:30:05+09:00")).toBe(ms);
    expect(parseYahooTime("2026-02-01T00:30:05")).toBe(ms);
    expect(parseYahooTime("yesterday")).toBeNull();
  });
});

describe("yahoo: public-key signature", () => {
  it("RSA PKCS#1 v1.5 encryption of 'sellerId:unixtime' decrypts with the private key", async () => {
    const sig = await rsaPkcs1Encrypt(DEMO_PUBLIC_KEY_PEM, signaturePlaintext("kura-demo", 1_785_000_000_123));
    const bin = atob(sig);
    expect(bin.length).toBe(256);
    const c = bytesToBigInt(Uint8Array.from(bin, (ch) => ch.charCodeAt(0)));
    const em = bigIntToBytes(modPow(c, b64urlToBigInt(DEMO_KEY_JWK.d), b64urlToBigInt(DEMO_KEY_JWK.n)), 256);
    expect([em[0], em[1]]).toEqual([0, 2]);
    const sep = em.indexOf(0, 2);
    expect(sep).toBeGreaterThanOrEqual(10);
    expect(em.slice(2, sep).every((b) => b !== 0)).toBe(true);
    expect(new TextDecoder().decode(em.slice(sep + 1))).toBe("kura-demo:1785000000");
    // Random padding: two signatures of the same text differ.
    expect(await rsaPkcs1Encrypt(DEMO_PUBLIC_KEY_PEM, "x")).not.toBe(await rsaPkcs1Encrypt(DEMO_PUBLIC_KEY_PEM, "x"));
  });
});
