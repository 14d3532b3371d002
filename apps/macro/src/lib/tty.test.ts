import { describe, expect, it } from "vitest";
import { colorOn, stripAnsi } from "./tty.ts";

describe("colorOn", () => {
  it("colours a terminal only, and never with NO_COLOR (any non-empty value) or TERM=dumb", () => {
    expect(colorOn({ isTTY: true }, {})).toBe(true);
    expect(colorOn({ isTTY: true }, { NO_COLOR: "" })).toBe(true);
    expect(colorOn({ isTTY: false }, {})).toBe(false);
    expect(colorOn({}, {})).toBe(false);
    for (const value of ["1", "0", "false", "yes"]) expect(colorOn({ isTTY: true }, { NO_COLOR: value }), value).toBe(false);
    expect(colorOn({ isTTY: true }, { TERM: "dumb" })).toBe(false);
  });

  it("strips colour and cursor sequences", () => {
    expect(stripAnsi("\u001b[1m\u001b[4mUSAGE\u001b[24m\u001b[22m \u001b[36mmacro\u001b[39m\u001b[2K")).toBe("USAGE macro");
  });
});
