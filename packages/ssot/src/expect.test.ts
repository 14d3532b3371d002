import { describe, expect, it } from "vitest";
import { matchExpected, matchValue, setDifference } from "./expect.ts";

describe("$set", () => {
  it("matches the same elements in any order, deep-equal, and nothing else", () => {
    expect(matchValue({ $set: ["a", "b"] }, ["b", "a"])).toBe(true);
    expect(matchValue({ $set: [{ x: 1, y: 2 }] }, [{ y: 2, x: 1 }])).toBe(true);
    expect(matchValue({ $set: [] }, [])).toBe(true);
    expect(matchValue({ $set: ["a"] }, ["a", "b"])).toBe(false);
    expect(matchValue({ $set: ["a", "b"] }, ["a"])).toBe(false);
    expect(matchValue({ $set: ["a"] }, ["a", "a"])).toBe(false);
    expect(matchValue({ $set: ["a"] }, "a")).toBe(false);
    expect(matchValue({ $set: "a" }, ["a"])).toBe(false);
    expect(matchValue({ $set: [] }, undefined)).toBe(false);
  });

  it("names what is extra and what is missing", () => {
    expect(setDifference(["a", "b", "b"], ["b", "c"])).toEqual({ extra: ["c"], missing: ["a", "b"] });
    expect(matchExpected({ m: { $set: ["/tmp noexec"] } }, { m: ["/tmp exec", "/host bind"] }).mismatches).toEqual([
      { key: "m", expected: { $set: ["/tmp noexec"] }, actual: ["/tmp exec", "/host bind"], extra: ["/tmp exec", "/host bind"], missing: ["/tmp noexec"] },
    ]);
  });

  it("is an operator only alone: an object with $set and another key is a plain value", () => {
    expect(matchValue({ $set: ["a"], also: 1 }, ["a"])).toBe(false);
  });
});
