import { describe, it, expect } from "vitest";
import { createHash } from "node:crypto";
import { canonicalJson, jsonlLineDigests, sha256Hex } from "./hash.ts";

const h = (s: string) => createHash("sha256").update(Buffer.from(s, "utf8")).digest("hex");

describe("hashing", () => {
  it("sha256Hex hashes the UTF-8 bytes", () => {
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256Hex(new TextEncoder().encode("B4′"))).toBe(sha256Hex("B4′"));
  });

  it("jsonlLineDigests hashes each line's raw bytes, skipping blank lines and CR", () => {
    const data = new TextEncoder().encode('{"a":1}\n{"b": 2}\r\n\n{"c":3}');
    expect(jsonlLineDigests(data)).toEqual([h('{"a":1}'), h('{"b": 2}'), h('{"c":3}')]);
    // A re-serialised line hashes differently: bytes, not meaning.
    expect(jsonlLineDigests(new TextEncoder().encode('{"b":2}\n'))[0]).not.toBe(h('{"b": 2}'));
  });

  it("canonicalJson sorts keys at every level and rejects non-finite numbers", () => {
    expect(canonicalJson({ b: 1, a: { d: [true, null], c: "x" } })).toBe('{"a":{"c":"x","d":[true,null]},"b":1}');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow();
  });
});
