import { describe, expect, it } from "vitest";
import { DigestSet } from "./digest-set.ts";
import { keyDigest } from "./keys.ts";

describe("DigestSet", () => {
  it("[#22] remembers every key it was given and nothing else, through many growths", () => {
    const set = new DigestSet();
    for (let i = 0; i < 50_000; i += 1) expect(set.add(keyDigest(i))).toBe(true);
    expect(set.size).toBe(50_000);
    for (let i = 0; i < 50_000; i += 1) expect(set.has(keyDigest(i))).toBe(true);
    for (let i = 50_000; i < 60_000; i += 1) expect(set.has(keyDigest(i))).toBe(false);
  });

  it("a second add of the same key is a duplicate; 1 and \"1\" are different keys", () => {
    const set = new DigestSet();
    expect(set.add(keyDigest("1"))).toBe(true);
    expect(set.add(keyDigest("1"))).toBe(false);
    expect(set.add(keyDigest(1))).toBe(true);
  });

  it("stores the all-zero digest, which is also the empty-slot marker", () => {
    const set = new DigestSet();
    expect(set.has({ hi: 0, lo: 0 })).toBe(false);
    expect(set.add({ hi: 0, lo: 0 })).toBe(true);
    expect(set.has({ hi: 0, lo: 0 })).toBe(true);
    expect(set.size).toBe(1);
  });
});
