import { describe, expect, it } from "vitest";
import { digestNumberText, keyDigest } from "./keys.ts";
import { decimalOf, decimalText, fitsDouble, numberProblem } from "./numbers.ts";

const digest = (text: string): string => {
  const out = { hi: 0, lo: 0 };
  digestNumberText(text, out);
  return `${out.hi}:${out.lo}`;
};

describe("numbers as written", () => {
  it("one exact decimal per value, whatever the spelling", () => {
    const same = ["100", "1e2", "1E+2", "100.000", "0.1e3", "10000e-2"];
    expect(new Set(same.map((t) => decimalText(decimalOf(t))))).toEqual(new Set(["1e2"]));
    expect(decimalText(decimalOf("-0.0"))).toBe("0e0");
    expect(decimalText(decimalOf("1e99999999999999999999"))).toBe("1e99999999999999999999");
  });

  it("keys: a double where it tells values apart (as the fast path hashes them), the exact decimal elsewhere", () => {
    expect(fitsDouble(decimalOf("123456789012345"))).toBe(true);
    expect(fitsDouble(decimalOf("9007199254740993"))).toBe(false);
    expect(fitsDouble(decimalOf("1e400"))).toBe(false);
    const asDouble = keyDigest(12.5);
    expect(digest("12.5")).toBe(`${asDouble.hi}:${asDouble.lo}`);
    expect(digest("1.25e1")).toBe(digest("12.5"));
    expect(digest("18446744073709551616")).not.toBe(digest("18446744073709551617"));
    expect(digest("18446744073709551617")).toBe(digest("1.8446744073709551617e19"));
    expect(digest("1e400")).not.toBe(digest("1e401"));
  });

  it("names what no double holds, and integers outside 64 bits", () => {
    expect(numberProblem("1e400", false)).toContain("Infinity");
    expect(numberProblem("-1e400", false)).toContain("Infinity");
    expect(numberProblem("1e-400", false)).toContain("0");
    expect(numberProblem("0e-400", false)).toBeNull();
    expect(numberProblem("0.000e999", false)).toBeNull();
    expect(numberProblem("18446744073709551616", false)).toBeNull();
    expect(numberProblem("9223372036854775807", true)).toBeNull();
    expect(numberProblem("-9223372036854775808", true)).toBeNull();
    expect(numberProblem("9223372036854775808", true)).toContain("64-bit");
    expect(numberProblem("-9223372036854775809", true)).toContain("64-bit");
    expect(numberProblem("1e19", true)).toContain("64-bit");
    expect(numberProblem("0.99999999999999999", true)).toContain("not an integer");
    expect(numberProblem("1.5e1", true)).toBeNull();
  });
});
