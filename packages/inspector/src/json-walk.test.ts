import { describe, expect, it } from "vitest";
import { walkJson } from "./json-walk.ts";

function walk(text: string): { strings: string[]; duplicates: string[]; numbers: string[] } {
  const seen = { strings: [] as string[], duplicates: [] as string[], numbers: [] as string[] };
  walkJson(text, {
    string: (s, top) => seen.strings.push(`${top}:${s}`),
    duplicate: (path, top, nfc) => seen.duplicates.push(`${top}:${path}${nfc ? " nfc" : ""}`),
    number: (t, top, depth) => seen.numbers.push(`${top}:${t}@${depth}`),
  });
  return seen;
}

describe("walkJson", () => {
  it("visits every string decoded, escaped quotes and backslashes included, under its top-level key", () => {
    const w = walk(String.raw`{"a":"x\"y","b\\":["\\","\\\"",{"c":"\u0041"}],"d":true,"e":null,"f":false}`);
    expect(w.strings).toEqual(["a:a", 'a:x"y', "b\\:b\\", "b\\:\\", 'b\\:\\"', "b\\:c", "b\\:A", "d:d", "e:e", "f:f"]);
  });

  it("finds keys repeated in one object at any depth, escaped or NFC-equal, and not across objects", () => {
    const w = walk(String.raw`{"a":1,"\u0061":2,"n":{"x":[{"k":1},{"k":1,"k":2}],"caf\u00e9":1,"cafe\u0301":2},"m":{"k":1},"o":{"k":1}}`);
    expect(w.duplicates).toEqual(["a:a", "n:n.x[1].k", "n:n.cafe\u0301 nfc"]);
  });

  it("hands on numbers as written, with their depth", () => {
    expect(walk(`{"a":-1.5e+400,"b":[18446744073709551617,0]}`).numbers).toEqual(["a:-1.5e+400@1", "b:18446744073709551617@2", "b:0@2"]);
  });

  it("walks nesting far past any call stack", () => {
    const d = 1_000_000;
    expect(walk(`{"a":${"[".repeat(d)}"s"${"]".repeat(d)}}`).strings).toEqual(["a:a", "a:s"]);
  });
});
