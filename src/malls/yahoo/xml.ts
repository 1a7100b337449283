// The XML reader moved to src/malls/xml.ts (au PAY マーケット's Wow!manager API speaks XML too);
// Yahoo's modules keep importing it from here.
export * from "../xml";
