import { describe, expect, it } from "vitest";
import { isDatetime, isDatetimeSlow, isUuid, isUuidSlow } from "./formats.ts";

const p2 = (n: number): string => String(n).padStart(2, "0");

describe("fast field checks agree with the patterns they replace", () => {
  it("datetime: every month/day, hour/minute/second and edge millisecond of the common shape", () => {
    const differ: string[] = [];
    const same = (v: string): void => {
      if (isDatetime(v) !== isDatetimeSlow(v)) differ.push(v);
    };
    for (const year of ["0000", "1900", "2000", "2024", "2026", "9999"]) {
      for (let m = 0; m < 100; m += 1) for (let d = 0; d < 100; d += 1) same(`${year}-${p2(m)}-${p2(d)}T12:00:00.000Z`);
    }
    for (let h = 0; h < 100; h += 1) for (let mi = 0; mi < 100; mi += 1) same(`2026-01-01T${p2(h)}:${p2(mi)}:00.000Z`);
    for (const h of ["00", "23", "24"]) {
      for (let s = 0; s < 100; s += 1) for (const ms of ["000", "001", "010", "100", "999"]) same(`2026-03-04T${h}:00:${p2(s)}.${ms}Z`);
    }
    // Every position of the shape with a non-digit or other separator in it.
    const base = "2026-01-01T00:00:00.000Z";
    for (let i = 0; i < base.length; i += 1) {
      for (const c of ["x", "-", ":", ".", "T", " ", "Z", "z", "+", "٣", "0", "9"]) same(`${base.slice(0, i)}${c}${base.slice(i + 1)}`);
    }
    for (const v of ["2026-01-01", "2026-01-01 10:00", "2026-01-01T10:00:00+02:00", "2026-01-01T10:00:00.123456789Z", "2026-01-01T00:00:00.000Z\n", ""]) same(v);
    expect(differ).toEqual([]);
  });

  it("uuid: case, length and every character class at every position", () => {
    const base = "0123abcd-ABCD-4ef0-8aBc-0123456789ef";
    const differ: string[] = [];
    for (let i = 0; i < base.length; i += 1) {
      for (let c = 0; c < 300; c += 1) {
        const v = `${base.slice(0, i)}${String.fromCharCode(c)}${base.slice(i + 1)}`;
        if (isUuid(v) !== isUuidSlow(v)) differ.push(v);
      }
    }
    for (const v of [base, `${base}0`, base.slice(1), "", "İ".repeat(36), base.toUpperCase()]) if (isUuid(v) !== isUuidSlow(v)) differ.push(v);
    expect(differ).toEqual([]);
    expect(isUuid(base)).toBe(true);
  });
});
