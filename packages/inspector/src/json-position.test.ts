import { describe, expect, it } from "vitest";
import { jsonErrorOffset, lineOf } from "./json-position.ts";

describe("jsonErrorOffset", () => {
  it("agrees with JSON.parse on what is valid", () => {
    for (const ok of ['{"a":[1,-2.5e3,true,false,null,"x\\u00e9\\n"]}', " [ ] ", '"s"', "0"]) {
      expect(() => JSON.parse(ok)).not.toThrow();
      expect(jsonErrorOffset(ok)).toBeNull();
    }
  });

  it("points at the first bad character", () => {
    expect(jsonErrorOffset('{"a": }')).toBe(6);
    expect(jsonErrorOffset('{"a": 1,}')).toBe(8);
    expect(jsonErrorOffset("[1 2]")).toBe(3);
    expect(jsonErrorOffset('{"a": "x')).toBe(8);
    expect(jsonErrorOffset("{} x")).toBe(3);
    expect(jsonErrorOffset("01")).toBe(1);
    const text = '{\n  "a": 1,\n  "b": tru\n}';
    expect(lineOf(text, jsonErrorOffset(text) ?? -1)).toBe(3);
  });
});
