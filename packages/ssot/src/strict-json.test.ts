import { describe, expect, it } from "vitest";
import { parseStrictJson } from "./strict-json.ts";

const code = (input: Uint8Array | string, options?: { maxBytes?: number; maxDepth?: number }) => {
  const r = parseStrictJson(input, options);
  return r.ok ? "ok" : r.error.code;
};

describe("parseStrictJson", () => {
  it("parses what JSON.parse parses, to the same value", () => {
    const samples = ['{"a":[1,-2.5e3,true,false,null,"x\\u0041\\n"],"b":{}}', " [ ] ", '"s"', "0", '{"__proto__":{"x":1}}', '[{},[],""]'];
    for (const s of samples) {
      const r = parseStrictJson(s);
      expect(r.ok && r.value).toEqual(JSON.parse(s));
    }
  });

  it("keeps __proto__ an own key, as JSON.parse does (no prototype change)", () => {
    const r = parseStrictJson('{"__proto__":{"polluted":1}}');
    expect(r.ok && Object.hasOwn(r.value as object, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it("refuses a duplicate key at any depth, also when spelled with an escape, and names where", () => {
    expect(code('{"body":"AKIA","body":"clean"}')).toBe("JSON_DUPLICATE_KEY");
    expect(code('{"a":{"b":1,"\\u0062":2}}')).toBe("JSON_DUPLICATE_KEY");
    const r = parseStrictJson('{"a":[{"k":1},{"k":1,"k":2}]}');
    expect(r.ok ? null : r.error.path).toBe("$.a[1].k");
    // The same key in sibling objects is fine.
    expect(code('[{"k":1},{"k":1}]')).toBe("ok");
  });

  it("refuses a BOM, as bytes and as text", () => {
    expect(code(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d]))).toBe("JSON_BOM");
    expect(code("\ufeff{}")).toBe("JSON_BOM");
  });

  it("refuses bytes after the value, but not trailing whitespace", () => {
    expect(code("{} x")).toBe("JSON_TRAILING");
    expect(code("{}{}")).toBe("JSON_TRAILING");
    expect(code("{}\u0000")).toBe("JSON_TRAILING");
    expect(code("{}\n")).toBe("ok");
  });

  it("refuses nesting past the bound without recursion, even a million levels deep", () => {
    expect(code("[".repeat(65) + "]".repeat(65))).toBe("JSON_TOO_DEEP");
    expect(code("[".repeat(64) + "]".repeat(64))).toBe("ok");
    expect(code('{"a":'.repeat(1_000_000))).toBe("JSON_TOO_DEEP");
    expect(code("[".repeat(5) + "]".repeat(5), { maxDepth: 4 })).toBe("JSON_TOO_DEEP");
  });

  it("refuses a number that would be Infinity", () => {
    expect(code("[1e400]")).toBe("JSON_NUMBER_RANGE");
    expect(code("[-1e400]")).toBe("JSON_NUMBER_RANGE");
    expect(code("[1e308]")).toBe("ok");
  });

  it("refuses input over the byte bound before scanning it", () => {
    expect(code(new TextEncoder().encode(`"${"a".repeat(100)}"`), { maxBytes: 50 })).toBe("JSON_TOO_LARGE");
    expect(code(`"${"é".repeat(30)}"`, { maxBytes: 50 })).toBe("JSON_TOO_LARGE");
  });

  it("refuses invalid UTF-8 rather than replacing it", () => {
    expect(code(new Uint8Array([0x22, 0xff, 0x22]))).toBe("JSON_NOT_UTF8");
  });

  it("refuses what the JSON grammar refuses", () => {
    for (const s of ["", "{", "[1,]", '{"a":1,}', "{a:1}", "+1", "'x'", '"\t"', '"\\x"', '"\\u12"', "NaN", "[1 2]", '{"a" 1}', "tru", "[1.]", "[01]"]) {
      expect(code(s), s).toBe("JSON_SYNTAX");
    }
    // A valid value followed by more: refused as trailing bytes.
    for (const s of ["01", "1.", "1e", "-"]) expect(code(s), s).not.toBe("ok");
  });

  it("never quotes the input in its message", () => {
    const r = parseStrictJson('{"k":"AKIASECRETVALUE","k":1}');
    expect(r.ok ? "" : r.error.message).not.toContain("AKIA");
  });
});
