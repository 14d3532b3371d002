import { describe, expect, it } from "vitest";
import { digestUtf8, keyDigest } from "./keys.ts";

const key = (v: string | number | boolean): string => {
  const d = keyDigest(v);
  return `${d.hi}:${d.lo}`;
};

describe("keyDigest", () => {
  it("equal keys are exactly the values with equal JSON text", () => {
    expect(key("1")).not.toBe(key(1));
    expect(key(true)).not.toBe(key("true"));
    expect(key(true)).not.toBe(key(false));
    expect(key(1)).toBe(key(1.0));
    expect(key(-0)).toBe(key(0));
    expect(key(0.5)).not.toBe(key(-0.5));
    expect(key(2 ** 31)).not.toBe(key(-(2 ** 31)));
    expect(key(1e21)).toBe(key(JSON.parse("1e21") as number));
    expect(key("")).not.toBe(key(0));
    expect(key("a\u0000")).not.toBe(key("a"));
    // The same JSON text always gives the same digest (no per-run seed: reports are reproducible).
    for (const v of ["é日本😀", 123456789, 3.25, false]) expect(key(v)).toBe(key(JSON.parse(JSON.stringify(v)) as string | number | boolean));
  });

  it("a string hashes the same from its UTF-8 bytes in place as from its text, and an unpaired surrogate never as its replacement", () => {
    const out = { hi: 0, lo: 0 };
    for (const v of ["", "a", "abc", "abcd", "abcde", "0123abcd-abcd-4ef0-8abc-0123456789ef", "é", "日本語", "😀x", "a\u0000"]) {
      const bytes = Buffer.concat([Buffer.from("xx"), Buffer.from(v), Buffer.from("yy")]);
      digestUtf8(bytes, 2, bytes.length - 2, out);
      expect(`${out.hi}:${out.lo}`, v).toBe(key(v));
    }
    expect(key("\ud800")).not.toBe(key("\ufffd"));
    expect(key("a\udc00b")).not.toBe(key("a\ufffdb"));
    expect(key("\ud83d\ude00")).toBe(key("😀"));
  });

  it("behaves like 64 random bits on structured keys: no full collisions, per-half collisions at the birthday rate", () => {
    const n = 200_000;
    // 32-bit halves collide about n²/2³³ ≈ 4.7 times among n keys; a weak mix collides far more.
    const expected = (n * n) / 2 ** 33;
    for (const make of [(i: number) => i, (i: number) => String(i), (i: number) => `0000000${i % 10}-aaaa-4bbb-8ccc-${String(i).padStart(12, "0")}`, (i: number) => i + 0.5]) {
      const full = new Set<string>();
      const hi = new Set<number>();
      const lo = new Set<number>();
      for (let i = 0; i < n; i += 1) {
        const d = keyDigest(make(i));
        full.add(`${d.hi}:${d.lo}`);
        hi.add(d.hi);
        lo.add(d.lo);
      }
      expect(full.size).toBe(n);
      expect(n - hi.size).toBeLessThan(expected * 4);
      expect(n - lo.size).toBeLessThan(expected * 4);
    }
  });
});
